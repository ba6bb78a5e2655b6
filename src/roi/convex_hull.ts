/**
 * Filled convex hull of a mask (Andrew's monotone chain over the row extremes, then scanline fill).
 * @module
 */
import type { Mask } from "../volume.ts";
import { rowSpans } from "./plane.ts";

/**
 * The smallest convex region (pixel centres) containing every set pixel.
 *
 * @example
 * ```ts
 * const mask = { rows: 3, cols: 3, data: new Uint8Array([1, 0, 1, 0, 0, 0, 1, 0, 1]) };
 * convexHullMask(mask).data; // all ones
 * ```
 */
export function convexHullMask(mask: Mask): Mask {
  // Only the leftmost and rightmost pixel of each row can be hull vertices.
  const spans = rowSpans(mask);
  return convexHullOfRows(mask.rows, mask.cols, spans.rows, spans.firsts, spans.lasts);
}

/**
 * {@linkcode convexHullMask} of a mask given by its row extremes (rows `ys` in ascending order, each
 * set from `firsts[k]` to at most `lasts[k]`): callers that already walked the rows skip the frame pass.
 *
 * @example
 * ```ts
 * convexHullOfRows(3, 3, [0, 2], [0, 0], [2, 2]).data; // all ones
 * ```
 */
export function convexHullOfRows(
  rows: number,
  cols: number,
  ys: ArrayLike<number>,
  firsts: ArrayLike<number>,
  lasts: ArrayLike<number>,
): Mask {
  const points: [number, number][] = [];
  for (let k = 0; k < ys.length; k++) {
    points.push([firsts[k], ys[k]]);
    if (lasts[k] !== firsts[k]) points.push([lasts[k], ys[k]]);
  }
  const out = new Uint8Array(rows * cols);
  if (points.length === 0) return { rows, cols, data: out };
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [], upper: [number, number][] = [];
  for (const point of points) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], point) <= 0) {
      lower.pop();
    }
    lower.push(point);
  }
  for (let i = points.length - 1; i >= 0; i--) {
    const point = points[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], point) <= 0) {
      upper.pop();
    }
    upper.push(point);
  }
  const hull = lower.slice(0, -1).concat(upper.slice(0, -1));
  // Scanline: each row crosses a convex polygon in one interval.
  const minX = new Float64Array(rows).fill(Infinity), maxX = new Float64Array(rows).fill(-Infinity);
  const count = hull.length;
  for (let k = 0; k < count; k++) {
    const [x0, y0] = hull[k];
    const [x1, y1] = hull[(k + 1) % count];
    const yStart = Math.min(y0, y1), yEnd = Math.max(y0, y1);
    for (let y = yStart; y <= yEnd; y++) {
      const x = y1 === y0 ? Math.min(x0, x1) : x0 + ((y - y0) * (x1 - x0)) / (y1 - y0);
      const xHigh = y1 === y0 ? Math.max(x0, x1) : x;
      if (x < minX[y]) minX[y] = x;
      if (xHigh > maxX[y]) maxX[y] = xHigh;
    }
  }
  for (let y = 0; y < rows; y++) {
    if (minX[y] > maxX[y]) continue;
    const from = Math.max(0, Math.ceil(minX[y] - 1e-9)), to = Math.min(cols - 1, Math.floor(maxX[y] + 1e-9));
    if (to >= from) out.fill(1, y * cols + from, y * cols + to + 1);
  }
  return { rows, cols, data: out };
}
