/**
 * Static-overlay map: pixels that stay the same across a loop while the anatomy moves. Burned-in
 * text is static, so static pixels with strong edges mark candidate text regions.
 * @module
 */
import { type Box, frameLength, type Mask, type Volume } from "../volume.ts";
import { labelComponents } from "./label_components.ts";

/** Options of {@link staticOverlay}. */
export interface StaticOverlayOptions {
  /** Frames to compare (default: up to 16 evenly spaced frames). */
  frames?: number[];
  /** Largest grey-level range still counted as static (lossy codecs jitter static pixels). Default 10. */
  tolerance?: number;
  /** Below this fraction of moving pixels the loop is treated as still, and no map is made. Default 0.01. */
  minMovingFraction?: number;
  /** Smallest grey-level step between neighbours that counts as a stroke edge. Default 40. */
  edgeContrast?: number;
}

/** The static-overlay map and the candidate regions found in it. */
export interface StaticOverlay {
  /** 1 where a pixel is static and lies on a strong edge (a text stroke candidate). */
  mask: Mask;
  /** Bounding boxes of grouped candidate pixels, in source coordinates. */
  regions: Box[];
  /** Fraction of pixels that changed across the compared frames. */
  movingFraction: number;
}

function grey(data: Uint8Array, pixel: number, channels: number): number {
  if (channels === 1) return data[pixel];
  const i = pixel * 3;
  return (data[i] + 2 * data[i + 1] + data[i + 2]) >> 2;
}

/**
 * Static, high-contrast pixels of an 8-bit loop and their regions (grouped by a dilation of about
 * one glyph). Returns an empty map for single frames or still loops: there "static" says nothing.
 *
 * @example
 * ```ts
 * const { regions, movingFraction } = staticOverlay(loop8);
 * ```
 */
export function staticOverlay(volume: Volume, options: StaticOverlayOptions = {}): StaticOverlay {
  const { rows, cols, channels } = volume;
  const pixels = rows * cols;
  const empty = (movingFraction: number): StaticOverlay => ({
    mask: { rows, cols, data: new Uint8Array(pixels) },
    regions: [],
    movingFraction,
  });
  if (!(volume.data instanceof Uint8Array) || volume.frames < 2) return empty(0);
  const data = volume.data;
  const frames = options.frames ?? Array.from(
    { length: Math.min(16, volume.frames) },
    (_, i) => Math.round((i * (volume.frames - 1)) / Math.max(1, Math.min(16, volume.frames) - 1)),
  );
  const size = frameLength(volume);
  const low = new Uint8Array(pixels).fill(255);
  const high = new Uint8Array(pixels);
  for (const f of frames) {
    const frame = data.subarray(f * size, (f + 1) * size);
    for (let p = 0; p < pixels; p++) {
      const g = grey(frame, p, channels);
      if (g < low[p]) low[p] = g;
      if (g > high[p]) high[p] = g;
    }
  }
  const tolerance = options.tolerance ?? 10;
  let moving = 0;
  for (let p = 0; p < pixels; p++) if (high[p] - low[p] > tolerance) moving++;
  const movingFraction = moving / pixels;
  if (movingFraction < (options.minMovingFraction ?? 0.01)) return empty(movingFraction);
  const contrast = options.edgeContrast ?? 40;
  const reference = data.subarray(frames[0] * size, (frames[0] + 1) * size);
  const mask = new Uint8Array(pixels);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const p = y * cols + x;
      if (high[p] - low[p] > tolerance) continue;
      const g = grey(reference, p, channels);
      const right = x + 1 < cols ? grey(reference, p + 1, channels) : g;
      const down = y + 1 < rows ? grey(reference, p + cols, channels) : g;
      if (Math.abs(g - right) >= contrast || Math.abs(g - down) >= contrast) mask[p] = 1;
    }
  }
  // Join strokes of one word: horizontal dilation by ~a glyph width, vertical by a couple of pixels.
  const grouped = dilate(mask, rows, cols, 6, 2);
  const { components } = labelComponents(grouped, rows, cols);
  const regions = components
    .filter((c) => c.area >= 12 && c.y1 - c.y0 + 1 >= 5 && c.y1 - c.y0 + 1 <= 120)
    .map((c) => ({ x: c.x0, y: c.y0, width: c.x1 - c.x0 + 1, height: c.y1 - c.y0 + 1 }));
  return { mask: { rows, cols, data: mask }, regions, movingFraction };
}

/** Rectangular binary dilation by radii (rx, ry), done as two separable running passes. */
function dilate(mask: Uint8Array, rows: number, cols: number, rx: number, ry: number): Uint8Array {
  const horizontal = new Uint8Array(mask.length);
  for (let y = 0; y < rows; y++) {
    // Two sweeps give each pixel its nearest set neighbour on either side.
    let last = -Infinity;
    for (let x = 0; x < cols; x++) {
      if (mask[y * cols + x]) last = x;
      if (x - last <= rx) horizontal[y * cols + x] = 1;
    }
    last = Infinity;
    for (let x = cols - 1; x >= 0; x--) {
      if (mask[y * cols + x]) last = x;
      if (last - x <= rx) horizontal[y * cols + x] = 1;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < cols; x++) {
    let last = -Infinity;
    for (let y = 0; y < rows; y++) {
      if (horizontal[y * cols + x]) last = y;
      if (y - last <= ry) out[y * cols + x] = 1;
    }
    last = Infinity;
    for (let y = rows - 1; y >= 0; y--) {
      if (horizontal[y * cols + x]) last = y;
      if (last - y <= ry) out[y * cols + x] = 1;
    }
  }
  return out;
}
