/**
 * High-Throughput JPEG 2000 (1.2.840.10008.1.2.4.201, .202 RPCL, .203 lossy) through OpenJPH
 * (cornerstone WASM build).
 * @module
 */

import openjphFactory from "@cornerstonejs/codec-openjph/wasmjs";
import type { PixelDescription } from "../image_info.ts";
import { checkDecodedSize, type DecodedFrame, decodeWithCornerstone } from "./decoded_frame.ts";
import { j2kOutputPhotometric } from "./jpeg2000.ts";
import { wasmModule, withWasmModule } from "./wasm_module.ts";

/**
 * Decode one HTJ2K frame.
 *
 * @example
 * ```ts
 * const frame = await decodeHtj2k(fragmentBytes, pixels);
 * ```
 */
export async function decodeHtj2k(encoded: Uint8Array, pixels: PixelDescription): Promise<DecodedFrame> {
  const { samples } = await withWasmModule(
    openjphFactory,
    (openjph) => decodeWithCornerstone(new openjph.HTJ2KDecoder(), encoded, () => null),
  );
  return checkDecodedSize(
    { samples, planar: 0, photometric: j2kOutputPhotometric(pixels.photometric) },
    pixels,
  );
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
