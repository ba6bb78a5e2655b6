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
  const pixels = volume.rows * volume.cols;
  const channels = volume.channels;
  for (let frame = 0; frame < volume.frames; frame++) {
    const base = frame * pixels * channels;
    for (let pixel = 0; pixel < pixels; pixel++) {
      if (mask.data[pixel]) continue;
      const offset = base + pixel * channels;
      for (let channel = 0; channel < channels; channel++) volume.data[offset + channel] = fill;
    }
  }
  return volume;
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
  if (
    box.x < 0 || box.y < 0 || box.width < 1 || box.height < 1 || box.x + box.width > volume.cols ||
    box.y + box.height > volume.rows
  ) {
    throw new RangeError(`crop box ${JSON.stringify(box)} is outside ${volume.cols}x${volume.rows}`);
  }
  const out = createVolume({
    frames: volume.frames,
    rows: box.height,
    cols: box.width,
    channels: volume.channels,
    type: pixelType(volume.data),
    meta: { ...volume.meta },
  });
  const channels = volume.channels;
  const sourceRow = volume.cols * channels;
  const targetRow = box.width * channels;
  for (let frame = 0; frame < volume.frames; frame++) {
    const sourceFrame = frame * volume.rows * sourceRow;
    const targetFrame = frame * box.height * targetRow;
    for (let row = 0; row < box.height; row++) {
      const start = sourceFrame + (box.y + row) * sourceRow + box.x * channels;
      out.data.set(volume.data.subarray(start, start + targetRow), targetFrame + row * targetRow);
    }
  }
  return out;
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
