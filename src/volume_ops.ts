/**
 * Whole-volume pixel operations the pipeline composes: blank outside a mask, crop to a box.
 * @module
 */
import { type Box, createVolume, type Mask, pixelType, type Volume } from "./volume.ts";

/**
 * Set every sample outside `mask` (0 pixels) to `fill`, on every frame and channel, in place.
 *
 * @example
 * ```ts
 * const volume = createVolume({ frames: 1, rows: 1, cols: 2, channels: 1, type: "uint8", meta: { format: "image" } });
 * volume.data.set([9, 9]);
 * blankOutside(volume, { rows: 1, cols: 2, data: new Uint8Array([1, 0]) }); // data = [9, 0]
 * ```
 */
export function blankOutside(volume: Volume, mask: Mask, fill = 0): Volume {
  if (mask.rows !== volume.rows || mask.cols !== volume.cols) {
    throw new RangeError(
      `mask ${mask.cols}x${mask.rows} does not match volume ${volume.cols}x${volume.rows}`,
    );
  }
  fillRuns(volume, outsideRuns(mask), fill);
  return volume;
}

/** The dimensions the row walks need (a Volume, or a mask seen as one frame of one channel). */
type Shape = Pick<Volume, "frames" | "rows" | "cols" | "channels">;

/** Set the samples of every [start, end) pixel run to `fill`, on every frame (a mask is the same on all). */
function fillRuns(volume: Volume, runs: Uint32Array, fill: number): void {
  const frameSamples = volume.rows * volume.cols * volume.channels;
  const data = volume.data;
  for (let frame = 0; frame < volume.frames; frame++) {
    const base = frame * frameSamples;
    for (let i = 0; i < runs.length; i += 2) {
      const start = base + runs[i] * volume.channels, end = base + runs[i + 1] * volume.channels;
      // A fan's rows leave short runs at its edges: a plain loop beats the call into fill() there.
      if (end - start < SHORT_RUN) { for (let j = start; j < end; j++) data[j] = fill; }
      else data.fill(fill, start, end);
    }
  }
}

/** Samples below which a run is filled by a loop rather than TypedArray.fill. */
const SHORT_RUN = 48;

/** [start, end) pixel index pairs of the mask's 0 runs, row-major. */
function outsideRuns(mask: Mask): Uint32Array {
  const runs: number[] = [];
  const pixels = mask.rows * mask.cols;
  let pixel = 0;
  while (pixel < pixels) {
    if (mask.data[pixel]) {
      pixel++;
      continue;
    }
    const start = pixel;
    while (pixel < pixels && !mask.data[pixel]) pixel++;
    runs.push(start, pixel);
  }
  return Uint32Array.from(runs);
}

/**
 * A new volume holding only `box` of every frame. Output pixel (0,0) is source pixel (box.x, box.y).
 *
 * @example
 * ```ts
 * const volume = createVolume({ frames: 2, rows: 4, cols: 4, channels: 1, type: "uint8", meta: { format: "image" } });
 * cropVolume(volume, { x: 1, y: 1, width: 2, height: 3 }).rows; // 3
 * ```
 */
export function cropVolume(volume: Volume, box: Box): Volume {
  assertInside(volume, box);
  const out = createVolume({
    frames: volume.frames,
    rows: box.height,
    cols: box.width,
    channels: volume.channels,
    type: pixelType(volume.data),
    meta: { ...volume.meta },
  });
  forEachKeptRow(volume, box, (target, start, end) => out.data.set(volume.data.subarray(start, end), target));
  return out;
}

/**
 * Call `copy(target, start, end)` for each row of `box` on each frame, in order: `start`/`end` are the
 * row's samples in `volume`, `target` where it goes in a frames × box volume (never after `start`).
 */
function forEachKeptRow(
  volume: Shape,
  box: Box,
  copy: (target: number, start: number, end: number) => void,
): void {
  const channels = volume.channels;
  const sourceRow = volume.cols * channels;
  const targetRow = box.width * channels;
  for (let frame = 0; frame < volume.frames; frame++) {
    const sourceFrame = frame * volume.rows * sourceRow;
    const targetFrame = frame * box.height * targetRow;
    for (let row = 0; row < box.height; row++) {
      const start = sourceFrame + (box.y + row) * sourceRow + box.x * channels;
      copy(targetFrame + row * targetRow, start, start + targetRow);
    }
  }
}

