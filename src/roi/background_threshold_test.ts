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

Deno.test("backgroundThreshold bins fractional and out-of-range values like the whole grey levels they round to", () => {
  // A black floor with a little noise at 1 and 2 under bright content.
  const whole = new Float32Array(400);
  for (let i = 0; i < whole.length; i++) {
    whole[i] = i < 200 ? (i % 10 === 0 ? 1 + (i % 20 === 0 ? 1 : 0) : 0) : 90;
  }
  const plane = (data: Float32Array) => ({ rows: 20, cols: 20, data });
  // The floor below zero or a fraction off its level, content past 255: the same histogram.
  const nudged = whole.map((value) => value === 0 ? -7 : value === 90 ? 90.2 : value - 0.3);
  const expected = backgroundThreshold(plane(whole));
  assert.equal(backgroundThreshold(plane(nudged)), expected);
  const bright = whole.map((value) => value === 90 ? 255 : value);
  assert.equal(
    backgroundThreshold(plane(bright.map((value) => value === 255 ? 400 : value))),
    backgroundThreshold(plane(bright)),
  );
});
