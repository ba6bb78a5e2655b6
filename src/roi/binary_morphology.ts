/**
 * Binary erosion, dilation, opening and closing by a disk, through the distance transform, so the
 * cost does not grow with the radius. Pixels outside the frame neither erode nor dilate the mask.
 * @module
 */
import type { Mask } from "../volume.ts";
import { diskMorphology, withinDistance } from "./distance_transform.ts";

/**
 * Erode by the disk {dx² + dy² ≤ radius²}: keep pixels whose disk lies inside the mask.
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 5, data: new Uint8Array([0, 1, 1, 1, 0]) };
 * binaryErosion(mask, 1).data; // [0, 0, 1, 0, 0]
 * ```
 */
export function binaryErosion(mask: Mask, radius: number): Mask {
  if (radius <= 0) return { rows: mask.rows, cols: mask.cols, data: mask.data.slice() };
  // A pixel survives when no background pixel lies within the radius.
  const data = withinDistance(mask, 0, radius);
  // Four pixels per word (a fresh array starts on a word boundary); then the tail.
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length >> 2);
  for (let k = 0; k < words.length; k++) words[k] ^= 0x01010101;
  for (let i = words.length * 4; i < data.length; i++) data[i] ^= 1;
  return { rows: mask.rows, cols: mask.cols, data };
}

/**
 * Dilate by the disk {dx² + dy² ≤ radius²}.
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 5, data: new Uint8Array([0, 0, 1, 0, 0]) };
 * binaryDilation(mask, 1).data; // [0, 1, 1, 1, 0]
 * ```
 */
export function binaryDilation(mask: Mask, radius: number): Mask {
  if (radius <= 0) return { rows: mask.rows, cols: mask.cols, data: mask.data.slice() };
  return { rows: mask.rows, cols: mask.cols, data: withinDistance(mask, 1, radius) };
}

/**
 * Erosion then dilation: removes parts thinner than the disk.
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 5, data: new Uint8Array([1, 0, 1, 1, 1]) };
 * binaryOpening(mask, 1).data; // [0, 0, 1, 1, 1]
 * ```
 */
export function binaryOpening(mask: Mask, radius: number): Mask {
  // On row runs throughout when the mask has few: no frame-sized mask between the two steps.
  const data = radius > 0 ? diskMorphology(mask, "open", radius) : null;
  if (data) return { rows: mask.rows, cols: mask.cols, data };
  return binaryDilation(binaryErosion(mask, radius), radius);
}

/**
 * Dilation then erosion: closes gaps narrower than the disk.
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 5, data: new Uint8Array([1, 1, 0, 1, 1]) };
 * binaryClosing(mask, 1).data; // [1, 1, 1, 1, 1]
 * ```
 */
export function binaryClosing(mask: Mask, radius: number): Mask {
  const data = radius > 0 ? diskMorphology(mask, "close", radius) : null;
  if (data) return { rows: mask.rows, cols: mask.cols, data };
  return binaryErosion(binaryDilation(mask, radius), radius);
}
