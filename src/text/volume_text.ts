/**
 * Text on a whole Volume: detect in full detail on a summary of the loop and its overlay views,
 * look again, magnified, where small labels may hide in speckle, scan every chosen frame quickly for
 * text that changes, join boxes over time, and read each box whenever its pixels change.
 * @module
 */
import { toDisplay8 } from "../display.ts";
import { type Box, type Frame8, frame8, type Volume } from "../volume.ts";
import { selectFrames } from "./frame_selection.ts";
import type { TextEngine } from "./text_engine.ts";
import type { Reading } from "./ctc_decode.ts";
import { type FrameBox, joinLines, trackBoxes, type TrackedBox } from "./track_boxes.ts";
import { maskText, padBox } from "./text_mask.ts";
import { changingRegions, chromaView, temporalMinimum } from "./text_views.ts";
import { strokeCandidates } from "./stroke_candidates.ts";
import { evenlySpacedFrames } from "../evenly_spaced.ts";

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
  /**
   * Detect in full detail on views where overlays stand out from the anatomy: the temporal minimum
   * of a loop (speckle falls dark, static annotations stay) and the chroma of the frame or of that
   * minimum (coloured text on grey anatomy). Off: every scanned frame in full detail. Default true.
   */
  overlayViews?: boolean;
  /**
   * Detect once more on the summary with the boxes found so far blanked: text next to other text is
   * sometimes only found once its neighbours are gone. New boxes must read as text. Default true.
   */
  secondPass?: boolean;
  /**
   * With overlay views on, scan each frame of a loop without upscaling and at most 512 px on the
   * long side (small static text is found in full detail on the loop's temporal minimum). Default true.
   */
  quickScan?: boolean;
  /**
   * Margin added on every side of each returned box, as a fraction of its height (at least 1 px):
   * DB boxes hug the strokes and can miss an anti-aliased row or a descender. Reads use the box
   * without it. Default 0.15.
   */
  boxMargin?: number;
  /** Reads below this confidence, or empty, are left out of `reads` (their boxes are still masked). Default 0. */
  minConfidence?: number;
  /**
   * Look again, magnified 6×, wherever the summary holds short bright vertical strokes on a textured
   * background (see `strokeCandidates`): 8-14 px labels such as "LV" drawn on speckle are often
   * invisible to the DB net at its usual scale. What this finds must read as text. Default: on, except
   * for NIfTI and CT/MR/PET/NM DICOM, whose vessels and edges make such strokes but hardly ever labels.
   */
  speckleLabels?: boolean;
  /**
   * The minimum over the {@link summarySpread} frames of the whole loop, for a volume that holds only
   * some of its frames (a streamed loop's text window). Default: the volume's own spread frames.
   */
  summaryBase?: Frame8;
}

/**
 * Line-shaped changing areas above this share of the frame are searched as whole frames instead: a
 * clock or an ECG sweep takes 1-13% of an echo frame. Above it the pieces inside the anatomy's hull
 * are left out first (dim speckle split into strips: 24-35% of the bench loops).
 */
const MAX_LINE_FRACTION = 0.2;
/** Anatomy (tall changing areas) above this share of the frame may hide changing text: whole frames then. */
const MAX_ANATOMY_FRACTION = 0.75;
/** Long side below which the detector magnifies a frame (its default `minSideLength`). */
const MAGNIFY_BELOW = 640;

/**
 * Text boxes inside `areas` of a frame, each area cut out (with the detector's own edge padding)
 * and magnified as the whole frame would be.
 */
async function detectInAreas(engine: TextEngine, frame: Frame8, areas: Box[]): Promise<Box[]> {
  const longSide = Math.max(frame.rows, frame.cols);
  const scale = longSide < MAGNIFY_BELOW ? Math.min(2, MAGNIFY_BELOW / longSide) : 1;
  const found: Box[] = [];
  for (const area of areas) {
    const crop = cropFrame(frame, area);
    const minSideLength = (Math.max(area.width, area.height) + 32) * scale;
    for (const box of await engine.detector.detect(crop, { minSideLength, limitSideLength: undefined })) {
      found.push({ x: box.x + area.x, y: box.y + area.y, width: box.width, height: box.height });
    }
  }
  return found;
}

