/**
 * The row and column passes of `withinDistance` (src/roi/distance_transform.ts) on WebAssembly: the
 * column distances 16 columns at a time, the row sweeps without JS bounds checks. A sector fit runs
 * 6 to 24 of these over a whole frame per loop.
 * @module
 */
import { kernelInstance } from "./kernel_instance.ts";
import { WASM_BASE64 } from "./within_distance_wasm.ts";

interface KernelExports {
  memory: WebAssembly.Memory;
  withinDistance(
    mask: number,
    column: number,
    out: number,
    halfWidth: number,
    rows: number,
    cols: number,
    feature: number,
    reach: number,
  ): void;
}

/** Bytes before the mask: the half-width table, one i32 per column distance up to the largest reach. */
const TABLE_BYTES = 4 * 256;
/** Half width of the capped column distance: so negative that the sweeps' max and min ignore it. */
const OUT_OF_REACH = -(2 ** 30);

const kernelsWith = kernelInstance<KernelExports>(WASM_BASE64);

/**
 * True when the kernel handles a mask of `cols` columns at this reach: its column distances are bytes
 * and its chunks are 16 columns wide.
 *
 * @example
 * ```ts
 * kernelHandles(800, 18); // true
 * kernelHandles(8, 18); // false
 * ```
 */
export function kernelHandles(cols: number, reach: number): boolean {
  return cols >= 16 && reach >= 0 && reach + 1 <= 254;
}

/**
 * 1 where a pixel of `mask` equal to `featureValue` lies within the reach described by `halfWidth`
 * (for column distance g, how far along the row the reach extends: ⌊√(r² − g²)⌋), else 0.
 *
 * @example
 * ```ts
 * const mask = new Uint8Array(16 * 3); mask[16 + 8] = 1;
 * withinDistanceKernel(mask, 3, 16, 1, new Int32Array([1, 0]), 1)[16 + 9]; // 1
 * ```
 */
export function withinDistanceKernel(
  mask: Uint8Array,
  rows: number,
  cols: number,
  featureValue: number,
  halfWidth: Int32Array,
  reach: number,
): Uint8Array {
  if (!kernelHandles(cols, reach)) {
    throw new RangeError(`withinDistanceKernel: ${cols} columns, reach ${reach}`);
  }
  const count = rows * cols;
  const maskAt = TABLE_BYTES, columnAt = maskAt + count, outAt = columnAt + count;
  const wasm = kernelsWith(outAt + count);
  const table = new Int32Array(wasm.memory.buffer, 0, reach + 2);
  table.set(halfWidth.subarray(0, reach + 1));
  // Column distance reach + 1 means out of reach: a half width no sweep can use.
  table[reach + 1] = OUT_OF_REACH;
  new Uint8Array(wasm.memory.buffer).set(mask.subarray(0, count), maskAt);
  wasm.withinDistance(maskAt, columnAt, outAt, 0, rows, cols, featureValue, reach);
  return new Uint8Array(wasm.memory.buffer).slice(outAt, outAt + count);
}
