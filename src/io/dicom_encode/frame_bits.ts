/**
 * Sample layout facts an encoder needs: bytes of one frame, and how many bits the samples really use.
 * @module
 */

import type { PixelArray } from "../../volume.ts";

/**
 * The frame's samples as little-endian bytes (a view, no copy, on little-endian hosts).
 *
 * @example
 * ```ts
 * frameBytes(new Uint16Array([1, 256])); // Uint8Array [1, 0, 0, 1]
 * ```
 */
export function frameBytes(samples: PixelArray): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

/**
 * Bits needed to hold every sample (two's complement when signed), at least `declared` and at most
 * the container's size. A processed volume may exceed the source's Bits Stored (e.g. after filtering).
 *
 * @example
 * ```ts
 * bitsNeeded(new Uint16Array([0, 4095]), 12); // 12
 * bitsNeeded(new Uint16Array([0, 5000]), 12); // 13
 * bitsNeeded(new Int16Array([-1024, 3071]), 12); // 13
 * ```
 */
export function bitsNeeded(samples: PixelArray, declared = 1): number {
  const container = samples instanceof Uint8Array ? 8 : 16;
  let min = 0, max = 0;
  for (let i = 0; i < samples.length; i++) {
    const value = samples[i];
    if (value < min) min = value;
    if (value > max) max = value;
  }
  let bits = 1;
  if (samples instanceof Int16Array) {
    while (max > 2 ** (bits - 1) - 1 || min < -(2 ** (bits - 1))) bits++;
  } else {
    while (max > 2 ** bits - 1) bits++;
  }
  return Math.min(container, Math.max(bits, Math.min(declared, container)));
}
