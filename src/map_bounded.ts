/**
 * Run an async step over a range of indices with a bounded number in flight.
 * @module
 */

/**
 * `step(0) … step(count − 1)` with at most `limit` running at once; results come back in index order.
 * Encoders that run off the main thread (sharp) keep a second core busy this way while the caller
 * still bounds how many encoded frames are held at once. After a step fails no new step starts, and
 * the promise rejects with the first error only once the steps already running have settled, so a
 * caller that then discards their output folder does not race their writes.
 *
 * @example
 * ```ts
 * const sizes = await mapBounded(3, 2, (index) => Promise.resolve(index * 10)); // [0, 10, 20]
 * ```
 */
export async function mapBounded<T>(
  count: number,
  limit: number,
  step: (index: number) => Promise<T>,
): Promise<T[]> {
  if (!(limit >= 1)) throw new RangeError("mapBounded: limit must be at least 1");
  const results = new Array<T>(count);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (next < count && !failure) {
      const index = next++;
      try {
        results[index] = await step(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}
