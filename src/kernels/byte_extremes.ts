/**
 * Per-pixel minimum and maximum over the frames of an 8-bit loop, on WebAssembly SIMD (16 samples per
 * instruction). The JS loops these replace cost about 1 ns per sample, several times a file.
 * @module
 */
import { kernelInstance } from "./kernel_instance.ts";
import { WASM_BASE64 } from "./byte_extremes_wasm.ts";

interface KernelExports {
  memory: WebAssembly.Memory;
  brightestOfRgb(source: number, target: number, pixels: number): void;
  chromaOfRgb(source: number, target: number, pixels: number, threshold: number): number;
  rangeAboveInto(low: number, high: number, target: number, count: number, tolerance: number): void;
  extremesInto(source: number, low: number, high: number, count: number): void;
  minimumInto(source: number, low: number, count: number): void;
  sumInto(source: number, sum: number, count: number): void;
}

const kernelsWith = kernelInstance<KernelExports>(WASM_BASE64);

/** Per-pixel extremes over frames, as {@link brightestExtremes} returns them. */
export interface ByteExtremes {
  low: Uint8Array;
  high: Uint8Array;
  /** Per-pixel sums over the frames, when asked for (and at most MAX_SUMMED_FRAMES frames). */
  sums?: Uint16Array;
}

/** Most frames whose 8-bit values a 16-bit sum holds: 257 · 255 = 65535. */
export const MAX_SUMMED_FRAMES = 257;

/**
 * Per-pixel minimum and maximum over `frames` of the brightest channel (1 or 3 interleaved channels):
 * a colour overlay counts by the channel it is drawn in.
 *
 * @example
 * ```ts
 * const loop = new Uint8Array([10, 0, 0, 5, 5, 5, 1, 2, 3, 9, 9, 9]); // 2 frames of 2 RGB pixels
 * brightestExtremes(loop, 2, 3, [0, 1]); // { low: [3, 5], high: [10, 9] }
 * brightestExtremes(loop, 2, 3, [0, 1], true).sums; // Uint16Array [13, 14]
 * ```
 */
export function brightestExtremes(
  data: Uint8Array,
  pixels: number,
  channels: number,
  frames: readonly number[],
  withSums = false,
): ByteExtremes {
  if (channels !== 1 && channels !== 3) throw new RangeError(`brightestExtremes: ${channels} channels`);
  const samples = pixels * channels;
  const summed = withSums && frames.length <= MAX_SUMMED_FRAMES;
  // Layout: [frame samples][brightest plane][low][high][sums, 2-byte aligned].
  const planeAt = samples, lowAt = planeAt + pixels, highAt = lowAt + pixels;
  const sumAt = (highAt + pixels + 1) & ~1;
  const wasm = kernelsWith(summed ? sumAt + 2 * pixels : highAt + pixels);
  const memory = new Uint8Array(wasm.memory.buffer);
  memory.fill(255, lowAt, lowAt + pixels);
  memory.fill(0, highAt, highAt + pixels);
  if (summed) memory.fill(0, sumAt, sumAt + 2 * pixels);
  for (const frame of frames) {
    memory.set(data.subarray(frame * samples, (frame + 1) * samples), 0);
    if (channels === 3) wasm.brightestOfRgb(0, planeAt, pixels);
    wasm.extremesInto(channels === 3 ? planeAt : 0, lowAt, highAt, pixels);
    if (summed) wasm.sumInto(channels === 3 ? planeAt : 0, sumAt, pixels);
  }
  const extremes: ByteExtremes = {
    low: memory.slice(lowAt, lowAt + pixels),
    high: memory.slice(highAt, highAt + pixels),
  };
  if (summed) extremes.sums = new Uint16Array(memory.buffer.slice(sumAt, sumAt + 2 * pixels));
  return extremes;
}

