import assert from "node:assert/strict";
import { backgroundThreshold } from "./background_threshold.ts";

Deno.test("backgroundThreshold keeps a solid dim region one level above black", () => {
  // Left half black, right half exactly 1 (a nearly black sector), as in OBXXXX1A.
  const rows = 50, cols = 100;
  const data = new Float32Array(rows * cols);
  for (let y = 0; y < rows; y++) data.fill(1, y * cols + 50, y * cols + 100);
  assert.equal(backgroundThreshold({ rows, cols, data }), 0.5);
});

Deno.test("backgroundThreshold rises above scattered compression noise", () => {
  const rows = 100, cols = 100;
  const data = new Float32Array(rows * cols);
  let state = 7;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  // Background 0..2 noise, content 80 in the middle.
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(random() * 3);
  for (let y = 30; y < 70; y++) data.fill(80, y * cols + 30, y * cols + 70);
  const threshold = backgroundThreshold({ rows, cols, data });
  assert.ok(threshold >= 2 && threshold < 80, `threshold ${threshold}`);
});
