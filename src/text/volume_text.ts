/**
 * Text on a whole Volume: scan the chosen frames, add static-overlay candidates, join boxes over
 * time, and read each box whenever its pixels change.
 * @module
 */
import { toDisplay8 } from "../display.ts";
import { type Box, type Frame8, frame8, type Volume } from "../volume.ts";
import { selectFrames } from "./frame_selection.ts";
import { staticOverlay } from "./static_overlay.ts";
import type { TextEngine } from "./text_engine.ts";
import { type FrameBox, joinLines, trackBoxes, type TrackedBox } from "./track_boxes.ts";
import { maskText } from "./text_mask.ts";

/** One recognised string: where and on which frame it was read. */
export interface TextRead {
  frame: number;
  text: string;
  confidence: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Everything found on a Volume. Boxes are in source coordinates. */
export interface VolumeText {
  /** Text boxes joined over time, with the scanned frames each was seen on. */
  boxes: TrackedBox[];
  /** Recognised strings (one per box, plus one more each time a box's pixels change). */
  reads: TextRead[];
  /** Frames the detector ran on. */
  framesScanned: number[];
}

/** Options of {@link detectVolumeText}. */
export interface VolumeTextOptions {
  /** `auto` (default: first, middle, last, every frame within 0.5 s), `all`, or explicit frame indices. */
  frames?: "auto" | "all" | number[];
  /** Read the text as well as finding it. Default true. */
  recognize?: boolean;
  /** Look for missed text in static-overlay regions of moving loops. Default true. */
  staticOverlay?: boolean;
  /**
   * Detect once more on the middle scanned frame with the boxes found so far blanked: text next to
   * other text (a marker beside a label) is sometimes only found once its neighbours are gone. Default true.
   */
  secondPass?: boolean;
  /** Reads below this confidence, or empty, are left out of `reads` (their boxes are still masked). Default 0. */
  minConfidence?: number;
}

/** Upscale used to re-detect static-overlay regions the full-frame pass missed (small glyphs). */
const CANDIDATE_SCALE = 2;
/** Context added around a static-overlay region before re-detection. */
const CANDIDATE_MARGIN = 8;
/** At most this many missed static regions are re-examined per file. */
const MAX_CANDIDATES = 24;

function overlapOfSmaller(a: Box, b: Box): number {
  const ix = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const iy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (ix <= 0 || iy <= 0) return 0;
  return (ix * iy) / Math.min(a.width * a.height, b.width * b.height);
}

/** Boxes taller than this (or than TALL_FRACTION of the frame) must be confirmed by the recogniser. */
const TALL_BOX = 24;
const TALL_FRACTION = 0.4;
/** Recogniser confidence that confirms a suspicious box as text. */
const CONFIRM_CONFIDENCE = 0.5;
/** Model-pixel height a tall unread box is enlarged to when it is split into lines. */
const SPLIT_HEIGHT = 160;

/** Recognised text that counts as a confirmation: confident and holding a letter or digit. */
async function readsAsText(engine: TextEngine, frame: Frame8, box: Box): Promise<boolean> {
  const { text, confidence } = await engine.recognizer.recognize(frame, box);
  return confidence >= CONFIRM_CONFIDENCE && /[\p{L}\p{N}]/u.test(text);
}

/**
 * Detected boxes that are text: small, line-shaped boxes are trusted as they are (tiny glyphs read
 * badly but must still be masked); tall boxes, which is how textured anatomy fools the DB net on
 * CT/MR and in scan sectors, are kept only when the recogniser reads them. A tall box that does not
 * read may be a block of several short lines merged together, so it is re-detected enlarged, and
 * its lines are kept when at least one of them reads.
 */
async function confirmedText(engine: TextEngine, frame: Frame8, boxes: Box[]): Promise<Box[]> {
  const kept: Box[] = [];
  const tallest = Math.max(3 * TALL_BOX, 0.08 * frame.rows);
  for (const box of boxes) {
    const tall = box.height > TALL_BOX || box.height > TALL_FRACTION * frame.rows;
    if (!tall) {
      kept.push(box);
      continue;
    }
    // One line of text is rarely taller than this: such boxes go straight to the split.
    if (box.height <= tallest && await readsAsText(engine, frame, box)) {
      kept.push(box);
      continue;
    }
    const scale = Math.min(4, Math.max(2, SPLIT_HEIGHT / box.height));
    const lines = (await engine.detector.detectRegion(frame, box, scale)).filter((line) =>
      line.height < box.height && line.height <= tallest
    );
    for (const line of lines) {
      if (await readsAsText(engine, frame, line)) {
        kept.push(...lines);
        break;
      }
    }
  }
  return kept;
}

/** The samples of one box, to notice when the text inside it changes. */
function boxPixels(frame: Frame8, box: Box): Uint8Array {
  const { cols, channels, data } = frame;
  const out = new Uint8Array(box.width * box.height * channels);
  for (let y = 0; y < box.height; y++) {
    const start = ((box.y + y) * cols + box.x) * channels;
    out.set(data.subarray(start, start + box.width * channels), y * box.width * channels);
  }
  return out;
}

/** Mean absolute difference per sample: lossy codecs change static text by a few levels. */
function meanDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / Math.max(1, a.length);
}

/** Frame indices to scan for a Volume under the `frames` option. */
function framesToScan(volume: Volume, frames: VolumeTextOptions["frames"]): number[] {
  if (Array.isArray(frames)) {
    return [...new Set(frames)].filter((f) => f >= 0 && f < volume.frames).sort((a, b) => a - b);
  }
  return selectFrames(volume.frames, {
    all: frames === "all",
    frameTimeMs: volume.meta.frameTimeMs,
    frameRate: volume.meta.frameRate,
  });
}

