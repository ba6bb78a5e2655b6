/**
 * JPEG-LS lossless (1.2.840.10008.1.2.4.80) and near-lossless (.81) through CharLS (cornerstone WASM build).
 * @module
 */

import charlsFactory from "@cornerstonejs/codec-charls/decodewasmjs";
import type { PixelDescription } from "../image_info.ts";
import { checkDecodedSize, type DecodedFrame, decodeWithCornerstone } from "./decoded_frame.ts";
import { withWasmModule } from "./wasm_module.ts";

/**
 * Decode one JPEG-LS frame. Streams with interleave mode "none" come back as planes.
 *
 * @example
 * ```ts
 * const frame = await decodeJpegLs(fragmentBytes, pixels);
 * ```
 */
export async function decodeJpegLs(encoded: Uint8Array, pixels: PixelDescription): Promise<DecodedFrame> {
  // CharLS can spin for tens of seconds on a stream cut inside its scan; a cut stream has no EOI marker.
  if (!endsWithEoi(encoded)) throw new Error("JPEG-LS code stream has no end-of-image marker (cut short)");
  const { samples, details: planar } = await withWasmModule(
    charlsFactory,
    (charls) =>
      decodeWithCornerstone(
        new charls.JpegLSDecoder(),
        encoded,
        (decoder, info) => (info.componentCount > 1 && decoder.getInterleaveMode() === 0 ? 1 : 0) as 0 | 1,
      ),
  );
  return checkDecodedSize({ samples, planar, photometric: pixels.photometric }, pixels);
}

/** True when FFD9 sits in the last few bytes: encoders pad odd lengths with 00 or FF after it. */
function endsWithEoi(encoded: Uint8Array): boolean {
  for (let i = encoded.length - 2; i >= Math.max(0, encoded.length - 6); i--) {
    if (encoded[i] === 0xff && encoded[i + 1] === 0xd9) return true;
  }
  return false;
}
