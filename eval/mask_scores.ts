/**
 * Region overlap scores of a kept mask against an expert mask: Dice, IoU and the 95th-percentile
 * symmetric Hausdorff distance between their boundaries.
 * @module
 */

import type { Mask } from "../src/volume.ts";
import { diceScore } from "../src/metrics.ts";
import { squaredDistanceTransform } from "../src/roi/distance_transform.ts";

/** Overlap of one prediction with the truth; `hd95` is null when exactly one mask is empty. */
export interface MaskScores {
  dice: number;
  iou: number;
  hd95: number | null;
}

/**
 * Score `pred` against `truth` (same size, 0/1).
 *
 * @example
 * ```ts
 * const truth = { rows: 1, cols: 4, data: new Uint8Array([1, 1, 0, 0]) };
 * maskScores(truth, truth); // { dice: 1, iou: 1, hd95: 0 }
 * ```
 */
export function maskScores(pred: Mask, truth: Mask): MaskScores {
  if (pred.rows !== truth.rows || pred.cols !== truth.cols) {
    throw new RangeError(`mask sizes differ: ${pred.cols}x${pred.rows} vs truth ${truth.cols}x${truth.rows}`);
  }
  let both = 0, either = 0;
  for (let i = 0; i < pred.data.length; i++) {
    const p = pred.data[i] !== 0, t = truth.data[i] !== 0;
    if (p && t) both++;
    if (p || t) either++;
  }
  return {
    dice: diceScore(binary(pred), binary(truth)),
    iou: either === 0 ? 1 : both / either,
    hd95: hausdorff95(pred, truth),
  };
}

/**
 * 95th percentile of the boundary-to-boundary distances in both directions (as medpy's hd95), in pixels.
 *
 * @example
 * ```ts
 * const a = { rows: 1, cols: 5, data: new Uint8Array([1, 1, 0, 0, 0]) };
 * const b = { rows: 1, cols: 5, data: new Uint8Array([1, 1, 1, 1, 0]) };
 * hausdorff95(a, b); // 2
 * ```
 */
export function hausdorff95(a: Mask, b: Mask): number | null {
  const edgeA = boundary(a), edgeB = boundary(b);
  const countA = edgeA.data.reduce((n, v) => n + v, 0), countB = edgeB.data.reduce((n, v) => n + v, 0);
  if (countA === 0 && countB === 0) return 0;
  if (countA === 0 || countB === 0) return null;
  const toB = squaredDistanceTransform(edgeB, 1);
  const toA = squaredDistanceTransform(edgeA, 1);
  const distances = new Float64Array(countA + countB);
  let n = 0;
  for (let i = 0; i < edgeA.data.length; i++) {
    if (edgeA.data[i]) distances[n++] = Math.sqrt(toB[i]);
    if (edgeB.data[i]) distances[n++] = Math.sqrt(toA[i]);
  }
  distances.sort();
  return distances[Math.min(n - 1, Math.ceil(0.95 * n) - 1)];
}

/** Mask pixels with a 4-neighbour outside the mask (or on the image border). */
function boundary(mask: Mask): Mask {
  const { rows, cols, data } = mask;
  const out = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const i = y * cols + x;
      if (!data[i]) continue;
      if (
        x === 0 || y === 0 || x === cols - 1 || y === rows - 1 || !data[i - 1] || !data[i + 1] ||
        !data[i - cols] || !data[i + cols]
      ) out[i] = 1;
    }
  }
  return { rows, cols, data: out };
}

function binary(mask: Mask): Mask {
  return { rows: mask.rows, cols: mask.cols, data: mask.data.map((v) => (v ? 1 : 0)) };
}
