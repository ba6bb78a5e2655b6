/**
 * Edge padding before text detection: the DB net misses text that touches the image edge, so each
 * side gets a border in the frame's edge colour, but only as deep as the frame lacks a quiet margin
 * of its own there (padding costs model time: 832×640 instead of 800×608 for an 800×600 frame).
 * @module
 */
import type { Frame8 } from "../volume.ts";

/** A count of pixels for each side of a frame. */
export interface Sides {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * The same count on every side.
 *
 * @example
 * ```ts
 * uniformSides(16).left; // 16
 * ```
 */
export function uniformSides(count: number): Sides {
  return { top: count, bottom: count, left: count, right: count };
}

/** Largest spread of a channel along a line that still counts as uniform (JPEG noise on black). */
const QUIET_TOLERANCE = 8;

/** True when every channel varies by at most QUIET_TOLERANCE along `count` samples from `start` by `step`. */
function uniformLine(frame: Frame8, start: number, step: number, count: number): boolean {
  const { channels, data } = frame;
  for (let c = 0; c < channels; c++) {
    let low = 255;
    let high = 0;
    for (let k = 0, i = start + c; k < count; k++, i += step) {
      const value = data[i];
      if (value < low) low = value;
      if (value > high) high = value;
    }
    if (high - low > QUIET_TOLERANCE) return false;
  }
  return true;
}

/**
 * How many outer lines of each side, up to `limit`, are uniform: text cannot touch that side closer
 * than this.
 *
 * @example
 * ```ts
 * const frame = { rows: 4, cols: 4, channels: 1 as const, data: new Uint8Array(16) };
 * frame.data[5] = 255; // row 1, column 1
 * quietDepths(frame, 16); // { top: 1, bottom: 2, left: 1, right: 2 }
 * ```
 */
export function quietDepths(frame: Frame8, limit: number): Sides {
  const { rows, cols, channels } = frame;
  const rowStride = cols * channels;
  const depth = (lines: number, uniform: (line: number) => boolean): number => {
    let line = 0;
    while (line < Math.min(limit, lines) && uniform(line)) line++;
    return line;
  };
  return {
    top: depth(rows, (y) => uniformLine(frame, y * rowStride, channels, cols)),
    bottom: depth(rows, (y) => uniformLine(frame, (rows - 1 - y) * rowStride, channels, cols)),
    left: depth(cols, (x) => uniformLine(frame, x * channels, rowStride, rows)),
    right: depth(cols, (x) => uniformLine(frame, (cols - 1 - x) * channels, rowStride, rows)),
  };
}

/**
 * The padding that puts every side's content at least `border` pixels from the edge, counting the
 * quiet lines the frame already has there, with both padded sides rounded up to `multiple`. Pixels
 * that rounding adds go to the sides first, up to the whole border, so a frame that saves no model
 * pixels is padded exactly as if no side were quiet.
 *
 * @example
 * ```ts
 * const black = { rows: 40, cols: 40, channels: 1 as const, data: new Uint8Array(1600) };
 * edgePadding(black, 16); // { top: 0, bottom: 0, left: 0, right: 0 }
 * edgePadding(black, 16, 32); // { top: 16, bottom: 8, left: 16, right: 8 }: 64×64
 * ```
 */
export function edgePadding(frame: Frame8, border: number, multiple = 1): Sides {
  const quiet = quietDepths(frame, border);
  const axis = (length: number, quietBefore: number, quietAfter: number): [number, number] => {
    let before = border - quietBefore;
    const after = border - quietAfter;
    let slack = Math.ceil((length + before + after) / multiple) * multiple - length - before - after;
    const toBefore = Math.min(slack, border - before);
    before += toBefore;
    slack -= toBefore;
    return [before, after + slack];
  };
  const [top, bottom] = axis(frame.rows, quiet.top, quiet.bottom);
  const [left, right] = axis(frame.cols, quiet.left, quiet.right);
  return { top, bottom, left, right };
}

/** Per-channel median of the outermost pixel ring. */
function edgeColour(frame: Frame8): number[] {
  const { rows, cols, channels, data } = frame;
  const colour: number[] = [];
  for (let c = 0; c < channels; c++) {
    const histogram = new Uint32Array(256);
    let count = 0;
    for (let x = 0; x < cols; x++) {
      histogram[data[x * channels + c]]++;
      histogram[data[((rows - 1) * cols + x) * channels + c]]++;
      count += 2;
    }
    for (let y = 0; y < rows; y++) {
      histogram[data[y * cols * channels + c]]++;
      histogram[data[(y * cols + cols - 1) * channels + c]]++;
      count += 2;
    }
    let seen = 0;
    let value = 0;
    while (value < 255 && seen + histogram[value] <= count / 2) seen += histogram[value++];
    colour.push(value);
  }
  return colour;
}

/**
 * A copy of the frame with `pads` pixels of its edge colour on each side; the right and bottom
 * borders are widened so both sides become multiples of `multiple` (the DB net's 32 at scale 1,
 * which saves a resampling).
 *
 * @example
 * ```ts
 * const dot = { rows: 1, cols: 1, channels: 1 as const, data: new Uint8Array([7]) };
 * padFrame(dot, { top: 1, bottom: 1, left: 1, right: 1 }).data; // nine 7s
 * ```
 */
export function padFrame(frame: Frame8, pads: Sides, multiple = 1): Frame8 {
  const { rows, cols, channels } = frame;
  const paddedCols = Math.ceil((cols + pads.left + pads.right) / multiple) * multiple;
  const paddedRows = Math.ceil((rows + pads.top + pads.bottom) / multiple) * multiple;
  const data = new Uint8Array(paddedRows * paddedCols * channels);
  const colour = edgeColour(frame);
  if (colour.some((value) => value !== 0)) {
    for (let i = 0; i < data.length; i += channels) {
      for (let c = 0; c < channels; c++) data[i + c] = colour[c];
    }
  }
  for (let y = 0; y < rows; y++) {
    data.set(
      frame.data.subarray(y * cols * channels, (y + 1) * cols * channels),
      ((y + pads.top) * paddedCols + pads.left) * channels,
    );
  }
  return { rows: paddedRows, cols: paddedCols, channels, data };
}
