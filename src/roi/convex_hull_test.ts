import assert from "node:assert/strict";
import { convexHullMask } from "./convex_hull.ts";

Deno.test("convexHullMask fills a notched triangle and nothing outside it", () => {
  const rows = 40, cols = 60;
  const data = new Uint8Array(rows * cols);
  const inside = (x: number, y: number) => y >= 5 && y <= 35 && Math.abs(x - 30) <= y - 5;
  for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) if (inside(x, y)) data[y * cols + x] = 1;
  const notched = data.slice();
  for (let y = 15; y < 25; y++) for (let x = 20; x < 30; x++) notched[y * cols + x] = 0;
  const hull = convexHullMask({ rows, cols, data: notched });
  assert.deepEqual(hull.data, data);
  assert.equal(
    convexHullMask({ rows: 2, cols: 2, data: new Uint8Array(4) }).data.reduce((a, b) => a + b, 0),
    0,
  );
});
