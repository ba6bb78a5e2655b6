/**
 * Flat banners across the frame (a grey or coloured title bar) that join the scan region's evidence.
 * @module
 */
import type { Mask } from "../volume.ts";
import type { Plane } from "./plane.ts";

/**
 * Remove from a content mask the pixels of rows (and columns) that run from one frame side to the
 * other at one nearly constant level: a banner drawn over or beside the scan area. Speckle is never
 * flat along a whole row, so scan pixels in such a row are kept; a scan region touching both sides is
 * no fit anyway. Only levels clearly above `threshold` count, so a noisy dark background stays.
 *
 * @example
 * ```ts
 * const data = new Float32Array(20 * 20);
 * data.fill(40, 0, 3 * 20); // a 3-row banner
 * for (let y = 3; y < 15; y++) for (let x = 5; x < 15; x++) data[y * 20 + x] = 60 + ((x * y) % 90);
 * const mask = { rows: 20, cols: 20, data: new Uint8Array(400) };
 * for (let i = 0; i < 400; i++) mask.data[i] = data[i] > 0.5 ? 1 : 0;
 * clearFlatBands(mask, { rows: 20, cols: 20, data }, 0.5).data[20]; // 0
 * ```
 */
export function clearFlatBands(mask: Mask, plane: Plane, threshold: number): Mask {
  const { rows, cols } = mask;
  const cleared = { rows, cols, data: mask.data.slice() };
  // Rows: stride 1 along a line, lines cols apart; columns: the transpose.
  const rowLines: Lines = { count: rows, length: cols, lineStep: cols, step: 1 };
  const columnLines: Lines = { count: cols, length: rows, lineStep: 1, step: cols };
  clearLines(mask, plane, threshold, cleared, rowLines);
  clearLines(mask, plane, threshold, cleared, columnLines);
  // Text blanked out of a banner leaves pieces that no longer span the frame: each still hangs
  // from the frame side at one level, which the scan area (never cut by a side when fitted) does not.
  clearBorderRuns(mask, plane, threshold, cleared, columnLines);
  clearBorderRuns(mask, plane, threshold, cleared, rowLines);
  return cleared;
}

/** Shortest run (px) from a frame side taken for a banner piece: speckle is never flat this long. */
const MIN_BORDER_RUN = 4;

/** Lines across the frame: `count` lines `lineStep` apart, each `length` samples `step` apart. */
interface Lines {
  count: number;
  length: number;
  lineStep: number;
  step: number;
}

/** For each line, clear the run of flat content starting at either end, and the dim ringing just past it. */
function clearBorderRuns(mask: Mask, plane: Plane, threshold: number, cleared: Mask, lines: Lines): void {
  const { count, length, lineStep, step } = lines;
  for (let line = 0; line < count; line++) {
    for (const [first, direction] of [[0, 1], [length - 1, -1]]) {
      const start = line * lineStep + first * step;
      if (!mask.data[start]) continue;
      const level = plane.data[start];
      const tolerance = Math.max(FLAT_TOLERANCE, FLAT_RELATIVE * level);
      if (level <= threshold + tolerance) continue;
      let run = 0;
      while (run < length && Math.abs(plane.data[start + direction * run * step] - level) <= tolerance) run++;
      if (run < MIN_BORDER_RUN || run === length) continue;
      for (let k = 0; k < run; k++) cleared.data[start + direction * k * step] = 0;
      for (let k = run; k < Math.min(length, run + RINGING); k++) {
        const index = start + direction * k * step;
        if (plane.data[index] <= threshold + FLAT_TOLERANCE) cleared.data[index] = 0;
      }
    }
  }
}

/** Share of a line's content pixels that must sit at the banner level. */
const FLAT_SHARE = 0.85;
/** Share of the whole line a banner covers (what its blanked text leaves). */
const FLAT_SPAN = 0.6;
/** Grey levels (or this share of the level) a banner pixel may differ by (lossy ringing). */
const FLAT_TOLERANCE = 6;
const FLAT_RELATIVE = 0.08;

