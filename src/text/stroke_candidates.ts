/**
 * Where small labels may hide in speckle: short, bright, thin vertical strokes (the stems of L, M, P,
 * R, 4...) grouped into word-sized areas. The DB net at its usual scale often takes an 8-14 px label
 * drawn on a scan sector for more speckle; these areas are worth a second, magnified look.
 * @module
 */
import { textMask } from "./text_mask.ts";
import type { Box, Frame8 } from "../volume.ts";
import { labelComponents } from "./label_components.ts";
import { dilateRect } from "../kernels/mask_dilation.ts";
import { brightestChannel } from "../kernels/byte_extremes.ts";
import { verticalStrokes } from "../kernels/vertical_strokes.ts";

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
  /**
   * Text found already. Its strokes still join their neighbours, so that a label beside it or the
   * rest of a word its box cut short stays one word-sized group, but each area is then only the part
   * outside these boxes, and groups with hardly anything outside them are dropped. Default none.
   */
  known?: Box[];
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
 * stroke pixels outside `known` text), in frame coordinates.
 *
 * @example
 * ```ts
 * const areas = strokeCandidates(frame8(volume, 0), { known: boxesFoundSoFar });
 * areas[0]; // { x: 234, y: 201, width: 14, height: 12 } around an "LV" on speckle
 * ```
 */
export function strokeCandidates(frame: Frame8, options: StrokeCandidateOptions = {}): Box[] {
  const { rows, cols } = frame;
  const bright = brightness(frame);
  const strokes = strokePixels(bright, rows, cols, options);
  const known = textMask(rows, cols, options.known ?? [], 0).data;
  const found: { box: Box; pixels: number }[] = [];
  for (const group of strokeGroups(strokes, known, rows, cols, JOIN_Y)) {
    if (!isWordSized(group, options)) continue;
    // A stray speckle stroke a row or two above or below a label can make it look too tall: such a
    // group is split again with rows kept apart, as the stems of one line stand side by side.
    const parts = group.outside.y1 - group.outside.y0 >= (options.maxHeight ?? 24)
      ? mainPiece(group, known, cols, options)
      : [group];
    for (const { outside } of parts) {
      const box = {
        x: outside.x0,
        y: outside.y0,
        width: outside.x1 - outside.x0 + 1,
        height: outside.y1 - outside.y0 + 1,
      };
      if (box.height > (options.maxHeight ?? 24)) continue;
      const around = surroundings(frame, bright, box);
      if (around.p90 < (options.minSurround ?? 30) || around.coloured > (options.maxColoured ?? 0.2)) {
        continue;
      }
      found.push({ box, pixels: outside.pixels });
    }
  }
  return found.sort((a, b) => b.pixels - a.pixels).map((entry) => entry.box);
}

