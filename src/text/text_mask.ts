/**
 * Blanking text boxes: the binary text mask, and filling it on every frame and channel of a Volume.
 * @module
 */
import { type Box, frameLength, type Mask, type PixelArray, type Volume } from "../volume.ts";

/** How blanked pixels are filled. */
export type TextFill = "zero" | "background";

/** Options of {@link maskText}. */
export interface MaskTextOptions {
  /** Pixels added on every side of each box. Default 2. */
  pad?: number;
  /** `zero` (default) or `background`: the median colour of the ring just outside each box, per frame. */
  fill?: TextFill;
  /** Blank `volume` itself instead of a copy: for callers that own the pixels (a copy of a loop is tens of MB). */
  inPlace?: boolean;
}

/**
 * A box grown by `pad` on every side and clipped to rows×cols (null when nothing is left).
 *
 * @example
 * ```ts
 * padBox({ x: 0, y: 5, width: 4, height: 4 }, 2, 10, 10); // { x: 0, y: 3, width: 6, height: 8 }
 * ```
 */
export function padBox(box: Box, pad: number, rows: number, cols: number): Box | null {
  const x0 = Math.max(0, Math.floor(box.x - pad));
  const y0 = Math.max(0, Math.floor(box.y - pad));
  const x1 = Math.min(cols, Math.ceil(box.x + box.width + pad));
  const y1 = Math.min(rows, Math.ceil(box.y + box.height + pad));
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Binary mask (1 = blanked) of the padded boxes at frame size.
 *
 * @example
 * ```ts
 * const mask = textMask(4, 4, [{ x: 1, y: 1, width: 1, height: 1 }], 1);
 * mask.data.reduce((a, b) => a + b, 0); // 9
 * ```
 */
export function textMask(rows: number, cols: number, boxes: Box[], pad = 2): Mask {
  const data = new Uint8Array(rows * cols);
  for (const box of boxes) {
    const padded = padBox(box, pad, rows, cols);
    if (!padded) continue;
    for (let y = padded.y; y < padded.y + padded.height; y++) {
      data.fill(1, y * cols + padded.x, y * cols + padded.x + padded.width);
    }
  }
  return { rows, cols, data };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}

/** Per-channel median of the one-pixel ring around `box` that lies outside the mask. */
function ringColour(
  frame: PixelArray,
  rows: number,
  cols: number,
  channels: number,
  box: Box,
  mask: Mask,
): number[] {
  const samples: number[][] = Array.from({ length: channels }, () => []);
  const take = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= cols || y >= rows || mask.data[y * cols + x]) return;
    const base = (y * cols + x) * channels;
    for (let c = 0; c < channels; c++) samples[c].push(frame[base + c]);
  };
  for (let x = box.x - 1; x <= box.x + box.width; x++) {
    take(x, box.y - 1);
    take(x, box.y + box.height);
  }
  for (let y = box.y; y < box.y + box.height; y++) {
    take(box.x - 1, y);
    take(box.x + box.width, y);
  }
  return samples.map(median);
}

/**
 * A copy of `volume` (or `volume` itself with `inPlace`) with every padded box blanked on every frame
 * and channel (text may be on frames that were not scanned, so the mask is never limited to the frames
 * a box was seen on).
 *
 * @example
 * ```ts
 * const clean = maskText(volume, [{ x: 10, y: 4, width: 80, height: 14 }], { pad: 2, fill: "background" });
 * ```
 */
export function maskText(volume: Volume, boxes: Box[], options: MaskTextOptions = {}): Volume {
  const pad = options.pad ?? 2;
  const { rows, cols, channels } = volume;
  const data = options.inPlace ? volume.data : volume.data.slice();
  const out: Volume = options.inPlace ? volume : { ...volume, data };
  const padded = boxes.map((box) => padBox(box, pad, rows, cols)).filter((box): box is Box => box !== null);
  if (padded.length === 0) return out;
  const mask = textMask(rows, cols, padded, 0);
  const size = frameLength(volume);
  for (let f = 0; f < volume.frames; f++) {
    const frame = data.subarray(f * size, (f + 1) * size);
    // Colours are taken before any filling so that neighbouring boxes do not bleed into each other.
    const colours = options.fill === "background"
      ? padded.map((box) => ringColour(frame, rows, cols, channels, box, mask))
      : padded.map(() => new Array(channels).fill(0));
    padded.forEach((box, i) => {
      const colour = colours[i];
      if (channels === 1) {
        for (let y = box.y; y < box.y + box.height; y++) {
          const rowBase = y * cols + box.x;
          frame.fill(colour[0], rowBase, rowBase + box.width);
        }
        return;
      }
      // One filled row, copied down the box: a typed-array copy per row, not a store per sample.
      const row = frame.slice(0, box.width * channels);
      for (let x = 0; x < row.length; x += channels) {
        for (let c = 0; c < channels; c++) row[x + c] = colour[c];
      }
      for (let y = box.y; y < box.y + box.height; y++) frame.set(row, (y * cols + box.x) * channels);
    });
  }
  return out;
}