/**
 * Find, join and read the burned-in text of a Volume (non-8-bit volumes go through `toDisplay8`).
 *
 * @example
 * ```ts
 * const engine = await createTextEngine();
 * const { boxes, reads, framesScanned } = await detectVolumeText(engine, volume8);
 * ```
 */
export async function detectVolumeText(
  engine: TextEngine,
  volume: Volume,
  options: VolumeTextOptions = {},
): Promise<VolumeText> {
  const volume8 = volume.data instanceof Uint8Array ? volume : toDisplay8(volume);
  const framesScanned = framesToScan(volume8, options.frames);
  const seen: FrameBox[] = [];
  for (const f of framesScanned) {
    const frame = frame8(volume8, f);
    for (const box of await confirmedText(engine, frame, await engine.detector.detect(frame))) {
      seen.push({ ...box, frame: f });
    }
  }
  if ((options.staticOverlay ?? true) && volume8.frames > 1 && framesScanned.length > 0) {
    seen.push(...await staticCandidates(engine, volume8, seen, framesScanned));
  }
  if ((options.secondPass ?? true) && seen.length > 0) {
    seen.push(...await secondPass(engine, volume8, seen, framesScanned));
  }
  const boxes = joinLines(trackBoxes(seen));
  const reads = options.recognize === false
    ? []
    : await readTracks(engine, volume8, boxes, options.minConfidence ?? 0);
  return { boxes, reads, framesScanned };
}

/** Re-detect, upscaled, the static-overlay regions that no detected box covers. */
async function staticCandidates(
  engine: TextEngine,
  volume8: Volume,
  seen: FrameBox[],
  framesScanned: number[],
): Promise<FrameBox[]> {
  const { regions } = staticOverlay(volume8);
  const missed = regions
    .filter((region) => !seen.some((box) => overlapOfSmaller(region, box) >= 0.5))
    .sort((a, b) => b.width * b.height - a.width * a.height)
    .slice(0, MAX_CANDIDATES);
  const reference = framesScanned[framesScanned.length >> 1];
  const frame = frame8(volume8, reference);
  const found: FrameBox[] = [];
  for (const region of missed) {
    const x0 = Math.max(0, region.x - CANDIDATE_MARGIN);
    const y0 = Math.max(0, region.y - CANDIDATE_MARGIN);
    const x1 = Math.min(volume8.cols, region.x + region.width + CANDIDATE_MARGIN);
    const y1 = Math.min(volume8.rows, region.y + region.height + CANDIDATE_MARGIN);
    const padded = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    const boxes = await engine.detector.detectRegion(frame, padded, CANDIDATE_SCALE);
    for (const box of await confirmedText(engine, frame, boxes)) {
      found.push({ ...box, frame: reference });
    }
  }
  return found;
}

/** Boxes found on the middle scanned frame after blanking everything found so far. */
async function secondPass(
  engine: TextEngine,
  volume8: Volume,
  seen: FrameBox[],
  framesScanned: number[],
): Promise<FrameBox[]> {
  const reference = framesScanned[framesScanned.length >> 1];
  const single: Volume = { ...volume8, frames: 1, data: frame8(volume8, reference).data };
  const blanked = frame8(maskText(single, seen, { fill: "background" }), 0);
  const found = await confirmedText(engine, blanked, await engine.detector.detect(blanked));
  return found.map((box) => ({ ...box, frame: reference }));
}

/** Pixels whose mean change from the last read stays below this are not read again. */
const REREAD_DIFFERENCE = 4;

/**
 * Read each tracked box on its first frame, and again on later frames whose pixels changed (a
 * running clock); a new row is written only when the text changed.
 */
async function readTracks(
  engine: TextEngine,
  volume8: Volume,
  boxes: TrackedBox[],
  minConfidence: number,
): Promise<TextRead[]> {
  const reads: TextRead[] = [];
  for (const box of boxes) {
    const area = { x: box.x, y: box.y, width: box.width, height: box.height };
    let lastPixels: Uint8Array | undefined;
    let lastText: string | undefined;
    for (const f of box.frames) {
      const frame = frame8(volume8, f);
      const pixels = boxPixels(frame, area);
      if (lastPixels && meanDifference(pixels, lastPixels) < REREAD_DIFFERENCE) continue;
      lastPixels = pixels;
      const { text, confidence } = await engine.recognizer.recognize(frame, area);
      if (text === "" || confidence < minConfidence || text === lastText) continue;
      lastText = text;
      reads.push({ frame: f, text, confidence, ...area });
    }
  }
  return reads.sort((a, b) => a.frame - b.frame || a.y - b.y || a.x - b.x);
}

/**
 * Leak check: run detection again on (masked) output frames and return the boxes that still read
 * as text (confident, with a letter or digit), so that blank fills and anatomy do not count.
 *
 * @example
 * ```ts
 * const { residual } = await verifyNoText(engine, masked8);
 * residual; // 0 when the text was removed
 * ```
 */
export async function verifyNoText(
  engine: TextEngine,
  volume: Volume,
  options: Pick<VolumeTextOptions, "frames"> = {},
): Promise<{ residual: number; boxes: TrackedBox[] }> {
  const volume8 = volume.data instanceof Uint8Array ? volume : toDisplay8(volume);
  const seen: FrameBox[] = [];
  for (const f of framesToScan(volume8, options.frames)) {
    const frame = frame8(volume8, f);
    for (const box of await confirmedText(engine, frame, await engine.detector.detect(frame))) {
      if (await readsAsText(engine, frame, box)) seen.push({ ...box, frame: f });
    }
  }
  const boxes = trackBoxes(seen);
  return { residual: boxes.length, boxes };
}