/**
 * Per-sample minimum over `frames` (each channel on its own) and `start` when given; 255 where
 * neither gives a value.
 *
 * @example
 * ```ts
 * const loop = new Uint8Array([10, 0, 3, 5, 2, 9]); // 2 frames of 3 samples
 * sampleMinimum(loop, 3, [0, 1]); // Uint8Array [5, 0, 3]
 * sampleMinimum(loop, 3, [0], new Uint8Array([4, 4, 4])); // Uint8Array [4, 0, 3]
 * ```
 */
export function sampleMinimum(
  data: Uint8Array,
  samples: number,
  frames: readonly number[],
  start?: Uint8Array,
): Uint8Array {
  const lowAt = samples;
  const wasm = kernelsWith(lowAt + samples);
  const memory = new Uint8Array(wasm.memory.buffer);
  if (start) memory.set(start.subarray(0, samples), lowAt);
  else memory.fill(255, lowAt, lowAt + samples);
  for (const frame of frames) {
    memory.set(data.subarray(frame * samples, (frame + 1) * samples), 0);
    wasm.minimumInto(0, lowAt, samples);
  }
  return memory.slice(lowAt, lowAt + samples);
}

/**
 * The brightest channel of each pixel of one interleaved RGB frame.
 *
 * @example
 * ```ts
 * brightestChannel(new Uint8Array([10, 0, 3, 5, 6, 2]), 2); // Uint8Array [10, 6]
 * ```
 */
export function brightestChannel(rgb: Uint8Array, pixels: number): Uint8Array {
  const wasm = kernelsWith(4 * pixels);
  const memory = new Uint8Array(wasm.memory.buffer);
  memory.set(rgb.subarray(0, 3 * pixels), 0);
  wasm.brightestOfRgb(0, 3 * pixels, pixels);
  return memory.slice(3 * pixels, 4 * pixels);
}

/**
 * The chroma (max − min of R, G, B) of each pixel of one interleaved RGB frame where it reaches
 * `threshold` (an integer 1..255), 0 elsewhere, and how many pixels reach it.
 *
 * @example
 * ```ts
 * chromaAbove(new Uint8Array([90, 90, 99, 255, 255, 0]), 2, 24); // { chroma: [0, 255], count: 1 }
 * ```
 */
export function chromaAbove(
  rgb: Uint8Array,
  pixels: number,
  threshold: number,
): { chroma: Uint8Array; count: number } {
  if (!(Number.isInteger(threshold) && threshold >= 1 && threshold <= 255)) {
    throw new RangeError(`chromaAbove: threshold ${threshold}`);
  }
  const wasm = kernelsWith(4 * pixels);
  const memory = new Uint8Array(wasm.memory.buffer);
  memory.set(rgb.subarray(0, 3 * pixels), 0);
  const count = wasm.chromaOfRgb(0, 3 * pixels, pixels, threshold);
  return { chroma: memory.slice(3 * pixels, 4 * pixels), count };
}

/**
 * 1 where `high` exceeds `low` by more than `tolerance`, else 0.
 *
 * @example
 * ```ts
 * rangeAbove(new Uint8Array([10, 10]), new Uint8Array([30, 40]), 24); // Uint8Array [0, 1]
 * ```
 */
export function rangeAbove(low: Uint8Array, high: Uint8Array, tolerance: number): Uint8Array {
  const count = low.length;
  // Differences are whole numbers: exceeding t is exceeding floor(t), which the kernel takes up to 254.
  const whole = Math.floor(tolerance);
  if (whole > 254) return new Uint8Array(count);
  if (!(whole >= 0)) {
    const out = new Uint8Array(count);
    for (let p = 0; p < count; p++) if (high[p] - low[p] > tolerance) out[p] = 1;
    return out;
  }
  const wasm = kernelsWith(3 * count);
  const memory = new Uint8Array(wasm.memory.buffer);
  memory.set(low, 0);
  memory.set(high.subarray(0, count), count);
  wasm.rangeAboveInto(0, count, 2 * count, count, whole);
  return memory.slice(2 * count, 3 * count);
}