function clearLines(mask: Mask, plane: Plane, threshold: number, cleared: Mask, lines: Lines): void {
  const { count: lineCount, length, lineStep, step } = lines;
  const slack = Math.max(2, Math.round(0.02 * length));
  const values: number[] = [];
  // Projections of 8-bit loops hold whole grey levels: a histogram gives the median and the flat
  // count without sorting every line (the sort was most of the sector fit's band step).
  const histogram = new Uint32Array(256);
  const banners: number[] = [];
  for (let line = 0; line < lineCount; line++) {
    const start = line * lineStep;
    // Most lines have no content within the slack of one end: look there before walking the line.
    const head = anySet(mask, start, step, 0, Math.min(slack, length - 1));
    if (!head || !anySet(mask, start, step, length - 1 - slack, length - 1)) {
      continue;
    }
    let first = -1, last = -1, counted = 0;
    histogram.fill(0);
    let greyLevels = true;
    for (let k = 0; k < length; k++) {
      const index = start + k * step;
      if (!mask.data[index]) continue;
      if (first < 0) first = k;
      last = k;
      counted++;
      const value = plane.data[index];
      const level = value | 0;
      if (level === value && level >= 0 && level <= 255) histogram[level]++;
      else greyLevels = false;
    }
    if (first < 0 || first > slack || last < length - 1 - slack || counted < 0.5 * length) continue;
    values.length = 0;
    if (!greyLevels) {
      for (let k = 0; k < length; k++) {
        if (mask.data[start + k * step]) values.push(plane.data[start + k * step]);
      }
    }
    const level = greyLevels ? histogramRank(histogram, counted >> 1) : sortedMiddle(values);
    const tolerance = Math.max(FLAT_TOLERANCE, FLAT_RELATIVE * level);
    if (level <= threshold + tolerance) continue;
    let flat = 0;
    if (greyLevels) {
      const high = Math.min(255, Math.floor(level + tolerance));
      for (let value = Math.max(0, Math.ceil(level - tolerance)); value <= high; value++) {
        flat += histogram[value];
      }
    } else {
      for (const value of values) if (Math.abs(value - level) <= tolerance) flat++;
    }
    if (flat < FLAT_SHARE * counted || flat < FLAT_SPAN * length) continue;
    for (let k = 0; k < length; k++) {
      const index = start + k * step;
      if (Math.abs(plane.data[index] - level) <= tolerance) cleared.data[index] = 0;
    }
    banners.push(line);
  }
  // Lossy coding rings for a few lines beside a banner's edge: drop those dim pixels too (dim scan
  // pixels there are only specks the closing restores).
  const isBanner = new Uint8Array(lineCount);
  for (const line of banners) isBanner[line] = 1;
  for (const banner of banners) {
    for (let line = banner - RINGING; line <= banner + RINGING; line++) {
      if (line < 0 || line >= lineCount || isBanner[line]) continue;
      const start = line * lineStep;
      for (let k = 0; k < length; k++) {
        const index = start + k * step;
        if (plane.data[index] <= threshold + FLAT_TOLERANCE) cleared.data[index] = 0;
      }
    }
  }
}

/** Whether a line of the mask has a set pixel at a sample index from `from` to `to` (clipped to it). */
function anySet(mask: Mask, start: number, step: number, from: number, to: number): boolean {
  for (let k = Math.max(0, from); k <= to; k++) if (mask.data[start + k * step]) return true;
  return false;
}

/** The value of rank `rank` (0-based, ascending) among the counted grey levels. */
function histogramRank(histogram: Uint32Array, rank: number): number {
  let seen = 0;
  for (let value = 0; value < 256; value++) {
    seen += histogram[value];
    if (seen > rank) return value;
  }
  return 255;
}

/** The middle value (upper middle for an even count) of `values`, which it sorts. */
function sortedMiddle(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}

/** Lines (one JPEG block) beside a banner where its ringing is dropped. */
const RINGING = 8;