/** A copy of one rectangle of a frame. */
function cropFrame(frame: Frame8, area: Box): Frame8 {
  return { rows: area.height, cols: area.width, channels: frame.channels, data: boxPixels(frame, area) };
}

/** Frames of a loop the summary (temporal minimum) is taken over, besides the scanned ones. */
const SUMMARY_FRAMES = 16;

/**
 * Up to 16 evenly spaced frames of a loop of `frames`, first and last included: the frames its
 * summary takes besides the scanned ones. Over only the three scanned frames of a short loop, bright
 * speckle often survives the minimum as streaks the label look then examines magnified; over more
 * it falls dark, while static overlays, on every frame, stay.
 *
 * @example
 * ```ts
 * summarySpread(40).length; // 16
 * summarySpread(3); // [0, 1, 2]
 * ```
 */
export function summarySpread(frames: number): number[] {
  return evenlySpacedFrames(frames, SUMMARY_FRAMES);
}

/** The loop summary: the minimum over the scanned frames and either `base` or the volume's own spread. */
function loopSummary(volume8: Volume, scanned: number[], base: Frame8 | undefined): Frame8 {
  if (!base) return temporalMinimum(volume8, [...new Set([...scanned, ...summarySpread(volume8.frames)])]);
  return temporalMinimum(volume8, scanned, base);
}

/** Share of the frame's rows above which the second pass searches the whole frame instead of bands. */
const MAX_BAND_FRACTION = 0.5;

/**
 * Full-width bands around the lines of `known` text, one line height above and below each, merged
 * where they meet: where the second pass looks for text beside text. Null when they would cover
 * more than MAX_BAND_FRACTION of the rows (the whole frame is then cheaper to search at once).
 */
function linesBeside(known: Box[], rows: number, cols: number): Box[] | null {
  const spans = known
    .map((box) => [Math.max(0, box.y - box.height), Math.min(rows, box.y + 2 * box.height)])
    .sort((a, b) => a[0] - b[0]);
  const merged: number[][] = [];
  for (const [start, end] of spans) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  const covered = merged.reduce((sum, [start, end]) => sum + end - start, 0);
  if (covered > MAX_BAND_FRACTION * rows) return null;
  return merged.map(([start, end]) => ({ x: 0, y: start, width: cols, height: end - start }));
}

/** Quick per-frame pass of a loop: no upscaling, long side at most 512 model pixels. */
const QUICK_SCAN = { minSideLength: 0, limitSideLength: 512 };

function overlapOfSmaller(a: Box, b: Box): number {
  const ix = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const iy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (ix <= 0 || iy <= 0) return 0;
  return (ix * iy) / Math.min(a.width * a.height, b.width * b.height);
}

/** A tracked box grown by `fraction` of its height (at least 1 px) on every side, clipped to the frame. */
function withMargin(track: TrackedBox, fraction: number, rows: number, cols: number): TrackedBox {
  if (fraction <= 0) return track;
  const margin = Math.max(1, Math.round(fraction * track.height));
  const x0 = Math.max(0, track.x - margin);
  const y0 = Math.max(0, track.y - margin);
  const x1 = Math.min(cols, track.x + track.width + margin);
  const y1 = Math.min(rows, track.y + track.height + margin);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0, frames: track.frames };
}

/** True when `box` mostly overlaps one of `boxes` (the same text seen again). */
function overlapsAny(box: Box, boxes: Box[]): boolean {
  return boxes.some((other) => overlapOfSmaller(box, other) >= 0.5);
}

