/**
 * Per-pixel statistics over the frames of an 8-bit loop: the anatomy moves, overlays do not.
 * @module
 */
import type { Mask, Volume } from "../volume.ts";
import type { Plane } from "./plane.ts";
import { evenlySpacedFrames } from "../evenly_spaced.ts";
import { brightestExtremes } from "../kernels/byte_extremes.ts";

/** Max and min projections over frames (intensity = max over channels). */
export interface TemporalExtremes {
  /** Number of frames sampled. */
  frames: number;
  max: Plane;
  min: Plane;
  /** Per-pixel intensity sums over the sampled frames, when asked for (see temporalMeanSampler). */
  sums?: FrameSums;
}

/** Per-pixel sums of the intensity over `frames` (frame indices). */
export interface FrameSums {
  frames: readonly number[];
  data: Uint16Array;
}

/** Max, min, mean and standard deviation projections over frames. */
export interface TemporalStats extends TemporalExtremes {
  mean: Plane;
  std: Plane;
}

/**
 * Max and min projections only (one cheap pass): what the sector evidence needs.
 *
 * @example
 * ```ts
 * import { createVolume } from "../volume.ts";
 * const volume = createVolume({ frames: 2, rows: 1, cols: 2, channels: 3, type: "uint8", meta: { format: "image" } });
 * volume.data.set([0, 9, 0, 5, 5, 5, 1, 1, 1, 5, 5, 5]);
 * temporalExtremes(volume).max.data; // Float32Array [9, 5]
 * temporalExtremes(volume, 16, true).sums?.data; // Uint16Array [10, 10]
 * ```
 */
export function temporalExtremes(volume: Volume, maxFrames = 16, withSums = false): TemporalExtremes {
  if (!(volume.data instanceof Uint8Array)) throw new TypeError("temporalExtremes needs an 8-bit volume");
  const { rows, cols, channels } = volume;
  const frameIndices = evenlySpacedFrames(volume.frames, maxFrames);
  const { low, high, sums } = brightestExtremes(volume.data, rows * cols, channels, frameIndices, withSums);
  const extremes: TemporalExtremes = {
    frames: frameIndices.length,
    max: { rows, cols, data: Float32Array.from(high) },
    min: { rows, cols, data: Float32Array.from(low) },
  };
  if (sums) extremes.sums = { frames: frameIndices, data: sums };
  return extremes;
}

/**
 * Projections over (at most `maxFrames`, evenly spaced: enough for the max and spread) frames of an
 * 8-bit volume.
 * Colour pixels count by their brightest channel so Doppler and tinted images keep their evidence.
 *
 * @example
 * ```ts
 * import { createVolume } from "../volume.ts";
 * const volume = createVolume({ frames: 2, rows: 1, cols: 2, channels: 1, type: "uint8", meta: { format: "image" } });
 * volume.data.set([0, 10, 4, 10]);
 * temporalStats(volume).std.data; // Float32Array [2, 0]
 * ```
 */
export function temporalStats(volume: Volume, maxFrames = 24): TemporalStats {
  if (!(volume.data instanceof Uint8Array)) throw new TypeError("temporalStats needs an 8-bit volume");
  const { rows, cols, channels } = volume;
  const pixels = rows * cols;
  const frameIndices = evenlySpacedFrames(volume.frames, maxFrames);
  // Integer accumulators: exact and faster than float ones for 8-bit data.
  const max = new Uint8Array(pixels);
  const min = new Uint8Array(pixels).fill(255);
  const sum = new Uint32Array(pixels);
  const sumSquares = new Uint32Array(pixels);
  const data = volume.data;
  const intensity = new Uint8Array(pixels);
  for (const frame of frameIndices) {
    const base = frame * pixels * channels;
    if (channels === 3) {
      for (let p = 0, s = base; p < pixels; p++, s += 3) {
        const r = data[s], g = data[s + 1], b = data[s + 2];
        const rg = r > g ? r : g;
        intensity[p] = rg > b ? rg : b;
      }
    } else {
      intensity.set(data.subarray(base, base + pixels) as Uint8Array);
    }
    for (let p = 0; p < pixels; p++) {
      const value = intensity[p];
      if (value > max[p]) max[p] = value;
      if (value < min[p]) min[p] = value;
      sum[p] += value;
      sumSquares[p] += value * value;
    }
  }
  const count = frameIndices.length;
  const mean = new Float32Array(pixels);
  const std = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const average = sum[p] / count;
    mean[p] = average;
    const variance = sumSquares[p] / count - average * average;
    std[p] = variance > 0 ? Math.sqrt(variance) : 0;
  }
  return {
    frames: count,
    max: { rows, cols, data: Float32Array.from(max) },
    min: { rows, cols, data: Float32Array.from(min) },
    mean: { rows, cols, data: mean },
    std: { rows, cols, data: std },
  };
}

