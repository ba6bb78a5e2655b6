import assert from "node:assert/strict";
import { columnExtremes } from "./column_extremes.ts";

Deno.test("columnExtremes matches a walk over every pixel on random and notched masks", () => {
  let seed = 12345;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let trial = 0; trial < 60; trial++) {
    const rows = 5 + Math.floor(random() * 30), cols = 5 + Math.floor(random() * 40);
    const density = trial % 3 === 0 ? 0.05 : trial % 3 === 1 ? 0.5 : 0.95;
    const data = new Uint8Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = random() < density ? 1 : 0;
    const ys: number[] = [], firsts: number[] = [], lasts: number[] = [];
    const top = new Int32Array(cols).fill(-1), bottom = new Int32Array(cols).fill(-1);
    for (let y = 0; y < rows; y++) {
      let first = -1, last = -1;
      for (let x = 0; x < cols; x++) {
        if (!data[y * cols + x]) continue;
        if (first < 0) first = x;
        last = x;
        if (top[x] < 0) top[x] = y;
        bottom[x] = y;
      }
      if (first < 0) continue;
      ys.push(y);
      firsts.push(first);
      lasts.push(last);
    }
    const found = columnExtremes({ rows, cols, data }, ys, firsts, lasts);
    assert.deepEqual(found.top, top);
    assert.deepEqual(found.bottom, bottom);
  }
});