/** True when `inner` lies within `outer` grown by a quarter of its height (quick-scan boxes are looser). */
function holds(outer: Box, inner: Box): boolean {
  const slack = Math.ceil(0.25 * outer.height);
  return inner.x >= outer.x - slack && inner.y >= outer.y - slack &&
    inner.x + inner.width <= outer.x + outer.width + slack &&
    inner.y + inner.height <= outer.y + outer.height + slack;
}

/** Magnification, context (px) and most areas per volume of the look for labels on speckle. */
const LABEL_SCALE = 6;
const LABEL_CONTEXT = 32;
const MAX_LABEL_AREAS = 6;
/** Confidence a single character needs there: a bright speck, magnified, reads as a fairly sure "1". */
const LONE_CHARACTER = 0.9;
/** Modalities whose images are not speckle: the label look is skipped (cost, not safety). */
const NOT_SPECKLE = new Set(["CT", "MR", "PT", "NM"]);

/** Boxes taller than this (or than TALL_FRACTION of the frame) must be confirmed by the recogniser. */
const TALL_BOX = 24;
const TALL_FRACTION = 0.4;
/**
 * Tall boxes confirmed per frame. The public files show at most 14; a frame of noise (a damaged
 * decode) shows hundreds, and reading and splitting each took 12 s for one 484×484 frame. Tall boxes
 * beyond it are kept unread: masking a broken frame is the safe side.
 */
const MAX_CONFIRMATIONS = 32;
/** Recogniser confidence that confirms a suspicious box as text. */
const CONFIRM_CONFIDENCE = 0.5;
/** Model-pixel height a tall unread box is enlarged to when it is split into lines. */
const SPLIT_HEIGHT = 160;

/**
 * Recognised text that counts as a confirmation: confident and holding a letter or digit. Past the
 * volume's reading budget every box counts as text unread: masking is the safe side.
 */
async function readsAsText(read: BoxReader, frame: Frame8, box: Box): Promise<boolean> {
  if (read.exhausted()) return true;
  return isText(await read(frame, box));
}

/** Confident and holding a letter or digit. */
function isText({ text, confidence }: Reading): boolean {
  return confidence >= CONFIRM_CONFIDENCE && /[\p{L}\p{N}]/u.test(text);
}

