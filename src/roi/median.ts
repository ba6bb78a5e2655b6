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
  return medianInPlace(Float64Array.from(values));
}

/**
 * {@linkcode median} of a typed array, which it reorders: the middle values are selected
 * (quickselect) rather than the whole array sorted, which is several times faster for profile bins.
 *
 * @example
 * ```ts
 * medianInPlace(new Float64Array([5, 1, 4, 2, 3])); // 3
 * ```
 */
export function medianInPlace(values: Float64Array): number {
  const count = values.length;
  if (count === 0) return NaN;
  const middle = count >> 1;
  selectInPlace(values, middle);
  if (count % 2) return values[middle];
  // Everything before the selected element is at most it: the lower middle is their largest.
  let lower = values[0];
  for (let i = 1; i < middle; i++) if (values[i] > lower) lower = values[i];
  return (lower + values[middle]) / 2;
}

/** Reorder so that values[k] holds the k-th smallest, smaller or equal ones before it (Wirth). */
function selectInPlace(values: Float64Array, k: number): void {
  let left = 0, right = values.length - 1;
  while (left < right) {
    const pivot = values[k];
    let i = left, j = right;
    do {
      while (values[i] < pivot) i++;
      while (pivot < values[j]) j--;
      if (i <= j) {
        const swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i++;
        j--;
      }
    } while (i <= j);
    if (j < k) left = i;
    if (k < i) right = j;
  }
}
