/**
 * JPEG 2000 lossless (1.2.840.10008.1.2.4.90) and lossy (.91) through OpenJPEG (cornerstone WASM build).
 * @module
 */

import openjpegFactory from "@cornerstonejs/codec-openjpeg/decodewasmjs";
import type { PixelDescription } from "../image_info.ts";
import {
  checkDecodedSize,
  type CornerstoneDecoder,
  type DecodedFrame,
  decodeWithCornerstone,
} from "./decoded_frame.ts";
import { type EmscriptenFactory, withWasmModule } from "./wasm_module.ts";

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
export function decodeJpeg2000(encoded: Uint8Array, pixels: PixelDescription): Promise<DecodedFrame> {
  return decodeJ2kFamily(openjpegFactory, (openjpeg) => new openjpeg.J2KDecoder(), encoded, pixels);
}

/**
 * Decode one frame of the JPEG 2000 family (Part 1 through OpenJPEG, HTJ2K through OpenJPH): both
 * decoders hand back interleaved samples with the multi-component transform undone.
 *
 * @example
 * ```ts
 * const frame = await decodeJ2kFamily(openjphFactory, (openjph) => new openjph.HTJ2KDecoder(), stream, pixels);
 * ```
 */
export async function decodeJ2kFamily(
  factory: EmscriptenFactory,
  // deno-lint-ignore no-explicit-any
  newDecoder: (module: any) => CornerstoneDecoder,
  encoded: Uint8Array,
  pixels: PixelDescription,
): Promise<DecodedFrame> {
  const { samples } = await withWasmModule(
    factory,
    (module) => decodeWithCornerstone(newDecoder(module), encoded, () => null),
  );
  return checkDecodedSize(
    { samples, planar: 0, photometric: j2kOutputPhotometric(pixels.photometric) },
    pixels,
  );
}
