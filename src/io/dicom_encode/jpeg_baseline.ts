/**
 * JPEG baseline frames (transfer syntax 1.2.840.10008.1.2.4.50) at a stated quality, with sharp (libjpeg).
 * 8-bit only. Colour frames are written 4:4:4 (no chroma subsampling), stored as YBR_FULL.
 * @module
 */

import sharp from "sharp";
import type { FrameShape } from "./htj2k.ts";
import type { PixelArray } from "../../volume.ts";

/**
 * Encode one 8-bit frame as baseline JPEG.
 *
 * @example
 * ```ts
 * const jpeg = await encodeJpegBaseline(new Uint8Array(64 * 64 * 3), { rows: 64, cols: 64, channels: 3, bitsStored: 8, signed: false }, 95);
 * jpeg[0] === 0xff && jpeg[1] === 0xd8; // true
 * ```
 */
export async function encodeJpegBaseline(
  samples: PixelArray,
  shape: FrameShape,
  quality: number,
): Promise<Uint8Array> {
  if (!(samples instanceof Uint8Array)) throw new TypeError("JPEG baseline needs 8-bit samples");
  const buffer = await sharp(samples, {
    raw: { width: shape.cols, height: shape.rows, channels: shape.channels },
  })
    .jpeg({ quality, chromaSubsampling: "4:4:4", progressive: false, mozjpeg: false })
    .toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
