/**
 * DB (Differentiable Binarization) post-processing: probability map → text boxes.
 * Axis-aligned boxes are enough here because every box is blanked as a rectangle.
 * @module
 */
import type { Box } from "../volume.ts";
import { labelComponents } from "./label_components.ts";

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
  const bitmap = new Uint8Array(rows * cols);
  for (let i = 0; i < bitmap.length; i++) bitmap[i] = prob[i] > threshold ? 1 : 0;
  const { labels, components } = labelComponents(bitmap, rows, cols);
  const sums = new Float64Array(components.length + 1);
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) sums[labels[i]] += prob[i];
  const boxes: ScoredBox[] = [];
  for (const component of components) {
    const width = component.x1 - component.x0 + 1;
    const height = component.y1 - component.y0 + 1;
    if (Math.min(width, height) < minSize) continue;
    const score = sums[component.label] / component.area;
    if (score < boxThreshold) continue;
    const distance = (width * height * unclipRatio) / (2 * (width + height));
    const x0 = Math.max(0, Math.floor(component.x0 - distance));
    const y0 = Math.max(0, Math.floor(component.y0 - distance));
    const x1 = Math.min(cols, Math.ceil(component.x1 + 1 + distance));
    const y1 = Math.min(rows, Math.ceil(component.y1 + 1 + distance));
    if (Math.min(x1 - x0, y1 - y0) < minSize + 2) continue;
    boxes.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0, score });
  }
  return boxes;
}
