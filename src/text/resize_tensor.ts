/**
 * Bilinear resampling of an 8-bit frame region straight into a normalised NCHW float tensor in BGR
 * channel order, which is what the PaddleOCR models were trained on (OpenCV images are BGR).
 * @module
 */
import type { Box, Frame8 } from "../volume.ts";

/** Per-channel normalisation, applied as `(value / 255 - mean) / std`, in R, G, B order. */
export interface Normalisation {
  mean: [number, number, number];
  std: [number, number, number];
}

/** ImageNet statistics used by the DB detector. */
export const IMAGENET: Normalisation = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** Symmetric scaling to [-1, 1] used by the CTC recogniser. */
export const HALF: Normalisation = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/**
 * Resample `region` of `frame` to outRows×outCols and write it, normalised, into a new
 * 1×3×outRows×tensorCols tensor (or into `target`, reused by the caller); columns past outCols are 0
 * (PaddleOCR's right padding).
 * Grey frames are replicated to three channels. The same normalisation order is used for every
 * channel pair because Paddle applies the listed statistics to BGR planes in order.
 *
 * @example
 * ```ts
 * const frame = { rows: 2, cols: 2, channels: 1 as const, data: new Uint8Array([0, 255, 255, 0]) };
 * const tensor = resizeToTensor(frame, { x: 0, y: 0, width: 2, height: 2 }, 4, 4, HALF);
 * tensor.length; // 48
 * ```
 */
export function resizeToTensor(
  frame: Frame8,
  region: Box,
  outRows: number,
  outCols: number,
  normalisation: Normalisation,
  tensorCols = outCols,
  target?: Float32Array,
): Float32Array {
  const { cols, channels, data } = frame;
  const plane = outRows * tensorCols;
  if (target && target.length !== 3 * plane) {
    throw new RangeError(`resizeToTensor: target holds ${target.length} values, ${3 * plane} needed`);
  }
  // A reused target may hold the last frame in its right padding.
  if (target && tensorCols > outCols) target.fill(0);
  const tensor = target ?? new Float32Array(3 * plane);
  const scaleX = region.width / outCols;
  const scaleY = region.height / outRows;
  // Source sample positions per output column, shared by all rows (OpenCV INTER_LINEAR convention).
  const x0s = new Int32Array(outCols);
  const x1s = new Int32Array(outCols);
  const wxs = new Float32Array(outCols);
  for (let ox = 0; ox < outCols; ox++) {
    let sx = (ox + 0.5) * scaleX - 0.5;
    if (sx < 0) sx = 0;
    if (sx > region.width - 1) sx = region.width - 1;
    const ix = Math.floor(sx);
    // Sample offsets within a row (pixel × channels): the inner loop then only adds.
    x0s[ox] = (region.x + ix) * channels;
    x1s[ox] = (region.x + Math.min(ix + 1, region.width - 1)) * channels;
    wxs[ox] = sx - ix;
  }
  // BGR planes: plane 0 takes the blue sample and the first statistics pair.
  const gain = new Float32Array(3);
  const offset = new Float32Array(3);
  const sourceChannel = channels === 3 ? [2, 1, 0] : [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    gain[c] = 1 / (255 * normalisation.std[c]);
    offset[c] = -normalisation.mean[c] / normalisation.std[c];
  }
  if (region.width === outCols && region.height === outRows) {
    // Same size: a straight normalising copy, no interpolation, each source row read once.
    const [s0, s1, s2] = sourceChannel;
    const [g0, g1, g2] = gain;
    const [o0, o1, o2] = offset;
    for (let oy = 0; oy < outRows; oy++) {
      const rowStart = ((region.y + oy) * cols + region.x) * channels;
      const base = oy * tensorCols;
      for (let ox = 0, i = rowStart; ox < outCols; ox++, i += channels) {
        tensor[base + ox] = data[i + s0] * g0 + o0;
        tensor[plane + base + ox] = data[i + s1] * g1 + o1;
        tensor[2 * plane + base + ox] = data[i + s2] * g2 + o2;
      }
    }
    return tensor;
  }
  for (let oy = 0; oy < outRows; oy++) {
    let sy = (oy + 0.5) * scaleY - 0.5;
    if (sy < 0) sy = 0;
    if (sy > region.height - 1) sy = region.height - 1;
    const iy = Math.floor(sy);
    const wy = sy - iy;
    const outRow = oy * tensorCols;
    for (let c = 0; c < 3; c++) {
      const sc = sourceChannel[c];
      const row0 = (region.y + iy) * cols * channels + sc;
      const row1 = (region.y + Math.min(iy + 1, region.height - 1)) * cols * channels + sc;
      const g = gain[c];
      const o = offset[c];
      const base = c * plane + outRow;
      for (let ox = 0; ox < outCols; ox++) {
        const wx = wxs[ox];
        const a = data[row0 + x0s[ox]];
        const b = data[row0 + x1s[ox]];
        const d = data[row1 + x0s[ox]];
        const e = data[row1 + x1s[ox]];
        const top = a + (b - a) * wx;
        const bottom = d + (e - d) * wx;
        tensor[base + ox] = (top + (bottom - top) * wy) * g + o;
      }
    }
  }
  return tensor;
}
