/**
 * JPEG Lossless, Process 14 (1.2.840.10008.1.2.4.57) and its first-order prediction form (.70),
 * 2-16 bit, through jpeg-lossless-decoder-js. The decoder does no colour transform.
 * @module
 */

import { Decoder } from "jpeg-lossless-decoder-js";
import type { PixelDescription } from "../image_info.ts";
import { checkDecodedSize, type DecodedFrame } from "./decoded_frame.ts";

/**
 * Decode one JPEG Lossless frame.
 *
 * @example
 * ```ts
 * const frame = decodeJpegLossless(fragmentBytes, pixels);
 * frame.samples instanceof Uint16Array; // true for 16-bit CT
 * ```
 */
export function decodeJpegLossless(encoded: Uint8Array, pixels: PixelDescription): DecodedFrame {
  const decoder = new Decoder();
  const bytesPerSample = pixels.bitsAllocated > 8 ? 2 : 1;
  // The decoder reads through a DataView over the whole buffer, so pass the view's window explicitly.
  const output = decoder.decode(
    encoded.buffer as ArrayBuffer,
    encoded.byteOffset,
    encoded.byteLength,
    bytesPerSample,
  ) as Uint8Array | Uint16Array;
  const samples = output instanceof Uint16Array
    ? output
    : new Uint8Array(output.buffer, output.byteOffset, output.length);
  return checkDecodedSize({ samples, planar: 0, photometric: pixels.photometric }, pixels);
}
