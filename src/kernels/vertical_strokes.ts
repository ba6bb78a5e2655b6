/**
 * The pixels of short bright vertical strokes in a brightness plane, on WebAssembly SIMD (16 pixels
 * per instruction): the per-pixel JS loops of the stroke search cost about 5 ms per 800x600 frame.
 * @module
 */
import { kernelInstance } from "./kernel_instance.ts";
import { WASM_BASE64 } from "./vertical_strokes_wasm.ts";

interface KernelExports {
  memory: WebAssembly.Memory;
  ridgeInto(src: number, dst: number, count: number, contrast: number): void;
  widenInto(src: number, dst: number, count: number): void;
  runDownInto(on: number, down: number, count: number, stride: number): void;
  runUpInto(on: number, up: number, count: number, stride: number): void;
  keepRunsInto(
    keep: number,
    down: number,
    up: number,
    dst: number,
    count: number,
    low: number,
    high: number,
  ): void;
}

const kernelsWith = kernelInstance<KernelExports>(WASM_BASE64);

/** Thresholds of {@link verticalStrokes}. */
export interface VerticalStrokeOptions {
  /** How much brighter than both sides (2 or 3 px away) a stroke pixel is: an integer 1..255. */
  contrast: number;
  /** Shortest and longest vertical run, in rows: integers, 0 ≤ minStroke, maxStroke ≤ 253. */
  minStroke: number;
  maxStroke: number;
}

/**
 * Pixels (1) brighter by `contrast` than both horizontal neighbours 2 or 3 px away (the brighter side
 * decides; never in the 3 columns at either edge) that lie on a vertical run of minStroke..maxStroke
 * rows of such pixels widened by a column either side (a stem may drift a column per row). Null when the kernel does not apply:
 * frames narrower than 16 columns (a row must span a whole vector) or thresholds outside the above.
 *
 * @example
 * ```ts
 * const strokes = verticalStrokes(bright, 600, 800, { contrast: 40, minStroke: 6, maxStroke: 24 });
 * ```
 */
export function verticalStrokes(
  bright: Uint8Array,
  rows: number,
  cols: number,
  { contrast, minStroke, maxStroke }: VerticalStrokeOptions,
): Uint8Array | null {
  const fits = cols >= 16 && Number.isInteger(contrast) && contrast >= 1 && contrast <= 255 &&
    Number.isInteger(minStroke) && Number.isInteger(maxStroke) && minStroke >= 0 && maxStroke <= 253;
  if (!fits) return null;
  const pixels = rows * cols;
  // Six regions (bright, ridge, wide, down, up, strokes), each between zero pads a row and a vector long.
  const pad = (cols + 31) & ~15;
  const length = (pixels + 15) & ~15;
  const region = (k: number) => pad + k * (length + pad);
  const [brightAt, ridgeAt, wideAt, downAt, upAt, strokesAt] = [0, 1, 2, 3, 4, 5].map(region);
  const wasm = kernelsWith(region(6));
  const memory = new Uint8Array(wasm.memory.buffer);
  for (let k = 0; k <= 6; k++) memory.fill(0, k === 0 ? 0 : region(k - 1) + pixels, region(k));
  memory.set(bright.subarray(0, pixels), brightAt);
  wasm.ridgeInto(brightAt, ridgeAt, pixels, contrast);
  // The flat pass compares across row ends; no ridge lies within 3 columns of an edge.
  for (let row = ridgeAt; row < ridgeAt + pixels; row += cols) {
    memory.fill(0, row, row + 3);
    memory.fill(0, row + cols - 3, row + cols);
  }
  // With the edges clear, widening by a column never reaches into the next row.
  wasm.widenInto(ridgeAt, wideAt, pixels);
  wasm.runDownInto(wideAt, downAt, pixels, cols);
  wasm.runUpInto(wideAt, upAt, pixels, cols);
  // Along a run of length n, down + up = n + 1 at every pixel.
  wasm.keepRunsInto(ridgeAt, downAt, upAt, strokesAt, pixels, minStroke + 1, maxStroke + 1);
  return memory.slice(strokesAt, strokesAt + pixels);
}
