import assert from "node:assert/strict";
import { evenlySpacedFrames } from "./evenly_spaced.ts";

Deno.test("evenlySpacedFrames spreads from first to last without repeats", () => {
  assert.deepEqual(evenlySpacedFrames(40, 4), [0, 13, 26, 39]);
  assert.deepEqual(evenlySpacedFrames(3, 16), [0, 1, 2]);
  assert.deepEqual(evenlySpacedFrames(1, 16), [0]);
  const spread = evenlySpacedFrames(1491, 16);
  assert.equal(spread.length, 16);
  assert.equal(spread[15], 1490);
});
