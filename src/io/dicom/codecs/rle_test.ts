import assert from "node:assert/strict";
import type { PixelDescription } from "../image_info.ts";
import { decodeRle, unpackBits } from "./rle.ts";

const GREY16: PixelDescription = {
  rows: 2,
  cols: 2,
  frames: 1,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 16,
  highBit: 15,
  signed: false,
  photometric: "MONOCHROME2",
  planarConfiguration: 0,
};

function rleFrame(segments: Uint8Array[]): Uint8Array {
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((segment, index) => {
    view.setUint32(4 + index * 4, offset, true);
    offset += segment.length;
  });
  const frame = new Uint8Array(offset);
  frame.set(header);
  let position = 64;
  for (const segment of segments) {
    frame.set(segment, position);
    position += segment.length;
  }
  return frame;
}

Deno.test("unpackBits: literal runs, replicate runs and the 128 no-op", () => {
  const target = new Uint8Array(8);
  const written = unpackBits(new Uint8Array([0x02, 1, 2, 3, 0x80, 0xfd, 9, 0x00, 4]), target);
  assert.equal(written, 8);
  assert.deepEqual([...target], [1, 2, 3, 9, 9, 9, 9, 4]);
});

Deno.test("decodeRle: 16-bit samples come from a high-byte and a low-byte segment", () => {
  const high = new Uint8Array([0x03, 0x01, 0x02, 0x03, 0xff]); // literal 4 bytes
  const low = new Uint8Array([0xfd, 0x10]); // 4 x 0x10
  const frame = decodeRle(rleFrame([high, low]), GREY16);
  assert.deepEqual([...frame.samples], [0x0110, 0x0210, 0x0310, 0xff10]);
});

Deno.test("decodeRle: wrong segment count or short segments are errors", () => {
  assert.throws(() => decodeRle(rleFrame([new Uint8Array([0xfd, 1])]), GREY16), /1 segments, 2 expected/);
  assert.throws(
    () => decodeRle(rleFrame([new Uint8Array([0xfe, 1]), new Uint8Array([0xfd, 1])]), GREY16),
    /segment 0 holds 3 of 4 bytes/,
  );
  assert.throws(() => decodeRle(new Uint8Array(10), GREY16), /shorter than its 64-byte header/);
});
