import assert from "node:assert/strict";
import { hausdorff95, maskScores } from "./mask_scores.ts";
import { readMaskPng } from "./truth.ts";

function square(rows: number, cols: number, x: number, y: number, size: number) {
  const data = new Uint8Array(rows * cols);
  for (let yy = y; yy < y + size; yy++) data.fill(1, yy * cols + x, yy * cols + x + size);
  return { rows, cols, data };
}

Deno.test("maskScores: identical masks score 1, 1, 0", () => {
  const mask = square(40, 40, 5, 5, 20);
  assert.deepEqual(maskScores(mask, mask), { dice: 1, iou: 1, hd95: 0 });
});

Deno.test("maskScores: a square shifted by 3 px has HD95 3 and the textbook Dice/IoU", () => {
  const a = square(60, 60, 10, 10, 30), b = square(60, 60, 13, 10, 30);
  const scores = maskScores(a, b);
  assert.equal(scores.hd95, 3);
  assert.ok(Math.abs(scores.dice - (2 * 27 * 30) / (2 * 900)) < 1e-12);
  assert.ok(Math.abs(scores.iou - (27 * 30) / (33 * 30)) < 1e-12);
});

Deno.test("hausdorff95: one empty mask has no distance; sizes must match", () => {
  assert.equal(hausdorff95(square(10, 10, 0, 0, 0), square(10, 10, 2, 2, 3)), null);
  assert.throws(() => maskScores(square(10, 10, 0, 0, 2), square(12, 10, 0, 0, 2)), /sizes differ/);
});

Deno.test("maskScores on a checked-in truth mask: eroding by one pixel keeps Dice high and HD95 at 1", async () => {
  const truth = await readMaskPng(new URL("../fixtures/truth/case_0000_roi.png", import.meta.url).pathname);
  const { rows, cols, data } = truth;
  const eroded = new Uint8Array(data.length);
  for (let y = 1; y < rows - 1; y++) {
    for (let x = 1; x < cols - 1; x++) {
      const i = y * cols + x;
      eroded[i] = data[i] && data[i - 1] && data[i + 1] && data[i - cols] && data[i + cols] ? 1 : 0;
    }
  }
  const scores = maskScores({ rows, cols, data: eroded }, truth);
  assert.ok(scores.dice > 0.98 && scores.dice < 1, `dice ${scores.dice}`);
  assert.equal(scores.hd95, 1);
});
