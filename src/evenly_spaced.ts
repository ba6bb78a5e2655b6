/**
 * Frame sampling shared by the projections, the text summary and the streaming sample.
 * @module
 */

/**
 * At most `count` frame indices of a loop of `frames`, spread evenly from the first to the last
 * (both included), ascending and without repeats.
 *
 * @example
 * ```ts
 * evenlySpacedFrames(40, 4); // [0, 13, 26, 39]
 * evenlySpacedFrames(3, 16); // [0, 1, 2]
 * ```
 */
export function evenlySpacedFrames(frames: number, count: number): number[] {
  const take = Math.max(1, Math.min(frames, count));
  const indices = new Set<number>();
  for (let i = 0; i < take; i++) indices.add(Math.round((i * (frames - 1)) / Math.max(1, take - 1)));
  return [...indices];
}
