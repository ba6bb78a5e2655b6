import assert from "node:assert/strict";
import { DecodeErrorScan } from "./video_decode_error.ts";

/** Scan the lines and return what was found. */
function scan(lines: string[]): DecodeErrorScan {
  const found = new DecodeErrorScan();
  for (const line of lines) if (found.push(line)) break;
  return found;
}

const MAPPING = "[info]   Stream #0:0 -> #0:0 (h264 (native) -> wrapped_avframe (native))";

Deno.test("DecodeErrorScan: the first decoder error after the mapping is tied to the packet before it", () => {
  const found = scan([
    // The probe's trial decode errs before the mapping: not tied to a packet.
    "[h264 @ 0x19ecf700] [error] left block unavailable for requested intra4x4 mode -1",
    MAPPING,
    "[info] stream #0:",
    "[info]   keyframe=1",
    "[info]   size=5997",
    "[info] stream #0:",
    "[info]   keyframe=0",
    "[info]   size=1970",
    "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] [error] stream 0, offset 0x4a1: partial file",
    "[h264 @ 0x19ed5900] [error] cabac decode of qscale diff failed at 3 15",
    "[h264 @ 0x19ed5900] [error] error while decoding MB 3 15, bytestream 3525",
  ]);
  assert.deepEqual(found.found, {
    packetSizes: [5997, 1970],
    message: "cabac decode of qscale diff failed at 3 15",
  });
});

Deno.test("DecodeErrorScan: no packet, no error, or packets of two streams name nothing", () => {
  assert.equal(scan([MAPPING, "[h264 @ 0x1] [error] no frame!"]).found, undefined);
  assert.equal(scan([MAPPING, "[info] stream #0:", "[info]   size=10"]).found, undefined);
  const mixed = scan([MAPPING, "[info] stream #0:", "[info]   size=10", "[info] stream #1:"]);
  assert.equal(mixed.confused, true);
  assert.equal(mixed.found, undefined);
});