/**
 * Pixels whose value changed by more than `tolerance` across the sampled frames.
 *
 * @example
 * ```ts
 * import { createVolume } from "../volume.ts";
 * const volume = createVolume({ frames: 2, rows: 1, cols: 2, channels: 1, type: "uint8", meta: { format: "image" } });
 * volume.data.set([0, 10, 4, 10]);
 * anyChange(temporalStats(volume), 1).data; // Uint8Array [1, 0]
 * ```
 */
export function anyChange(stats: TemporalExtremes, tolerance: number): Mask {
  const { rows, cols } = stats.max;
  const data = new Uint8Array(rows * cols);
  const max = stats.max.data, min = stats.min.data;
  for (let i = 0; i < data.length; i++) data[i] = max[i] - min[i] > tolerance ? 1 : 0;
  return { rows, cols, data };
}

/**
 * Mean over (at most `maxFrames`, evenly spaced) frames of one pixel's intensity (brightest channel),
 * computed on demand and cached: edge refinement reads only a thin band of the image, so a full mean
 * projection would cost more than it uses.
 *
 * @example
 * ```ts
 * import { createVolume } from "../volume.ts";
 * const volume = createVolume({ frames: 2, rows: 1, cols: 2, channels: 1, type: "uint8", meta: { format: "image" } });
 * volume.data.set([0, 10, 4, 10]);
 * temporalMeanSampler(volume)(0); // 2
 * ```
 *
 * `sums` from temporalExtremes over the same frames replace the reads of the loop (the values are
 * the same: the first read of a pixel gives the exact mean, later ones the cached 32-bit value).
 */
export function temporalMeanSampler(
  volume: Volume,
  maxFrames = 16,
  sums?: FrameSums,
): (pixel: number) => number {
  if (!(volume.data instanceof Uint8Array)) throw new TypeError("temporalMeanSampler needs an 8-bit volume");
  const { rows, cols, channels } = volume;
  const pixels = rows * cols;
  const frames = evenlySpacedFrames(volume.frames, maxFrames);
  const offsets = frames.map((frame) => frame * pixels * channels);
  const data = volume.data;
  const cache = new Float32Array(pixels).fill(-1);
  const count = offsets.length;
  if (sums && sums.data.length === pixels && sameFrames(sums.frames, frames)) {
    const summed = sums.data;
    return (pixel: number) => {
      const cached = cache[pixel];
      if (cached >= 0) return cached;
      const mean = summed[pixel] / count;
      cache[pixel] = mean;
      return mean;
    };
  }
  return (pixel: number) => {
    const cached = cache[pixel];
    if (cached >= 0) return cached;
    let sum = 0;
    const at = pixel * channels;
    if (channels === 3) {
      for (let f = 0; f < count; f++) {
        const s = offsets[f] + at;
        const r = data[s], g = data[s + 1], b = data[s + 2];
        const rg = r > g ? r : g;
        sum += rg > b ? rg : b;
      }
    } else {
      for (let f = 0; f < count; f++) sum += data[offsets[f] + at];
    }
    const mean = sum / count;
    cache[pixel] = mean;
    return mean;
  };
}

function sameFrames(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((frame, k) => frame === b[k]);
}