/** Pixel count, distinct columns and bounds of a set of stroke pixels. */
interface StrokeStats {
  pixels: number;
  columns: Set<number>;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Strokes joined into one group: their pixel indices, the figures of all and of those outside known text. */
interface StrokeGroup {
  members: number[];
  all: StrokeStats;
  outside: StrokeStats;
}

/** Groups of the stroke pixels of a rows×cols mask, joined by a (2·JOIN_X+1)×(2·joinY+1) reach. */
function strokeGroups(
  strokes: Uint8Array,
  known: Uint8Array,
  rows: number,
  cols: number,
  joinY: number,
): StrokeGroup[] {
  const { labels, components } = labelComponents(dilateRect(strokes, rows, cols, JOIN_X, joinY), rows, cols);
  const groups: StrokeGroup[] = components.map(() => ({
    members: [],
    all: emptyStats(),
    outside: emptyStats(),
  }));
  const add = (p: number) => {
    const group = groups[labels[p] - 1];
    const x = p % cols;
    const y = (p - x) / cols;
    group.members.push(p);
    addPixel(group.all, x, y);
    if (!known[p]) addPixel(group.outside, x, y);
  };
  // Strokes are sparse (a few thousand of 480,000 pixels): skip empty 4-pixel words, in raster order.
  const wordCount = strokes.byteOffset % 4 === 0 ? strokes.length >> 2 : 0;
  const words = new Uint32Array(strokes.buffer, strokes.byteOffset, wordCount);
  for (let w = 0; w < wordCount; w++) {
    if (words[w] === 0) continue;
    for (let p = 4 * w; p < 4 * w + 4; p++) if (strokes[p]) add(p);
  }
  for (let p = 4 * wordCount; p < strokes.length; p++) if (strokes[p]) add(p);
  return groups;
}

/** The strokes of one group joined again along rows only (JOIN_X across, no reach up or down). */
function splitRows(group: StrokeGroup, known: Uint8Array, cols: number): StrokeGroup[] {
  const { x0, y0, x1, y1 } = group.all;
  const width = x1 - x0 + 1;
  const height = y1 - y0 + 1;
  const local = new Uint8Array(width * height);
  const localKnown = new Uint8Array(width * height);
  for (const p of group.members) {
    const x = p % cols;
    const q = ((p - x) / cols - y0) * width + x - x0;
    local[q] = 1;
    localKnown[q] = known[p];
  }
  return strokeGroups(local, localKnown, height, width, 0).map((part) => ({
    members: part.members.map((q) => (y0 + Math.floor(q / width)) * cols + x0 + (q % width)),
    all: shifted(part.all, x0, y0),
    outside: shifted(part.outside, x0, y0),
  }));
}

/**
 * The piece of a too-tall group that is a label with a stray stroke or two attached: of its strokes
 * joined along rows only, the largest, when it holds most of the group's strokes outside known text
 * and is shaped like a word. A wall cut into row bands gives many small, narrow pieces instead.
 */
function mainPiece(
  group: StrokeGroup,
  known: Uint8Array,
  cols: number,
  options: StrokeCandidateOptions,
): StrokeGroup[] {
  const largest = splitRows(group, known, cols).reduce((a, b) => b.outside.pixels > a.outside.pixels ? b : a);
  const { x0, y0, x1, y1, pixels } = largest.outside;
  // Two or more letters are at least half as wide as tall.
  const wordShaped = 2 * (x1 - x0 + 1) >= y1 - y0 + 1;
  return wordShaped && isWordSized(largest, options) && 2 * pixels > group.outside.pixels ? [largest] : [];
}

/** Stroke figures moved by (dx, dy). */
function shifted(stats: StrokeStats, dx: number, dy: number): StrokeStats {
  return {
    pixels: stats.pixels,
    columns: new Set([...stats.columns].map((x) => x + dx)),
    x0: stats.x0 + dx,
    y0: stats.y0 + dy,
    x1: stats.x1 + dx,
    y1: stats.y1 + dy,
  };
}

/**
 * Enough strokes, over enough columns, for a word rather than a speck, and more than a stray stem
 * outside known text (a second column at least): a word the detector cut short, or a label beside it.
 */
function isWordSized({ all, outside }: StrokeGroup, options: StrokeCandidateOptions): boolean {
  return all.columns.size >= (options.minColumns ?? 3) && all.pixels >= (options.minPixels ?? 8) &&
    outside.pixels >= (options.minStroke ?? 6) && outside.columns.size >= 2;
}

function emptyStats(): StrokeStats {
  return { pixels: 0, columns: new Set(), x0: Infinity, y0: Infinity, x1: -1, y1: -1 };
}

function addPixel(stats: StrokeStats, x: number, y: number): void {
  stats.pixels++;
  stats.columns.add(x);
  stats.x0 = Math.min(stats.x0, x);
  stats.y0 = Math.min(stats.y0, y);
  stats.x1 = Math.max(stats.x1, x);
  stats.y1 = Math.max(stats.y1, y);
}

/** The brightest channel of each pixel: coloured labels are bright in one channel at least. */
function brightness(frame: Frame8): Uint8Array {
  const { channels, data } = frame;
  const out = new Uint8Array(frame.rows * frame.cols);
  if (channels === 1) {
    out.set(data.subarray(0, out.length));
    return out;
  }
  if (channels === 3) return brightestChannel(data, out.length);
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
  const fast = verticalStrokes(bright, rows, cols, { contrast, minStroke, maxStroke });
  if (fast) return fast;
  // The plain loops, for frames or thresholds the kernel does not take.
  const ridge = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 3; x < cols - 3; x++) {
      const p = y * cols + x;
      const value = bright[p];
      // Brighter than both sides by `contrast`: the brighter side decides.
      const nearSide = bright[p - 2] > bright[p + 2] ? bright[p - 2] : bright[p + 2];
      const farSide = bright[p - 3] > bright[p + 3] ? bright[p - 3] : bright[p + 3];
      if (value - (nearSide < farSide ? nearSide : farSide) >= contrast) ridge[p] = 1;
    }
  }
  const wide = dilateRect(ridge, rows, cols, 1, 0);
  const strokes = new Uint8Array(rows * cols);
  // Vertical runs of every column at once, walking rows in memory order.
  const start = new Int32Array(cols).fill(-1);
  for (let y = 0; y <= rows; y++) {
    for (let x = 0; x < cols; x++) {
      const on = y < rows && wide[y * cols + x] === 1;
      if (on && start[x] < 0) start[x] = y;
      if (on || start[x] < 0) continue;
      const run = y - start[x];
      if (run >= minStroke && run <= maxStroke) {
        for (let k = start[x]; k < y; k++) strokes[k * cols + x] = ridge[k * cols + x];
      }
      start[x] = -1;
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
