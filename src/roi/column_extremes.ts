/**
 * First and last set row of each column of a mask whose row extremes are known.
 * @module
 */
import type { Mask } from "../volume.ts";

/**
 * Topmost and bottommost set row of every column (-1 for an empty column), given the rows that hold
 * set pixels (`ys`, ascending) with their leftmost (`firsts`) and rightmost (`lasts`) set pixel. Each
 * pass looks only at columns still without an extreme, so a filled region costs about its width and
 * its outline rather than its area.
 *
 * @example
 * ```ts
 * const mask = { rows: 3, cols: 3, data: new Uint8Array([0, 1, 0, 1, 1, 0, 0, 1, 0]) };
 * const { top, bottom } = columnExtremes(mask, [0, 1, 2], [1, 0, 1], [1, 1, 1]);
 * [...top, ...bottom]; // [1, 0, -1, 1, 2, -1]
 * ```
 */
export function columnExtremes(
  mask: Mask,
  ys: ArrayLike<number>,
  firsts: ArrayLike<number>,
  lasts: ArrayLike<number>,
): { top: Int32Array; bottom: Int32Array } {
  const { cols, data } = mask;
  const top = new Int32Array(cols).fill(-1), bottom = new Int32Array(cols).fill(-1);
  // next[x] leads (through path halving) to the first column ≥ x still without an extreme.
  const next = new Int32Array(cols + 1);
  const pending = (x: number) => {
    while (next[x] !== x) {
      next[x] = next[next[x]];
      x = next[x];
    }
    return x;
  };
  for (
    const [extremes, from, to, step] of [[top, 0, ys.length, 1], [bottom, ys.length - 1, -1, -1]] as const
  ) {
    for (let x = 0; x <= cols; x++) next[x] = x;
    for (let k = from; k !== to; k += step) {
      const y = ys[k], offset = y * cols, last = lasts[k];
      for (let x = pending(firsts[k]); x <= last; x = pending(x + 1)) {
        if (!data[offset + x]) continue;
        extremes[x] = y;
        next[x] = x + 1;
      }
    }
  }
  return { top, bottom };
}
