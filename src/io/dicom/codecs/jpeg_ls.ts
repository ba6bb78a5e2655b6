/**
 * JPEG-LS lossless (1.2.840.10008.1.2.4.80) and near-lossless (.81) through CharLS (cornerstone WASM build).
 * @module
 */

import charlsFactory from "@cornerstonejs/codec-charls/decodewasmjs";
import type { PixelDescription } from "../image_info.ts";
import { checkDecodedSize, type DecodedFrame, wordsFromBytes } from "./decoded_frame.ts";
import { wasmModule } from "./wasm_module.ts";

/**
 * Decode one JPEG-LS frame. Streams with interleave mode "none" come back as planes.
 *
 * @example
 * ```ts
 * const frame = await decodeJpegLs(fragmentBytes, pixels);
 * ```
 */
export async function decodeJpegLs(encoded: Uint8Array, pixels: PixelDescription): Promise<DecodedFrame> {
  const charls = await wasmModule(charlsFactory);
  const decoder = new charls.JpegLSDecoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const interleaveMode = decoder.getInterleaveMode();
    const bytes: Uint8Array = decoder.getDecodedBuffer();
    const samples = info.bitsPerSample > 8 ? wordsFromBytes(bytes) : bytes.slice();
    const planar = info.componentCount > 1 && interleaveMode === 0 ? 1 : 0;
    return checkDecodedSize({ samples, planar, photometric: pixels.photometric }, pixels);
  } finally {
    decoder.delete();
  }
}
