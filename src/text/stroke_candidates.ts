/**
 * Where small labels may hide in speckle: short, bright, thin vertical strokes (the stems of L, M, P,
 * R, 4...) grouped into word-sized areas. The DB net at its usual scale often takes an 8-14 px label
 * drawn on a scan sector for more speckle; these areas are worth a second, magnified look.
 * @module
 */
import type { Box, Frame8 } from "../volume.ts";
import { labelComponents } from "./label_components.ts";

/** Options of {@link strokeCandidates}. */
export interface StrokeCandidateOptions {
  /** How much brighter than both sides (2 or 3 px away) a stroke pixel must be. Default 40 grey levels. */
  contrast?: number;
  /** Shortest and longest vertical stroke, in rows (a glyph stem, not a speck or a wall). Default 6 and 24. */
  minStroke?: number;
  maxStroke?: number;
  /** Tallest area kept: taller ones are anatomy, or text large enough for the usual pass. Default 24 px. */
  maxHeight?: number;
  /** Fewest distinct stroke columns and stroke pixels in an area. Default 3 and 8. */
  minColumns?: number;
  minPixels?: number;
  /**
   * Brightness the 90th percentile of the surroundings must reach: a label on black needs no second
   * look (the usual pass finds it), one on speckle does. Default 30.
   */
  minSurround?: number;
  /** Largest share of coloured pixels around an area: colour Doppler is full of strokes. Default 0.2. */
  maxColoured?: number;
}

/** Horizontal and vertical reach that joins the strokes of one word. */
const JOIN_X = 6;
const JOIN_Y = 2;
/** Surroundings examined around an area, in px. */
const SURROUND = 16;
/** Chroma (max − min of R, G, B) at which a pixel counts as coloured. */
const COLOURED = 24;

/**
 * Word-sized areas of short bright vertical strokes on a textured background, strongest first (most
 * stroke pixels), in frame coordinates.
 *
 * @example
 * ```ts
 * const areas = strokeCandidates(frame8(volume, 0));
 * areas[0]; // { x: 234, y: 201, width: 14, height: 12 } around an "LV" on speckle
 * ```
 */
export function strokeCandidates(frame: Frame8, options: StrokeCandidateOptions = {}): Box[] {
  const { rows, cols } = frame;
  const bright = brightness(frame);
  const strokes = strokePixels(bright, rows, cols, options);
  const joined = dilate(strokes, rows, cols, JOIN_X, JOIN_Y);
  const { labels, components } = labelComponents(joined, rows, cols);
  const pixels = new Uint32Array(components.length + 1);
  const columns = components.map(() => new Set<number>());
  for (let p = 0; p < strokes.length; p++) {
    if (!strokes[p]) continue;
    pixels[labels[p]]++;
    columns[labels[p] - 1].add(p % cols);
  }
  const found: { box: Box; pixels: number }[] = [];
  for (const component of components) {
    // The dilation grew each area by the join reach; undo it, clipped to the frame.
    const x0 = Math.min(cols - 1, component.x0 + (component.x0 === 0 ? 0 : JOIN_X));
    const y0 = Math.min(rows - 1, component.y0 + (component.y0 === 0 ? 0 : JOIN_Y));
    const x1 = Math.max(x0, component.x1 - (component.x1 === cols - 1 ? 0 : JOIN_X));
    const y1 = Math.max(y0, component.y1 - (component.y1 === rows - 1 ? 0 : JOIN_Y));
    const box = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
    const count = pixels[component.label];
    if (box.height > (options.maxHeight ?? 24)) continue;
    if (columns[component.label - 1].size < (options.minColumns ?? 3)) continue;
    if (count < (options.minPixels ?? 8)) continue;
    const around = surroundings(frame, bright, box);
    if (around.p90 < (options.minSurround ?? 30) || around.coloured > (options.maxColoured ?? 0.2)) continue;
    found.push({ box, pixels: count });
  }
  return found.sort((a, b) => b.pixels - a.pixels).map((entry) => entry.box);
}