/** A reading of two or more letters or digits at CONFIRM_CONFIDENCE. */
function isWord({ text, confidence }: Reading): boolean {
  return confidence >= CONFIRM_CONFIDENCE && (text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= 2;
}

/**
 * A reading of two or more letters or digits at CONFIRM_CONFIDENCE, or of a lone one at
 * LONE_CHARACTER: magnified speckle, a cut stroke or an icon often reads as one fairly sure letter.
 */
function isWordOrSureCharacter(reading: Reading): boolean {
  const characters = reading.text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  return characters === 1 ? reading.confidence >= LONE_CHARACTER : isWord(reading);
}

/** Reads the text in a box of a frame; `exhausted` once the volume's budget of failed reads is spent. */
type BoxReader = ((frame: Frame8, box: Box) => Promise<Reading>) & { exhausted(): boolean };

/**
 * Model reads that did not read as text, per volume, after which detection stops confirming boxes by
 * reading them (they are kept unread) and stops the label look. Reads that find text do not count, so
 * a screen full of text never runs out. The public files and fixtures make at most 25 reads in all;
 * a frame of noise (a damaged decode, fuzz seed 47 #7130) made 209, nearly all failed, and took 9 s
 * on a 256×120 image.
 */
const MAX_FAILED_READS = 48;

/**
 * A recogniser front that remembers its readings per box place for one volume: the same place with
 * (nearly) the same pixels, such as static text on the next frame or a box confirmed during
 * detection and read again for the CSV, is not run through the model twice.
 */
function cachedReader(engine: TextEngine): BoxReader {
  const readings = new Map<string, { pixels: Uint8Array; reading: Reading }[]>();
  let failedReads = 0;
  const read = async (frame: Frame8, box: Box) => {
    const key = `${box.x},${box.y},${box.width},${box.height}`;
    const pixels = boxPixels(frame, box);
    const earlier = readings.get(key) ?? [];
    const same = earlier.find((entry) =>
      entry.pixels.length === pixels.length && meanDifference(entry.pixels, pixels) < REREAD_DIFFERENCE
    );
    if (same) return same.reading;
    const reading = await engine.recognizer.recognize(frame, box);
    if (!isText(reading)) failedReads++;
    earlier.push({ pixels, reading });
    readings.set(key, earlier);
    return reading;
  };
  return Object.assign(read, { exhausted: () => failedReads >= MAX_FAILED_READS });
}

/** Confirmation outcomes per box place, reused while the box's pixels stay the same. */
type ConfirmationCache = Map<string, { pixels: Uint8Array; kept: Box[] }>;

/**
 * Detected boxes that are text: small, line-shaped boxes are trusted as they are (tiny glyphs read
 * badly but must still be masked); tall boxes, which is how textured anatomy fools the DB net on
 * CT/MR and in scan sectors, are kept only when the recogniser reads them. A tall box that does not
 * read may be a block of several short lines merged together, so it is re-detected enlarged, and
 * its lines are kept when at least one of them reads. With a `cache`, a tall box met again at the
 * same place with the same pixels (static text on the next frame) is not read again.
 */
async function confirmedText(
  engine: TextEngine,
  read: BoxReader,
  frame: Frame8,
  boxes: Box[],
  cache?: ConfirmationCache,
): Promise<Box[]> {
  const kept: Box[] = [];
  const tallest = Math.max(3 * TALL_BOX, 0.08 * frame.rows);
  let confirmations = 0;
  for (const box of boxes) {
    const tall = box.height > TALL_BOX || box.height > TALL_FRACTION * frame.rows;
    // Past the budget the frame is noise or a damaged decode, not anatomy: mask rather than read on.
    if (!tall || confirmations >= MAX_CONFIRMATIONS) {
      kept.push(box);
      continue;
    }
    confirmations++;
    const key = `${box.x},${box.y},${box.width},${box.height}`;
    const pixels = cache ? boxPixels(frame, box) : undefined;
    const known = cache?.get(key);
    if (
      known && pixels && known.pixels.length === pixels.length &&
      meanDifference(known.pixels, pixels) < REREAD_DIFFERENCE
    ) {
      kept.push(...known.kept);
      continue;
    }
    const confirmed = await confirmTall(engine, read, frame, box, tallest);
    if (cache && pixels) cache.set(key, { pixels, kept: confirmed });
    kept.push(...confirmed);
  }
  return kept;
}

/** The text inside one tall box: the box itself when it reads, its lines when one of them reads, or nothing. */
async function confirmTall(
  engine: TextEngine,
  read: BoxReader,
  frame: Frame8,
  box: Box,
  tallest: number,
): Promise<Box[]> {
  // One line of text is rarely taller than `tallest`: such boxes go straight to the split.
  if (box.height <= tallest && await readsAsText(read, frame, box)) return [box];
  const scale = Math.min(4, Math.max(2, SPLIT_HEIGHT / box.height));
  const lines = (await engine.detector.detectRegion(frame, box, scale)).filter((line) =>
    line.height < box.height && line.height <= tallest
  );
  for (const line of lines) {
    if (await readsAsText(read, frame, line)) return lines;
  }
  return [];
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
  const read = cachedReader(engine);
  const seen = await findTextBoxes(engine, read, volume8, framesScanned, options);
  const tracks = joinLines(trackBoxes(seen));
  const reads = options.recognize === false
    ? []
    : await readTracks(read, volume8, tracks, options.minConfidence ?? 0);
  const margin = options.boxMargin ?? 0.15;
  const boxes = tracks.map((track) => withMargin(track, margin, volume8.rows, volume8.cols));
  return { boxes, reads, framesScanned };
}

/**
 * Text boxes of the scanned frames. The full-detail pass (upscaled when small) runs once on a
 * summary: the frame itself, or for a loop its temporal minimum, where static overlays stand on
 * darkened speckle; coloured text is looked for on the chroma of that summary. Every scanned frame
 * of a loop then gets a quick pass to catch text that changes or comes and goes. Boxes that only a
 * quick pass, the chroma view or the magnified look at stroke areas found must read as text: those
 * passes take anatomy for glyphs more often.
 */
async function findTextBoxes(
  engine: TextEngine,
  read: BoxReader,
  volume8: Volume,
  framesScanned: number[],
  options: VolumeTextOptions,
): Promise<FrameBox[]> {
  if (framesScanned.length === 0) return [];
  const seen: FrameBox[] = [];
  const known: Box[] = [];
  const cache: ConfirmationCache = new Map();
  const views = options.overlayViews ?? true;
  const loop = framesScanned.length > 1;
  const quick = views && loop && options.quickScan !== false;
  const summary = !loop
    ? frame8(volume8, framesScanned[0])
    : views
    ? loopSummary(volume8, framesScanned, options.summaryBase)
    : null;
  if (summary) {
    for (
      const box of await confirmedText(engine, read, summary, await engine.detector.detect(summary), cache)
    ) {
      known.push(box);
      for (const frame of framesScanned) seen.push({ ...box, frame });
    }
    const chroma = views ? chromaView(summary) : null;
    if (chroma) {
      for (
        const box of await confirmedText(engine, read, chroma, await engine.detector.detect(chroma), cache)
      ) {
        // Chroma alone loses the glyphs' shading: a green "LA" that reads as nothing there reads in
        // colour. Read so, coloured speckle makes a fairly sure "一": a word or a sure character only.
        if (
          !overlapsAny(box, known) && !await readsAsText(read, chroma, box) &&
          !isWordOrSureCharacter(await read(summary, box))
        ) continue;
        known.push(box);
        for (const frame of framesScanned) seen.push({ ...box, frame });
      }
    }
    if ((options.secondPass ?? true) && known.length > 0) {
      // Text beside other text (a circled letter by a label) is sometimes only found once its
      // neighbours are gone; what this finds must read as text, as blanking leaves new edges.
      const single: Volume = { ...volume8, frames: 1, data: summary.data };
      const blanked = frame8(maskText(single, known, { fill: "background" }), 0);
      const tallestKnown = Math.max(...known.map((box) => box.height));
      const bands = linesBeside(known, blanked.rows, blanked.cols);
      const candidates = bands
        ? await detectInAreas(engine, blanked, bands)
        : await engine.detector.detect(blanked);
      for (const box of await confirmedText(engine, read, blanked, candidates, cache)) {
        // The text this pass is for sits beside text found already, and is about its size.
        if (box.height > 1.5 * tallestKnown || overlapsAny(box, known)) continue;
        if (!await readsAsText(read, blanked, box)) continue;
        known.push(box);
        for (const frame of framesScanned) seen.push({ ...box, frame });
      }
    }
    if (options.speckleLabels ?? mayBeSpeckle(volume8)) {
      for (const box of await labelsOnSpeckle(engine, read, summary, known)) {
        known.push(box);
        for (const frame of framesScanned) seen.push({ ...box, frame });
      }
      // Coloured labels on speckle are strokes on black in the chroma view, where speckle is gone.
      if (chroma) {
        for (const box of await labelsOnSpeckle(engine, read, summary, known, chroma)) {
          known.push(box);
          for (const frame of framesScanned) seen.push({ ...box, frame });
        }
      }
    }
  }
  if (!loop) return seen;
  // Each frame is then searched where the loop changes outside the anatomy (the summary holds the
  // rest), or whole, quickly, when changing areas are not line-shaped enough to be told apart.
  const changes = quick
    ? changingRegions(volume8, framesScanned, { maxLineFraction: MAX_LINE_FRACTION })
    : undefined;
  const wholeFrames = !changes || changes.lineFraction > MAX_LINE_FRACTION ||
    changes.anatomyFraction > MAX_ANATOMY_FRACTION;
  for (const f of framesScanned) {
    const frame = frame8(volume8, f);
    if (!quick) {
      for (
        const box of await confirmedText(engine, read, frame, await engine.detector.detect(frame), cache)
      ) {
        seen.push({ ...box, frame: f });
      }
      continue;
    }
    // With the anatomy's pieces left out of the changing lines, the first frame is still searched
    // whole: static labels in the sector that the summary missed are on every frame alike.
    const whole = wholeFrames || (changes.insideAnatomyLeftOut && f === framesScanned[0]);
    const candidates = whole
      ? await engine.detector.detect(frame, QUICK_SCAN)
      : await detectInAreas(engine, frame, changes.lines);
    for (const box of candidates) {
      // Known text is skipped (the full-detail box is tighter) unless the box reaches beyond it, as a
      // clock that grew a digit does.
      if (known.some((other) => holds(other, box))) continue;
      if (overlapsAny(box, known)) seen.push({ ...box, frame: f });
      else {
        for (const line of await confirmedText(engine, read, frame, [box], cache)) {
          if (await readsAsText(read, frame, line)) seen.push({ ...line, frame: f });
        }
      }
    }
  }
  return seen;
}

/** False for volumes that are not speckle (NIfTI, CT, MR, PET, NM), where the label look is not worth its time. */
function mayBeSpeckle(volume: Volume): boolean {
  return volume.meta.format !== "nifti" && !NOT_SPECKLE.has(volume.meta.modality?.toUpperCase() ?? "");
}

/**
 * Small labels on speckle that the usual pass missed: each stroke area of `frame` outside `known` text
 * (a label beside it, or the rest of a word its box cut short) is cut out with some context and
 * detected magnified (the strongest areas first, at most MAX_LABEL_AREAS). Boxes of line height are
 * kept when they read as two or more letters or digits, or as one very confidently: magnified speckle
 * now and then reads as one fairly sure character.
 */
async function labelsOnSpeckle(
  engine: TextEngine,
  read: BoxReader,
  frame: Frame8,
  known: Box[],
  chroma?: Frame8,
): Promise<Box[]> {
  const found: Box[] = [];
  // Strokes and boxes are looked for on the chroma view when given; reads are always of the frame.
  const view = chroma ?? frame;
  for (const { area, faint } of labelAreas(view, known, chroma !== undefined)) {
    // Faint strokes are found in speckle more often than in labels: only words count there.
    const accepts = faint ? isWord : isWordOrSureCharacter;
    // Past the reading budget the frame is noise, not a scan with a few labels.
    if (read.exhausted()) break;
    // Stroke areas lie inside the frame, so their padded boxes are never empty.
    const region = padBox(area, LABEL_CONTEXT, frame.rows, frame.cols)!;
    const before = found.length;
    for (const box of await engine.detector.detectRegion(view, region, LABEL_SCALE)) {
      // A magnified box hugs its text less tightly: room for that above TALL_BOX for a tall area.
      const tallest = Math.max(TALL_BOX, 1.5 * area.height);
      if (box.height > tallest || [...known, ...found].some((other) => holds(other, box))) continue;
      if (read.exhausted() || accepts(await read(frame, box))) found.push(box);
    }
    // Or it finds nothing there: the strokes themselves, read directly, may still say what they are.
    // Only a word counts here: a lone stem of speckle read directly is a fairly sure "1".
    if (found.length > before || read.exhausted()) continue;
    // Grown by a share of its height, the area takes in the bars and bowls beside the stems.
    const strokes = padBox(
      area,
      Math.max(1, Math.round(STROKE_AREA_PAD * area.height)),
      frame.rows,
      frame.cols,
    )!;
    if ([...known, ...found].some((other) => holds(other, strokes))) continue;
    if (isWord(await read(frame, strokes))) found.push(strokes);
  }
  return found;
}

/**
 * Stroke areas on the chroma view: its labels stand on black, so no textured surroundings are asked
 * for, and JPEG's halved chroma resolution shortens and dims the stems of 8-10 px glyphs.
 */
const CHROMA_STROKES = { minSurround: 0, minStroke: 4, contrast: 30 };
/**
 * Stem contrast of the faint stroke areas, looked at after the usual ones (strokeCandidates' 40):
 * grey-170 labels on bright speckle stand only about 30 grey levels above their sides.
 */
const FAINT_CONTRAST = 30;

/**
 * The stroke areas the label look examines, at most MAX_LABEL_AREAS: the usual ones strongest first,
 * then faint ones elsewhere. Faint areas come last so that they never push a clear label out.
 * Strokes on known text are not looked at again, but a word cut short or a label beside it is.
 */
function labelAreas(view: Frame8, known: Box[], chroma: boolean): { area: Box; faint: boolean }[] {
  if (chroma) {
    return strokeCandidates(view, { known, ...CHROMA_STROKES }).slice(0, MAX_LABEL_AREAS)
      .map((area) => ({ area, faint: false }));
  }
  const strong = strokeCandidates(view, { known });
  const faint = strokeCandidates(view, { known, contrast: FAINT_CONTRAST })
    .filter((area) => !strong.some((other) => overlapOfSmaller(area, other) > 0));
  return [
    ...strong.map((area) => ({ area, faint: false })),
    ...faint.map((area) => ({ area, faint: true })),
  ].slice(0, MAX_LABEL_AREAS);
}

/** Share of its height by which a stroke area is grown on every side to take in the whole glyphs. */
const STROKE_AREA_PAD = 0.4;

/** Pixels whose mean change from the last read stays below this are not read again. */
const REREAD_DIFFERENCE = 4;
/** A box whose pixels changed this many times in a row without its text changing is not read again. */
const MAX_UNCHANGED_READS = 2;

/**
 * Read each tracked box on its first frame, and again on later frames whose pixels changed (a
 * running clock); a new row is written only when the text changed.
 */
async function readTracks(
  read: BoxReader,
  volume8: Volume,
  boxes: TrackedBox[],
  minConfidence: number,
): Promise<TextRead[]> {
  const reads: TextRead[] = [];
  for (const box of boxes) {
    const area = { x: box.x, y: box.y, width: box.width, height: box.height };
    let lastPixels: Uint8Array | undefined;
    let lastText: string | undefined;
    let unchangedReads = 0;
    for (const f of box.frames) {
      const frame = frame8(volume8, f);
      const pixels = boxPixels(frame, area);
      if (lastPixels && meanDifference(pixels, lastPixels) < REREAD_DIFFERENCE) continue;
      // Pixels that keep changing under the same text are anatomy around a label, not a clock.
      if (unchangedReads >= MAX_UNCHANGED_READS) break;
      lastPixels = pixels;
      const { text, confidence } = await read(frame, area);
      if (text === lastText || (lastText !== undefined && text === "")) {
        unchangedReads++;
        continue;
      }
      unchangedReads = 0;
      lastText = text;
      if (text === "" || confidence < minConfidence) continue;
      reads.push({ frame: f, text, confidence, ...area });
    }
  }
  return reads.sort((a, b) => a.frame - b.frame || a.y - b.y || a.x - b.x);
}

/**
 * Leak check: run detection again, as {@link detectVolumeText} does, on (masked) output frames and
 * return the boxes that still read as text on a frame they were found on (two or more letters or
 * digits read with confidence, or one read very surely), so that blank fills, anatomy and the icons
 * left beside blanked labels do not count.
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
  const read = cachedReader(engine);
  const seen: FrameBox[] = [];
  for (const box of await findTextBoxes(engine, read, volume8, framesToScan(volume8, options.frames), {})) {
    // Past the budget a box counts as left text unread: the file is flagged rather than passed.
    if (read.exhausted() || isWordOrSureCharacter(await read(frame8(volume8, box.frame), box))) {
      seen.push(box);
    }
  }
  const boxes = trackBoxes(seen);
  return { residual: boxes.length, boxes };
}
