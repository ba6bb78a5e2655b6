/**
 * The median of a list of numbers.
 * @module
 */

/**
 * The middle value of `values`, or the mean of the two middle values for an even count; NaN when
 * empty. `values` is left as it is.
 *
 * @example
 * ```ts
 * median([4, 1, 3, 2]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  // A typed array sorts numerically without calling back into JS for every comparison.
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
