/**
 * PSNR of an output against its source, restricted to a region (the kept sector minus blanked text).
 * @module
 */

import type { Mask, Volume } from "../src/volume.ts";
import type { Box } from "../src/volume.ts";

/**
 * PSNR in dB over `region` (source coordinates) of 8-bit volumes; `output` is the cropped result whose
 * pixel (0,0) is source pixel (crop.x, crop.y). Grey outputs are compared with the source's channel mean.
 * Returns Infinity for identical pixels and null when the region is empty or frame counts differ.
 *
 * @example
 * ```ts
 * psnrInRegion(source, output, { x: 0, y: 0, width: source.cols, height: source.rows }, region);
 * ```
 */
export function psnrInRegion(source: Volume, output: Volume, crop: Box, region: Mask): number | null {
  if (source.frames !== output.frames) return null;
  let sum = 0, count = 0;
  const sourceSize = source.rows * source.cols * source.channels;
  const outputSize = output.rows * output.cols * output.channels;
  for (let f = 0; f < source.frames; f++) {
    for (let oy = 0; oy < output.rows; oy++) {
      const sy = oy + crop.y;
      if (sy < 0 || sy >= source.rows) continue;
      for (let ox = 0; ox < output.cols; ox++) {
        const sx = ox + crop.x;
        if (sx < 0 || sx >= source.cols || !region.data[sy * source.cols + sx]) continue;
        const s = f * sourceSize + (sy * source.cols + sx) * source.channels;
        const o = f * outputSize + (oy * output.cols + ox) * output.channels;
        if (output.channels === source.channels) {
          for (let c = 0; c < source.channels; c++) {
            const d = source.data[s + c] - output.data[o + c];
            sum += d * d;
            count++;
          }
        } else {
          let mean = 0;
          for (let c = 0; c < source.channels; c++) mean += source.data[s + c];
          mean /= source.channels;
          let out = 0;
          for (let c = 0; c < output.channels; c++) out += output.data[o + c];
          const d = mean - out / output.channels;
          sum += d * d;
          count++;
        }
      }
    }
  }
  if (count === 0) return null;
  const mse = sum / count;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
