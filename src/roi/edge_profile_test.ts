import assert from "node:assert/strict";
import { levelCrossing } from "./edge_profile.ts";

/** Rows of samples across an edge: `profile(d)` at offsets d + phase for d in [-12, 12]. */
function samples(profile: (distance: number) => number, rows = 20): [Float64Array, Float64Array] {
  const distances: number[] = [], values: number[] = [];
  for (let row = 0; row < rows; row++) {
    const phase = (row % 4) * 0.25;
    for (let d = -12; d <= 12; d++) {
      distances.push(d + phase);
      values.push(profile(d + phase));
    }
  }
  return [Float64Array.from(distances), Float64Array.from(values)];
}

/** A step at `edge` blurred linearly over `width` px, `inside` grey levels over black. */
const blurredStep = (edge: number, width: number, inside: number) => (distance: number) =>
  inside * Math.min(1, Math.max(0, (edge + width / 2 - distance) / width));

Deno.test("levelCrossing: the half level of a blurred step is the step", () => {
  for (const edge of [-3.2, 0, 2.6]) {
    const crossing = levelCrossing(...samples(blurredStep(edge, 2, 90)));
    assert.ok(crossing);
    assert.ok(Math.abs(crossing.offset - edge) < 0.3, `offset ${crossing.offset} for a step at ${edge}`);
    assert.ok(crossing.width <= 2, `width ${crossing.width}`);
  }
});

Deno.test("levelCrossing: a low level keeps the foot of a soft edge, the half level cuts it", () => {
  // A 6 px ramp from 1 px inwards: half level at -2, a quarter at -0.5.
  const ramp = blurredStep(-2, 6, 80);
  const half = levelCrossing(...samples(ramp))!;
  const quarter = levelCrossing(...samples(ramp), { level: 0.25 })!;
  assert.ok(Math.abs(half.offset + 2) < 0.4, `half ${half.offset}`);
  assert.ok(Math.abs(quarter.offset + 0.5) < 0.4, `quarter ${quarter.offset}`);
  assert.ok(half.width > 3, "a ramp is wide");
});

Deno.test("levelCrossing: a few rows crossed by a dark pool do not move the edge", () => {
  const [distances, values] = samples(blurredStep(1, 2, 100), 24);
  // Six rows dark from 5 px inside: the median of the bins still sees the step at 1.
  for (let k = 0; k < distances.length; k++) {
    if (Math.floor(k / 25) < 6 && distances[k] > -5) values[k] = 0;
  }
  const crossing = levelCrossing(distances, values);
  assert.ok(crossing);
  assert.ok(Math.abs(crossing.offset - 1) < 0.4, `offset ${crossing.offset}`);
});

Deno.test("levelCrossing: no clear step gives null", () => {
  assert.equal(levelCrossing(...samples(() => 40)), null);
  assert.equal(levelCrossing(...samples(blurredStep(0, 2, 4))), null, "contrast below minContrast");
});
