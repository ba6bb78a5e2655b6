import assert from "node:assert/strict";
import { HALF, IMAGENET, resizeToTensor } from "./resize_tensor.ts";

Deno.test("resizeToTensor writes BGR planes normalised per channel", () => {
  const frame = { rows: 2, cols: 2, channels: 3 as const, data: new Uint8Array(12) };
  for (let i = 0; i < 4; i++) frame.data.set([255, 0, 51], i * 3);
  const tensor = resizeToTensor(frame, { x: 0, y: 0, width: 2, height: 2 }, 4, 4, IMAGENET);
  const plane = 16;
  // Plane 0 is blue (51) with the first statistics pair, plane 2 is red (255) with the third.
  assert.ok(Math.abs(tensor[0] - (51 / 255 - 0.485) / 0.229) < 1e-5);
  assert.ok(Math.abs(tensor[plane] - (0 - 0.456) / 0.224) < 1e-5);
  assert.ok(Math.abs(tensor[2 * plane + 15] - (1 - 0.406) / 0.225) < 1e-5);
});

Deno.test("resizeToTensor interpolates, replicates grey and leaves padding at 0", () => {
  const frame = { rows: 1, cols: 2, channels: 1 as const, data: new Uint8Array([0, 255]) };
  const tensor = resizeToTensor(frame, { x: 0, y: 0, width: 2, height: 1 }, 1, 4, HALF, 6);
  const row = Array.from(tensor.subarray(0, 6), (v) => Math.round((v * 0.5 + 0.5) * 255));
  assert.deepEqual(row, [0, 64, 191, 255, 128, 128]);
  assert.deepEqual(Array.from(tensor.subarray(6, 12)), Array.from(tensor.subarray(0, 6)));
});

Deno.test("resizeToTensor samples a sub-region of a 1×1 frame", () => {
  const frame = { rows: 1, cols: 1, channels: 1 as const, data: new Uint8Array([255]) };
  const tensor = resizeToTensor(frame, { x: 0, y: 0, width: 1, height: 1 }, 32, 32, HALF);
  assert.ok(tensor.every((v) => Math.abs(v - 1) < 1e-6));
});

Deno.test("resizeToTensor into a reused target equals a fresh tensor, padding cleared (OBXXXX1A)", async () => {
  const { readVolume } = await import("../io/read.ts");
  const { frame8 } = await import("../volume.ts");
  const frame = frame8(await readVolume("../shared/data/public/dicom/OBXXXX1A.dcm"), 0);
  const banner = { x: 0, y: 0, width: 400, height: 30 };
  const label = { x: 500, y: 300, width: 60, height: 24 };
  // Recogniser shape: 48 rows, 160 model columns of text padded to 320.
  const target = new Float32Array(3 * 48 * 320).fill(7);
  assert.deepEqual(
    resizeToTensor(frame, banner, 48, 160, HALF, 320, target),
    resizeToTensor(frame, banner, 48, 160, HALF, 320),
  );
  // Reused for a narrower read: the previous text must not survive in the padding.
  assert.deepEqual(
    resizeToTensor(frame, label, 48, 120, HALF, 320, target),
    resizeToTensor(frame, label, 48, 120, HALF, 320),
  );
  assert.throws(() => resizeToTensor(frame, label, 48, 120, HALF, 321, target), RangeError);
});
