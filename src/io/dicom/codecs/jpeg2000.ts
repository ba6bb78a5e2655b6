/**
 * JPEG 2000 lossless (1.2.840.10008.1.2.4.90) and lossy (.91) through OpenJPEG (cornerstone WASM build).
 * @module
 */

import openjpegFactory from "@cornerstonejs/codec-openjpeg/decodewasmjs";
import type { PixelDescription } from "../image_info.ts";
import { checkDecodedSize, type DecodedFrame, decodeWithCornerstone } from "./decoded_frame.ts";
import { withWasmModule } from "./wasm_module.ts";

/**
 * Photometric of OpenJPEG's output: it applies the inverse multi-component transform (RCT/ICT) itself,
 * so YBR_RCT and YBR_ICT come back as RGB.
 *
 * @example
 * ```ts
 * j2kOutputPhotometric("YBR_ICT"); // "RGB"
 * ```
 */
export function j2kOutputPhotometric(photometric: string): string {
  return photometric === "YBR_RCT" || photometric === "YBR_ICT" ? "RGB" : photometric;
}

/**
 * Decode one JPEG 2000 frame (J2K code stream or JP2 file).
 *
 * @example
 * ```ts
 * const frame = await decodeJpeg2000(fragmentBytes, pixels);
 * ```
 */
export async function decodeJpeg2000(encoded: Uint8Array, pixels: PixelDescription): Promise<DecodedFrame> {
  const { samples } = await withWasmModule(
    openjpegFactory,
    (openjpeg) => decodeWithCornerstone(new openjpeg.J2KDecoder(), encoded, () => null),
  );
  return checkDecodedSize(
    { samples, planar: 0, photometric: j2kOutputPhotometric(pixels.photometric) },
    pixels,
  );
}
