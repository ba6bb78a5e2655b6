/**
 * A single-channel floating-point image, the working type of the ROI statistics and filters.
 * @module
 */
import type { Box, Mask } from "../volume.ts";

/** One channel of floating-point samples, row-major. */
export interface Plane {
  rows: number;
  cols: number;
  data: Float32Array;
}

/**
 * A zeroed mask of the given size.
 *
 * @example
 * ```ts
 * createMask(2, 3).data.length; // 6
 * ```
 */
export function createMask(rows: number, cols: number): Mask {
  return { rows, cols, data: new Uint8Array(rows * cols) };
}

/**
 * The mask of samples strictly above `threshold`.
 *
 * @example
 * ```ts
 * thresholdPlane({ rows: 1, cols: 3, data: new Float32Array([0, 1, 2]) }, 0.5).data; // [0, 1, 1]
 * ```
 */
export function thresholdPlane(plane: Plane, threshold: number): Mask {
  const mask = createMask(plane.rows, plane.cols);
  const source = plane.data;
  const target = mask.data;
  for (let i = 0; i < source.length; i++) target[i] = source[i] > threshold ? 1 : 0;
  return mask;
}

/**
 * Number of pixels set in a mask.
 *
 * @example
 * ```ts
 * maskArea({ rows: 1, cols: 3, data: new Uint8Array([1, 0, 1]) }); // 2
 * ```
 */
export function maskArea(mask: Mask): number {
  let area = 0;
  const data = mask.data;
  const packed = words(data);
  let start = 0;
  if (packed) {
    // Bytes summed in two 16-bit lanes per word, folded before a lane can overflow (255·2·128 < 2¹⁶).
    for (let k = 0; k < packed.length; k += 128) {
      let lanes = 0;
      for (let j = k, end = Math.min(packed.length, k + 128); j < end; j++) {
        const word = packed[j];
        lanes += (word & 0x00ff00ff) + ((word >>> 8) & 0x00ff00ff);
      }
      area += (lanes & 0xffff) + (lanes >>> 16);
    }
    start = packed.length * 4;
  }
  for (let i = start; i < data.length; i++) area += data[i];
  return area;
}

/**
 * Tight bounding box of the set pixels, or null when the mask is empty.
 *
 * @example
 * ```ts
 * maskBoundingBox({ rows: 2, cols: 3, data: new Uint8Array([0, 1, 0, 0, 1, 1]) }); // { x: 1, y: 0, width: 2, height: 2 }
 * ```
 */
export function maskBoundingBox(mask: Mask): Box | null {
  const { rows, cols, data } = mask;
  const packed = words(data);
  let minX = cols, minY = rows, maxX = -1, maxY = -1;
  for (let y = 0; y < rows; y++) {
    const offset = y * cols;
    // Only each row's outer zero runs are walked: a region's rows are mostly set in the middle.
    let left = 0;
    if (packed) {
      // Whole zero words at once (empty rows are most of a frame around a region).
      while (left < cols && ((offset + left) & 3) !== 0 && data[offset + left] === 0) left++;
      while (left + 4 <= cols && packed[(offset + left) >> 2] === 0) left += 4;
    }
    while (left < cols && data[offset + left] === 0) left++;
    if (left === cols) continue;
    let right = cols - 1;
    while (data[offset + right] === 0) right--;
    if (left < minX) minX = left;
    if (right > maxX) maxX = right;
    if (y < minY) minY = y;
    maxY = y;
  }
  if (maxX < 0) return null;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/**
 * The mask of a box (clipped to the frame).
 *
 * @example
 * ```ts
 * boxMask(2, 2, { x: 1, y: 0, width: 5, height: 1 }).data; // [0, 1, 0, 0]
 * ```
 */
export function boxMask(rows: number, cols: number, box: Box): Mask {
  const mask = createMask(rows, cols);
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(cols, Math.floor(box.x + box.width));
  const y1 = Math.min(rows, Math.floor(box.y + box.height));
  for (let y = y0; y < y1; y++) mask.data.fill(1, y * cols + x0, y * cols + x1);
  return mask;
}

/**
 * Pixel-wise AND of two masks of the same size.
 *
 * @example
 * ```ts
 * const a = { rows: 1, cols: 2, data: new Uint8Array([1, 1]) };
 * maskAnd(a, { rows: 1, cols: 2, data: new Uint8Array([0, 1]) }).data; // [0, 1]
 * ```
 */
export function maskAnd(a: Mask, b: Mask): Mask {
  const out = createMask(a.rows, a.cols);
  const [wordsA, wordsB, wordsOut] = [words(a.data), words(b.data), words(out.data)];
  let start = 0;
  if (wordsA && wordsB && wordsOut) {
    for (let i = 0; i < wordsOut.length; i++) wordsOut[i] = wordsA[i] & wordsB[i];
    start = wordsOut.length * 4;
  }
  for (let i = start; i < out.data.length; i++) out.data[i] = a.data[i] & b.data[i];
  return out;
}

/**
 * Pixel-wise AND of two masks of the same size, into the first.
 *
 * @example
 * ```ts
 * const a = { rows: 1, cols: 2, data: new Uint8Array([1, 1]) };
 * maskAndInto(a, { rows: 1, cols: 2, data: new Uint8Array([0, 1]) }).data; // [0, 1]
 * ```
 */
export function maskAndInto(target: Mask, other: Mask): Mask {
  const [wordsTarget, wordsOther] = [words(target.data), words(other.data)];
  let start = 0;
  if (wordsTarget && wordsOther) {
    for (let i = 0; i < wordsTarget.length; i++) wordsTarget[i] &= wordsOther[i];
    start = wordsTarget.length * 4;
  }
  for (let i = start; i < target.data.length; i++) target.data[i] &= other.data[i];
  return target;
}

/**
 * Pixel-wise OR of two masks of the same size.
 *
 * @example
 * ```ts
 * const a = { rows: 1, cols: 2, data: new Uint8Array([1, 0]) };
 * maskOr(a, { rows: 1, cols: 2, data: new Uint8Array([0, 1]) }).data; // [1, 1]
 * ```
 */
export function maskOr(a: Mask, b: Mask): Mask {
  const out = createMask(a.rows, a.cols);
  const [wordsA, wordsB, wordsOut] = [words(a.data), words(b.data), words(out.data)];
  let start = 0;
  if (wordsA && wordsB && wordsOut) {
    for (let i = 0; i < wordsOut.length; i++) wordsOut[i] = wordsA[i] | wordsB[i];
    start = wordsOut.length * 4;
  }
  for (let i = start; i < out.data.length; i++) out.data[i] = a.data[i] | b.data[i];
  return out;
}

/** The whole 4-byte words of `bytes` when it starts on a word boundary (fresh masks do), else null. */
function words(bytes: Uint8Array): Uint32Array | null {
  return bytes.byteOffset % 4 === 0
    ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2)
    : null;
}