/** A region of interest ready to apply to many frames: its crop box and the outside runs of its mask, cropped. */
export interface PreparedRegion {
  box: Box | null;
  outsideRuns: Uint32Array | null;
}

/**
 * Work out once per file what {@link keepRegion} applies to every frame or chunk.
 *
 * @example
 * ```ts
 * const region = prepareRegion(roi.mask, roi.cropBox);
 * ```
 */
export function prepareRegion(mask: Mask | null, box: Box | null): PreparedRegion {
  if (!mask) return { box, outsideRuns: null };
  return { box, outsideRuns: outsideRuns(box ? cropMask(mask, box) : mask) };
}

/**
 * Keep only the region of interest: crop to its box (in place, reusing the volume's buffer) and set
 * every sample outside its mask to `fill`. Cropping first means only the kept pixels are visited.
 * The input volume must not be used afterwards.
 *
 * @example
 * ```ts
 * const volume = createVolume({ frames: 1, rows: 2, cols: 3, channels: 1, type: "uint8", meta: { format: "image" } });
 * volume.data.set([1, 2, 3, 4, 5, 6]);
 * const mask = { rows: 2, cols: 3, data: new Uint8Array([0, 1, 1, 0, 0, 1]) };
 * keepRegion(volume, prepareRegion(mask, { x: 1, y: 0, width: 2, height: 2 }), 0).data; // [2, 3, 0, 6]
 * ```
 */
export function keepRegion(volume: Volume, region: PreparedRegion, fill: number): Volume {
  const kept = region.box ? cropInPlace(volume, region.box) : volume;
  if (region.outsideRuns) fillRuns(kept, region.outsideRuns, fill);
  return kept;
}

/** Crop by moving each kept row forward in the same buffer; a row never lands after where it came from. */
function cropInPlace(volume: Volume, box: Box): Volume {
  assertInside(volume, box);
  forEachKeptRow(volume, box, (target, start, end) => volume.data.copyWithin(target, start, end));
  return {
    ...volume,
    rows: box.height,
    cols: box.width,
    data: volume.data.subarray(0, volume.frames * box.height * box.width * volume.channels) as Volume["data"],
  };
}

function cropMask(mask: Mask, box: Box): Mask {
  const plane: Shape = { frames: 1, rows: mask.rows, cols: mask.cols, channels: 1 };
  assertInside(plane, box);
  const data = new Uint8Array(box.width * box.height);
  forEachKeptRow(plane, box, (target, start, end) => data.set(mask.data.subarray(start, end), target));
  return { rows: box.height, cols: box.width, data };
}

function assertInside(volume: Shape, box: Box): void {
  if (
    box.x < 0 || box.y < 0 || box.width < 1 || box.height < 1 || box.x + box.width > volume.cols ||
    box.y + box.height > volume.rows
  ) {
    throw new RangeError(`crop box ${JSON.stringify(box)} is outside ${volume.cols}x${volume.rows}`);
  }
}

/**
 * The smallest raw sample value of the volume's type range that displays as black.
 *
 * @example
 * ```ts
 * blackLevel(createVolume({ frames: 1, rows: 1, cols: 1, channels: 1, type: "int16", meta: { format: "dicom" } })); // -32768 or data min
 * ```
 */
export function blackLevel(volume: Volume): number {
  if (volume.data instanceof Uint8Array || volume.data instanceof Uint16Array) {
    return volume.meta.photometric === "MONOCHROME1" ? maxOf(volume.data) : 0;
  }
  return volume.meta.photometric === "MONOCHROME1" ? maxOf(volume.data) : minOf(volume.data);
}

function minOf(data: ArrayLike<number>): number {
  let min = Infinity;
  for (let i = 0; i < data.length; i++) if (data[i] < min) min = data[i];
  return Number.isFinite(min) ? min : 0;
}

function maxOf(data: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
  return Number.isFinite(max) ? max : 0;
}
