import assert from "node:assert/strict";
import { CorruptFileError } from "../errors.ts";
import { readImage } from "./image.ts";
import { jpegStructure } from "./jpeg_structure.ts";

const JPEG = Deno.readFileSync(new URL("../../fixtures/inputs/case_0004.jpg", import.meta.url));

/** Offset of the first segment with this marker byte. */
function markerAt(bytes: Uint8Array, marker: number): number {
  let position = 2;
  while (bytes[position + 1] !== marker) position += 2 + ((bytes[position + 2] << 8) | bytes[position + 3]);
  return position;
}

Deno.test("jpegStructure: a sound JPEG has a frame and no problem", () => {
  const { frame, problem } = jpegStructure(JPEG);
  assert.equal(problem, undefined);
  assert.ok(frame && frame.rows > 0 && frame.cols > 0 && frame.components.length === 3);
});

Deno.test("jpegStructure: a cut scan, an overlong DHT and a second SOI are named with their offsets", () => {
  const sos = markerAt(JPEG, 0xda);
  assert.equal(
    jpegStructure(JPEG.subarray(0, sos + 500)).problem,
    `JPEG scan (SOS at byte ${sos}) is cut short: the code stream ends at byte ${
      sos + 500
    } with no EOI marker`,
  );
  const dht = markerAt(JPEG, 0xc4);
  const long = JPEG.slice();
  long[dht + 2] = 0xff;
  assert.match(
    jpegStructure(long).problem!,
    new RegExp(
      `^JPEG DHT segment at byte ${dht}: a table declares \\d+ codes|^JPEG DHT segment at byte ${dht} declares`,
    ),
  );
  const twice = JPEG.slice();
  twice.set([0xff, 0xd8], markerAt(JPEG, 0xdb));
  assert.match(jpegStructure(twice).problem!, /^JPEG code stream has a second SOI marker at byte \d+$/);
});

Deno.test("readImage: a cut JPEG names the scan that is cut short, with the path", async () => {
  const sos = markerAt(JPEG, 0xda);
  await assert.rejects(readImage(JPEG.subarray(0, sos + 800), { path: "cut.jpg" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.equal(
      error.message,
      `cut.jpg: JPEG scan (SOS at byte ${sos}) is cut short: the code stream ends at byte ${
        sos + 800
      } with no EOI marker`,
    );
    return true;
  });
});

Deno.test("jpegStructure names a scan that uses a Huffman table no DHT defines (fuzz seed 43)", () => {
  const sos = markerAt(JPEG, 0xda);
  const broken = JPEG.slice();
  broken[sos + 6] = 0x66; // component 0: DC table 6, AC table 6
  assert.equal(
    jpegStructure(broken).problem,
    `JPEG SOS at byte ${sos}: scan component 0 uses DC Huffman table 6, which no DHT segment before the scan defines`,
  );
  assert.equal(jpegStructure(JPEG).problem, undefined);
});
