/**
 * Evaluation helpers with PyLogik's semantics: Dice, the imshowpair overlay and the colour selector.
 * @module
 */
import type { Frame8, Mask } from "./volume.ts";

/** Anything with a flat array of labels (a Mask, a Frame8 plane, a typed array wrapper). */
export interface LabelImage {
  data: ArrayLike<number>;
}

/**
 * Dice coefficient of label `k`: 2·|pred = k ∧ truth = k| / (|pred = k| + |truth = k|).
 * Two masks without any `k` pixel score 1 (nothing to find, nothing found). Sizes must match.
 *
 * @example
 * ```ts
 * const pred = { rows: 1, cols: 4, data: new Uint8Array([1, 1, 0, 0]) };
 * const truth = { rows: 1, cols: 4, data: new Uint8Array([0, 1, 1, 0]) };
 * diceScore(pred, truth); // 0.5
 * ```
 */
export function diceScore(pred: LabelImage, truth: LabelImage, k = 1): number {
  const a = pred.data, b = truth.data;
  if (a.length !== b.length) {
    throw new RangeError(`diceScore: sizes differ (${a.length} vs ${b.length} pixels)`);
  }
  let both = 0, inPred = 0, inTruth = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] === k, t = b[i] === k;
    if (p) inPred++;
    if (t) inTruth++;
    if (p && t) both++;
  }
  return inPred + inTruth === 0 ? 1 : (2 * both) / (inPred + inTruth);
}

/**
 * Overlay of two masks as an RGB frame: `color1` where only `pred` is set (green), `color2` where only
 * `truth` is set (magenta), white where both are, black elsewhere. Any non-zero value counts as set.
 *
 * @example
 * ```ts
 * const pred = { rows: 1, cols: 3, data: new Uint8Array([1, 1, 0]) };
 * const truth = { rows: 1, cols: 3, data: new Uint8Array([0, 1, 1]) };
 * imshowpair(pred, truth).data; // [124, 252, 0, 255, 255, 255, 255, 0, 252]
 * ```
 */
export function imshowpair(
  pred: Mask,
  truth: Mask,
  color1: [number, number, number] = [124, 252, 0],
  color2: [number, number, number] = [255, 0, 252],
): Frame8 {
  if (pred.rows !== truth.rows || pred.cols !== truth.cols) {
    throw new RangeError(
      `imshowpair: sizes differ (${pred.cols}x${pred.rows} vs ${truth.cols}x${truth.rows})`,
    );
  }
  const data = new Uint8Array(pred.rows * pred.cols * 3);
  for (let i = 0, o = 0; i < pred.data.length; i++, o += 3) {
    const p = pred.data[i] !== 0, t = truth.data[i] !== 0;
    const color = p && t ? WHITE : p ? color1 : t ? color2 : null;
    if (!color) continue;
    data[o] = color[0];
    data[o + 1] = color[1];
    data[o + 2] = color[2];
  }
  return { rows: pred.rows, cols: pred.cols, channels: 3, data };
}

const WHITE: [number, number, number] = [255, 255, 255];

/**
 * Mask of chromatic pixels (colour Doppler, coloured overlays): |R − G| or |G − B| above `threshold`.
 * A single-channel frame has no chromatic pixels.
 *
 * @example
 * ```ts
 * const frame = { rows: 1, cols: 2, channels: 3 as const, data: new Uint8Array([200, 40, 10, 90, 92, 88]) };
 * colorSelect(frame).data; // [1, 0]
 * ```
 */
export function colorSelect(frame: Frame8, threshold = 30): Mask {
  const { rows, cols } = frame;
  const mask = new Uint8Array(rows * cols);
  if (frame.channels === 3) {
    const data = frame.data;
    for (let i = 0, s = 0; i < mask.length; i++, s += 3) {
      const r = data[s], g = data[s + 1], b = data[s + 2];
      mask[i] = Math.abs(r - g) > threshold || Math.abs(g - b) > threshold ? 1 : 0;
    }
  }
  return { rows, cols, data: mask };
}
