import assert from "node:assert/strict";
import { convexHullMask, convexHullOfRows } from "./convex_hull.ts";

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

Deno.test("convexHullOfRows gives the hull of the rows' extremes, as convexHullMask of the mask does", () => {
  const rows = 30, cols = 40;
  const data = new Uint8Array(rows * cols);
  const ys: number[] = [], firsts: number[] = [], lasts: number[] = [];
  // A ragged blob with holes and single-pixel rows.
  for (let y = 4; y < 26; y++) {
    const first = 5 + ((y * 7) % 6), last = y % 5 === 0 ? first : 30 - ((y * 3) % 8);
    for (let x = first; x <= last; x += y % 3 === 0 ? 2 : 1) data[y * cols + x] = 1;
    data[y * cols + last] = 1;
    ys.push(y);
    firsts.push(first);
    lasts.push(last);
  }
  const hull = convexHullOfRows(rows, cols, ys, firsts, lasts);
  assert.deepEqual(hull.data, convexHullMask({ rows, cols, data }).data);
  // The hull holds every extreme and a pixel between two far-apart rows' extremes.
  assert.equal(hull.data[4 * cols + firsts[0]], 1);
  assert.equal(hull.data[15 * cols + 20], 1);
  assert.equal(hull.data[0], 0);
  assert.equal(convexHullOfRows(2, 2, [], [], []).data.reduce((a, b) => a + b, 0), 0);
});
