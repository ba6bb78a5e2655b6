import assert from "node:assert/strict";
import { fitLineRansac } from "./robust_line.ts";

Deno.test("fitLineRansac ignores 40% outliers and prefers the tight line", () => {
  const ys: number[] = [], xs: number[] = [];
  for (let y = 0; y < 200; y++) {
    ys.push(y);
    // True edge x = 0.5 y + 10; rows 60..139 carry an overlay sticking out by 6..9 px.
    xs.push(y >= 60 && y < 140 ? 0.5 * y + 10 - 6 - (y % 4) : 0.5 * y + 10);
  }
  const fit = fitLineRansac(Float64Array.from(xs), Float64Array.from(ys), { tolerance: 1.5 });
  assert.ok(fit);
  assert.ok(Math.abs(fit.slope - 0.5) < 1e-9);
  assert.ok(Math.abs(fit.intercept - 10) < 1e-6);
  assert.equal(fit.inliers, 120);
});

Deno.test("fitLineRansac returns null for fewer than two points", () => {
  assert.equal(fitLineRansac(Float64Array.from([1]), Float64Array.from([1])), null);
});