/**
 * Dice of the pixels equal to 1 in two masks of the same size, counted inside `box` only: the same
 * as diceScore when every such pixel of both masks lies in the box, without walking the whole frame.
 * Two masks without any such pixel score 1.
 *
 * @example
 * ```ts
 * const a = { rows: 2, cols: 2, data: new Uint8Array([1, 1, 0, 0]) };
 * const b = { rows: 2, cols: 2, data: new Uint8Array([0, 1, 0, 0]) };
 * maskDice(a, b, { x: 0, y: 0, width: 2, height: 1 }); // 2/3
 * ```
 */
export function maskDice(a: Mask, b: Mask, box: Box): number {
  const { cols } = a;
  const dataA = a.data, dataB = b.data;
  let both = 0, inA = 0, inB = 0;
  // Four pixels at a time where both masks hold only 0 and 1 there: a word's bytes sum by one multiply.
  const [wordsA, wordsB] = [words(dataA), words(dataB)];
  const packed = wordsA !== null && wordsB !== null;
  for (let y = box.y; y < box.y + box.height; y++) {
    const end = y * cols + box.x + box.width;
    let i = y * cols + box.x;
    while (i < end) {
      if (packed && (i & 3) === 0 && i + 4 <= end) {
        const a = wordsA[i >> 2], b = wordsB[i >> 2];
        if (((a | b) & 0xfefefefe) === 0) {
          inA += Math.imul(a, 0x01010101) >>> 24;
          inB += Math.imul(b, 0x01010101) >>> 24;
          both += Math.imul(a & b, 0x01010101) >>> 24;
          i += 4;
          continue;
        }
      }
      const p = dataA[i] === 1 ? 1 : 0, t = dataB[i] === 1 ? 1 : 0;
      inA += p;
      inB += t;
      both += p & t;
      i++;
    }
  }
  return inA + inB === 0 ? 1 : (2 * both) / (inA + inB);
}

/**
 * The smallest box holding both boxes.
 *
 * @example
 * ```ts
 * unionBox({ x: 0, y: 0, width: 2, height: 2 }, { x: 3, y: 1, width: 1, height: 4 }); // { x: 0, y: 0, width: 4, height: 5 }
 * ```
 */
export function unionBox(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
  const right = Math.max(a.x + a.width, b.x + b.width), bottom = Math.max(a.y + a.height, b.y + b.height);
  return { x, y, width: right - x, height: bottom - y };
}

/** The first and last set column of each row that holds set pixels, with the row (`rowSpans`). */
export interface RowSpans {
  rows: number[];
  firsts: number[];
  lasts: number[];
}

/**
 * For each row of `box` (default: the whole mask) holding set pixels, its first and last set column,
 * found from both ends: a region's rows are mostly set in the middle, which is never read.
 *
 * @example
 * ```ts
 * const mask = { rows: 2, cols: 4, data: new Uint8Array([0, 1, 1, 0, 0, 0, 0, 0]) };
 * rowSpans(mask); // { rows: [0], firsts: [1], lasts: [2] }
 * ```
 */
export function rowSpans(
  mask: Mask,
  box: Box = { x: 0, y: 0, width: mask.cols, height: mask.rows },
): RowSpans {
  const { cols, data } = mask;
  const spans: RowSpans = { rows: [], firsts: [], lasts: [] };
  const boxEnd = box.x + box.width;
  for (let y = box.y; y < box.y + box.height; y++) {
    const offset = y * cols;
    let first = box.x;
    while (first < boxEnd && !data[offset + first]) first++;
    if (first === boxEnd) continue;
    let last = boxEnd - 1;
    while (!data[offset + last]) last--;
    spans.rows.push(y);
    spans.firsts.push(first);
    spans.lasts.push(last);
  }
  return spans;
}
