/**
 * DB (Differentiable Binarization) post-processing: probability map → text boxes.
 * Axis-aligned boxes are enough here because every box is blanked as a rectangle.
 * @module
 */
import type { Box } from "../volume.ts";

/** Thresholds of DB post-processing (PaddleOCR names in brackets). */
export interface DbOptions {
  /** Pixel probability threshold for the text bitmap [det_db_thresh]. Default 0.3. */
  threshold?: number;
  /** Minimum mean probability over a component to keep it [det_db_box_thresh]. Default 0.5. */
  boxThreshold?: number;
  /** Expansion of each shrunk text kernel back to the full text box [det_db_unclip_ratio]. Default 1.6. */
  unclipRatio?: number;
  /** Minimum short side of a kernel, in map pixels. Default 3. */
  minSize?: number;
}

/** A detected box with its DB score (mean probability of its kernel). */
export interface ScoredBox extends Box {
  score: number;
}

/**
 * Boxes from a rows×cols probability map, in map coordinates, clipped to the map.
 * Each kernel (connected component of `prob > threshold`) is scored by its mean probability, and
 * unclipped by the Vatti offset PaddleOCR uses, `area × ratio / perimeter`, on its bounding rectangle.
 *
 * @example
 * ```ts
 * const prob = new Float32Array(20 * 40);
 * for (let y = 8; y < 12; y++) for (let x = 5; x < 35; x++) prob[y * 40 + x] = 0.9;
 * dbBoxes(prob, 20, 40).length; // 1
 * ```
 */
export function dbBoxes(
  prob: Float32Array,
  rows: number,
  cols: number,
  options: DbOptions = {},
): ScoredBox[] {
  const threshold = options.threshold ?? 0.3;
  const boxThreshold = options.boxThreshold ?? 0.5;
  const unclipRatio = options.unclipRatio ?? 1.6;
  const minSize = options.minSize ?? 3;
  const boxes: ScoredBox[] = [];
  // One flood fill per kernel (8-connected pixels above `threshold`), summing its probability as it
  // goes: the map is mostly empty, so this costs one pass plus the kernels themselves.
  const visited = new Uint8Array(rows * cols);
  let stack = new Int32Array(1024);
  for (let start = 0; start < prob.length; start++) {
    if (!(prob[start] > threshold) || visited[start] !== 0) continue;
    let x0 = cols, y0 = rows, x1 = -1, y1 = -1, area = 0, sum = 0;
    let top = 0;
    stack[top++] = start;
    visited[start] = 1;
    while (top > 0) {
      const index = stack[--top];
      const y = (index / cols) | 0;
      const x = index - y * cols;
      area++;
      sum += prob[index];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(rows - 1, y + 1); ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(cols - 1, x + 1); nx++) {
          const neighbour = ny * cols + nx;
          if (visited[neighbour] !== 0 || !(prob[neighbour] > threshold)) continue;
          visited[neighbour] = 1;
          if (top === stack.length) {
            const grown = new Int32Array(stack.length * 2);
            grown.set(stack);
            stack = grown;
          }
          stack[top++] = neighbour;
        }
      }
    }
    const width = x1 - x0 + 1;
    const height = y1 - y0 + 1;
    if (Math.min(width, height) < minSize || sum / area < boxThreshold) continue;
    const distance = (width * height * unclipRatio) / (2 * (width + height));
    const left = Math.max(0, Math.floor(x0 - distance));
    const upper = Math.max(0, Math.floor(y0 - distance));
    const right = Math.min(cols, Math.ceil(x1 + 1 + distance));
    const lower = Math.min(rows, Math.ceil(y1 + 1 + distance));
    if (Math.min(right - left, lower - upper) < minSize + 2) continue;
    boxes.push({ x: left, y: upper, width: right - left, height: lower - upper, score: sum / area });
  }
  return boxes;
}
