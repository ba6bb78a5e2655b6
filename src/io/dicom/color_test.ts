import assert from "node:assert/strict";
import { expandYbr422, planarToInterleaved, toInterleavedRgb, ybrFullToRgb } from "./color.ts";

Deno.test("planarToInterleaved reorders RRGGBB into RGBRGB", () => {
  assert.deepEqual([...planarToInterleaved(new Uint8Array([1, 2, 3, 4, 5, 6]), 2, 3)], [1, 3, 5, 2, 4, 6]);
});

Deno.test("ybrFullToRgb: grey stays grey, the YBR of pure red and blue come back", () => {
  assert.deepEqual([...ybrFullToRgb(new Uint8Array([128, 128, 128]), 8)], [128, 128, 128]);
  // BT.601 full range: red (255,0,0) is Y 76, Cb 85, Cr 255; blue is Y 29, Cb 255, Cr 107
  assert.deepEqual([...ybrFullToRgb(new Uint8Array([76, 85, 255]), 8)], [254, 0, 0]);
  assert.deepEqual([...ybrFullToRgb(new Uint8Array([29, 255, 107]), 8)], [0, 0, 254]);
  assert.deepEqual([...ybrFullToRgb(new Uint16Array([2048, 2048, 2048]), 12)], [2048, 2048, 2048]);
});

Deno.test("expandYbr422 shares each chroma pair between two pixels, odd widths included", () => {
  const row = new Uint8Array([10, 20, 100, 200, 30, 0, 110, 210]); // 3 pixels: pair + half pair
  assert.deepEqual([...expandYbr422(row, 1, 3)], [10, 100, 200, 20, 100, 200, 30, 110, 210]);
});

Deno.test("toInterleavedRgb leaves greyscale and RGB alone and reports the new photometric", () => {
  const grey = new Uint16Array([1, 2]);
  const frame = { planar: 0 as const, rows: 1, cols: 2, bitsStored: 8 };
  assert.equal(
    toInterleavedRgb(grey, { ...frame, photometric: "MONOCHROME1", channels: 1 }).photometric,
    "MONOCHROME1",
  );
  const ybr = toInterleavedRgb(new Uint8Array([128, 128, 128, 128, 128, 128]), {
    ...frame,
    photometric: "YBR_FULL",
    channels: 3,
  });
  assert.equal(ybr.photometric, "RGB");
});
