import assert from "node:assert/strict";
import { readVolume } from "../io/read.ts";
import { createVolume, frameLength } from "../volume.ts";
import { maskText, padBox, textMask } from "./text_mask.ts";

Deno.test("textMask pads boxes and clips them at the frame edge", () => {
  const mask = textMask(
    10,
    10,
    [{ x: 0, y: 0, width: 2, height: 2 }, { x: 8, y: 8, width: 5, height: 5 }],
    2,
  );
  assert.equal(mask.data.reduce((a, b) => a + b, 0), 16 + 16);
  assert.equal(padBox({ x: 20, y: 20, width: 2, height: 2 }, 2, 10, 10), null);
});

Deno.test("maskText blanks every frame and channel and leaves the input untouched", () => {
  const volume = createVolume({
    frames: 3,
    rows: 8,
    cols: 8,
    channels: 3,
    type: "uint8",
    meta: { format: "image" },
  });
  volume.data.fill(200);
  const masked = maskText(volume, [{ x: 2, y: 2, width: 2, height: 2 }], { pad: 1 });
  assert.ok(volume.data.every((v) => v === 200));
  for (let f = 0; f < 3; f++) {
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const inside = x >= 1 && x < 5 && y >= 1 && y < 5;
        for (let c = 0; c < 3; c++) {
          assert.equal(masked.data[((f * 8 + y) * 8 + x) * 3 + c], inside ? 0 : 200);
        }
      }
    }
  }
});

Deno.test("maskText inPlace blanks the given loop itself, with the same pixels as a copy (US1_J2KR)", async () => {
  const loop = await readVolume("../shared/data/public/dicom/US1_J2KR.dcm");
  const boxes = [{ x: 40, y: 10, width: 120, height: 20 }, { x: 300, y: 200, width: 30, height: 12 }];
  const copy = maskText(loop, boxes, { pad: 2, fill: "background" });
  assert.notEqual(copy.data, loop.data);
  const before = loop.data.slice(0, frameLength(loop));
  const same = maskText(loop, boxes, { pad: 2, fill: "background", inPlace: true });
  assert.equal(same.data, loop.data);
  assert.deepEqual(loop.data, copy.data);
  assert.notDeepEqual(loop.data.subarray(0, frameLength(loop)), before);
});

Deno.test("maskText background fill uses the ring colour of each frame (white text on a blue banner)", () => {
  const volume = createVolume({
    frames: 2,
    rows: 6,
    cols: 10,
    channels: 3,
    type: "uint8",
    meta: { format: "image" },
  });
  for (let f = 0; f < 2; f++) {
    for (let p = 0; p < 60; p++) volume.data.set(f === 0 ? [20, 40, 160] : [30, 30, 30], (f * 60 + p) * 3);
  }
  volume.data.set([255, 255, 255], (2 * 10 + 4) * 3); // a white glyph pixel on frame 0
  const masked = maskText(volume, [{ x: 3, y: 1, width: 3, height: 3 }], { pad: 0, fill: "background" });
  assert.deepEqual(Array.from(masked.data.subarray((2 * 10 + 4) * 3, (2 * 10 + 4) * 3 + 3)), [20, 40, 160]);
  assert.deepEqual(Array.from(masked.data.subarray((60 + 2 * 10 + 4) * 3, (60 + 2 * 10 + 4) * 3 + 3)), [
    30,
    30,
    30,
  ]);
});

Deno.test("maskText works on 16-bit grey volumes", () => {
  const volume = createVolume({
    frames: 1,
    rows: 4,
    cols: 4,
    channels: 1,
    type: "uint16",
    meta: { format: "dicom" },
  });
  volume.data.fill(4000);
  const masked = maskText(volume, [{ x: 1, y: 1, width: 1, height: 1 }], { pad: 0 });
  assert.equal(masked.data[5], 0);
  assert.ok(masked.data instanceof Uint16Array);
});