/** The brightest channel of each pixel: coloured labels are bright in one channel at least. */
function brightness(frame: Frame8): Uint8Array {
  const { channels, data } = frame;
  const out = new Uint8Array(frame.rows * frame.cols);
  for (let p = 0, i = 0; p < out.length; p++, i += channels) {
    let value = data[i];
    for (let c = 1; c < channels; c++) if (data[i + c] > value) value = data[i + c];
    out[p] = value;
  }
  return out;
}

/**
 * Pixels of vertical strokes: brighter than both horizontal neighbours 2 or 3 px away (1-3 px wide
 * strokes) and part of a vertical run of such pixels between `minStroke` and `maxStroke` rows. The
 * run may drift a column per row, as italic and anti-aliased stems do. Speckle is grainy across the
 * beam and rarely makes such runs.
 */
function strokePixels(bright: Uint8Array, rows: number, cols: number, options: StrokeCandidateOptions) {
  const contrast = options.contrast ?? 40;
  const minStroke = options.minStroke ?? 6;
  const maxStroke = options.maxStroke ?? 24;
  const ridge = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 3; x < cols - 3; x++) {
      const p = y * cols + x;
      const value = bright[p];
      const near = Math.min(value - bright[p - 2], value - bright[p + 2]);
      const far = Math.min(value - bright[p - 3], value - bright[p + 3]);
      if (Math.max(near, far) >= contrast) ridge[p] = 1;
    }
  }
  const wide = dilate(ridge, rows, cols, 1, 0);
  const strokes = new Uint8Array(rows * cols);
  for (let x = 0; x < cols; x++) {
    let start = -1;
    for (let y = 0; y <= rows; y++) {
      const on = y < rows && wide[y * cols + x] === 1;
      if (on && start < 0) start = y;
      if (on || start < 0) continue;
      const run = y - start;
      if (run >= minStroke && run <= maxStroke) {
        for (let k = start; k < y; k++) strokes[k * cols + x] = ridge[k * cols + x];
      }
      start = -1;
    }
  }
  return strokes;
}

/** The 90th-percentile brightness and the coloured share of the pixels around an area. */
function surroundings(frame: Frame8, bright: Uint8Array, box: Box): { p90: number; coloured: number } {
  const { rows, cols, channels, data } = frame;
  const histogram = new Uint32Array(256);
  let count = 0;
  let coloured = 0;
  for (let y = Math.max(0, box.y - SURROUND); y < Math.min(rows, box.y + box.height + SURROUND); y++) {
    for (let x = Math.max(0, box.x - SURROUND); x < Math.min(cols, box.x + box.width + SURROUND); x++) {
      const p = y * cols + x;
      histogram[bright[p]]++;
      count++;
      if (channels === 3) {
        const i = p * 3;
        const low = Math.min(data[i], data[i + 1], data[i + 2]);
        if (bright[p] - low >= COLOURED) coloured++;
      }
    }
  }
  let seen = 0;
  let p90 = 0;
  while (p90 < 255 && seen + histogram[p90] < 0.9 * count) seen += histogram[p90++];
  return { p90, coloured: coloured / count };
}

/** Binary dilation by a (2·rx+1)×(2·ry+1) rectangle, separable. */
function dilate(mask: Uint8Array, rows: number, cols: number, rx: number, ry: number): Uint8Array {
  const horizontal = new Uint8Array(mask.length);
  for (let y = 0; y < rows; y++) {
    const row = y * cols;
    for (let x = 0; x < cols; x++) {
      if (mask[row + x]) horizontal.fill(1, row + Math.max(0, x - rx), row + Math.min(cols, x + rx + 1));
    }
  }
  if (ry === 0) return horizontal;
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      if (!horizontal[y * cols + x]) continue;
      for (let yy = Math.max(0, y - ry); yy <= Math.min(rows - 1, y + ry); yy++) out[yy * cols + x] = 1;
    }
  }
  return out;
}
