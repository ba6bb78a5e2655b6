/**
 * Text removal scores: which truth text boxes were blanked, and how much clean sector was blanked needlessly.
 *
 * A truth box counts as removed when at least 99% of its pixels are in the text mask or outside the kept
 * region: the output shows nothing of those pixels either way. Truth boxes are tight around the inked
 * (anti-aliased) pixels, so 99% allows about one stray edge pixel in a hundred, not a missed stroke.
 * @module
 */

import type { Mask } from "../src/volume.ts";

/** One truth text item (truth/<case>.json). */
export interface TruthTextItem {
  text: string;
  is_phi: boolean;
  bbox: [number, number, number, number];
  frames: number[];
}

/** Per-case text figures. */
export interface TextScores {
  boxes: number;
  removed: number;
  phiBoxes: number;
  phiRemoved: number;
  /** Indices of truth items left visible (never their text: that is PHI). */
  missed: number[];
  /** Pixels of the truth region blanked by the text mask outside every truth box (grown by `margin`). */
  overMaskedPixels: number;
  /** overMaskedPixels / truth region area. */
  overMaskedFraction: number;
  /** Some truth text lies inside the truth region (in-sector labels): such cases are kept out of the clean-sector over-masking figure. */
  textInRoi: boolean;
}

/** Coverage a box needs to count as removed. */
export const REMOVED_COVERAGE = 0.99;

/**
 * Score text removal for one case. `margin` (px) forgives detector padding around a true box.
 *
 * @example
 * ```ts
 * const empty = { rows: 10, cols: 10, data: new Uint8Array(100) };
 * const kept = { rows: 10, cols: 10, data: new Uint8Array(100).fill(1) };
 * textScores([{ text: "X", is_phi: true, bbox: [1, 1, 3, 3], frames: [0] }], empty, kept, kept).removed; // 0
 * ```
 */
export function textScores(
  items: TruthTextItem[],
  textMask: Mask,
  keptRoi: Mask,
  truthRoi: Mask,
  margin = 3,
): TextScores {
  const { rows, cols } = textMask;
  const explained = new Uint8Array(rows * cols);
  let removed = 0, phiRemoved = 0, phiBoxes = 0;
  const missed: number[] = [];
  items.forEach((item, index) => {
    const [bx, by, bw, bh] = item.bbox;
    let hidden = 0, area = 0;
    for (let y = Math.max(0, by); y < Math.min(rows, by + bh); y++) {
      for (let x = Math.max(0, bx); x < Math.min(cols, bx + bw); x++) {
        const i = y * cols + x;
        area++;
        if (textMask.data[i] || !keptRoi.data[i]) hidden++;
      }
    }
    for (let y = Math.max(0, by - margin); y < Math.min(rows, by + bh + margin); y++) {
      explained.fill(1, y * cols + Math.max(0, bx - margin), y * cols + Math.min(cols, bx + bw + margin));
    }
    const isRemoved = area > 0 && hidden / area >= REMOVED_COVERAGE;
    if (item.is_phi) phiBoxes++;
    if (isRemoved) {
      removed++;
      if (item.is_phi) phiRemoved++;
    } else {
      missed.push(index);
    }
  });
  const textInRoi = items.some(({ bbox: [bx, by, bw, bh] }) => {
    for (let y = Math.max(0, by); y < Math.min(rows, by + bh); y++) {
      for (let x = Math.max(0, bx); x < Math.min(cols, bx + bw); x++) {
        if (truthRoi.data[y * cols + x]) return true;
      }
    }
    return false;
  });
  let over = 0, roiArea = 0;
  for (let i = 0; i < truthRoi.data.length; i++) {
    if (!truthRoi.data[i]) continue;
    roiArea++;
    if (textMask.data[i] && !explained[i]) over++;
  }
  return {
    boxes: items.length,
    removed,
    phiBoxes,
    phiRemoved,
    missed,
    overMaskedPixels: over,
    overMaskedFraction: roiArea ? over / roiArea : 0,
    textInRoi,
  };
}
