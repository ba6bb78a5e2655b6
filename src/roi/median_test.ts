import assert from "node:assert/strict";
import { median, medianInPlace } from "./median.ts";

/** The sorted middle, as the median is defined. */
function sortedMedian(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

Deno.test("median and medianInPlace equal the sorted middle: odd and even counts, ties, sorted input", () => {
  let state = 3;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const lists: number[][] = [[7], [2, 1], [3, 3, 3, 3], [1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1, 0]];
  for (let trial = 0; trial < 300; trial++) {
    const length = 1 + Math.floor(random() * 400);
    // Grey-level means repeat a lot: draw from a few levels, or from anywhere.
    const levels = trial % 2 ? 4 + Math.floor(random() * 20) : 0;
    lists.push(Array.from({ length }, () => levels ? Math.floor(random() * levels) / 16 : random() * 255));
  }
  for (const [k, values] of lists.entries()) {
    const expected = sortedMedian(values);
    const copy = values.slice();
    assert.equal(median(values), expected, `list ${k}`);
    assert.deepEqual(values, copy, "median leaves its input alone");
    const typed = Float64Array.from(values);
    assert.equal(medianInPlace(typed), expected, `list ${k} in place`);
    assert.deepEqual(Float64Array.from(typed).sort(), Float64Array.from(values).sort(), "only reordered");
  }
  assert.ok(Number.isNaN(median([])));
  assert.ok(Number.isNaN(medianInPlace(new Float64Array(0))));
});
