import assert from "node:assert/strict";
import { dbBoxes } from "./db_postprocess.ts";

function map(rows: number, cols: number, rects: [number, number, number, number, number][]): Float32Array {
  const prob = new Float32Array(rows * cols);
  for (const [x, y, w, h, p] of rects) {
    for (let r = y; r < y + h; r++) prob.fill(p, r * cols + x, r * cols + x + w);
  }
  return prob;
}

Deno.test("dbBoxes unclips each kernel by area × ratio / perimeter", () => {
  const prob = map(64, 128, [[20, 30, 60, 6, 0.9]]);
  const [box, ...rest] = dbBoxes(prob, 64, 128, { unclipRatio: 1.5 });
  assert.equal(rest.length, 0);
  const distance = (60 * 6 * 1.5) / (2 * 66);
  assert.equal(box.x, Math.floor(20 - distance));
  assert.equal(box.y, Math.floor(30 - distance));
  assert.equal(box.x + box.width, Math.ceil(80 + distance));
  assert.ok(Math.abs(box.score - 0.9) < 1e-6);
});

Deno.test("dbBoxes drops weak kernels, tiny kernels, and clips at the map edge", () => {
  const prob = map(32, 64, [[0, 0, 20, 5, 0.95], [30, 10, 20, 5, 0.35], [40, 25, 2, 2, 0.99]]);
  const boxes = dbBoxes(prob, 32, 64, { threshold: 0.3, boxThreshold: 0.5, minSize: 3 });
  assert.equal(boxes.length, 1);
  assert.equal(boxes[0].x, 0);
  assert.equal(boxes[0].y, 0);
});
