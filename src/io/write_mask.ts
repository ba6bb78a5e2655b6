/**
 * Masks as 8-bit PNGs at source size, 0 outside and 255 inside.
 * @module
 */
import sharp from "sharp";
import type { Mask } from "../volume.ts";

/**
 * Encode a 0/1 mask as a 0/255 greyscale PNG.
 *
 * @example
 * ```ts
 * const png = await encodeMaskPng({ rows: 2, cols: 2, data: new Uint8Array([1, 0, 0, 1]) });
 * ```
 */
export async function encodeMaskPng(mask: Mask): Promise<Uint8Array> {
  const pixels = new Uint8Array(mask.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = mask.data[i] ? 255 : 0;
  const buffer = await sharp(pixels, { raw: { width: mask.cols, height: mask.rows, channels: 1 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return new Uint8Array(buffer);
}

/**
 * Write a mask PNG to `path` (inside a staging folder, so no atomic rename is needed here).
 *
 * @example
 * ```ts
 * await writeMaskPng("/tmp/roi_mask.png", { rows: 1, cols: 1, data: new Uint8Array([1]) });
 * ```
 */
export async function writeMaskPng(path: string, mask: Mask): Promise<void> {
  await Deno.writeFile(path, await encodeMaskPng(mask));
}

/**
 * Read a 0/255 mask PNG back as a 0/1 Mask (any non-zero grey counts as inside).
 *
 * @example
 * ```ts
 * const mask = await readMaskPng("/tmp/roi_mask.png");
 * ```
 */
export async function readMaskPng(path: string): Promise<Mask> {
  const { data, info } = await sharp(await Deno.readFile(path)).greyscale().raw().toBuffer({
    resolveWithObject: true,
  });
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels] ? 1 : 0;
  return { rows: info.height, cols: info.width, data: out };
}
