/**
 * High-Throughput JPEG 2000 (1.2.840.10008.1.2.4.201, .202 RPCL, .203 lossy) through OpenJPH
 * (cornerstone WASM build).
 * @module
 */

import openjphFactory from "@cornerstonejs/codec-openjph/wasmjs";
import type { PixelDescription } from "../image_info.ts";
import type { DecodedFrame } from "./decoded_frame.ts";
import { decodeJ2kFamily } from "./jpeg2000.ts";
import { wasmModule } from "./wasm_module.ts";

/**
 * Decode one HTJ2K frame.
 *
 * @example
 * ```ts
 * const frame = await decodeHtj2k(fragmentBytes, pixels);
 * ```
 */
export function decodeHtj2k(encoded: Uint8Array, pixels: PixelDescription): Promise<DecodedFrame> {
  return decodeJ2kFamily(openjphFactory, (openjph) => new openjph.HTJ2KDecoder(), encoded, pixels);
}

/**
 * Encode one frame as a lossless HTJ2K code stream (used by tests to exercise the decoder).
 *
 * @example
 * ```ts
 * const stream = await encodeHtj2kLossless(samples, { rows: 64, cols: 64, components: 1, bitsPerSample: 16, signed: false });
 * ```
 */
export async function encodeHtj2kLossless(
  samples: Uint8Array | Uint16Array | Int16Array,
  shape: { rows: number; cols: number; components: number; bitsPerSample: number; signed: boolean },
): Promise<Uint8Array> {
  const openjph = await wasmModule(openjphFactory);
  const encoder = new openjph.HTJ2KEncoder();
  try {
    const input: Uint8Array = encoder.getDecodedBuffer({
      width: shape.cols,
      height: shape.rows,
      bitsPerSample: shape.bitsPerSample,
      componentCount: shape.components,
      isSigned: shape.signed,
      isUsingColorTransform: false,
    });
    input.set(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
    encoder.setQuality(true, 0);
    encoder.encode();
    return encoder.getEncodedBuffer().slice();
  } finally {
    encoder.delete();
  }
}
