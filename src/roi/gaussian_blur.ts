/**
 * Gaussian blur with edge replication. Up to σ = 2 an exact separable kernel (at most 13 taps);
 * beyond, three running-sum box filters per axis (Wells 1986, widths after Kovesi 2010), so the cost
 * per pixel stays constant whatever σ.
 * @module
 */
import type { Plane } from "./plane.ts";

/** Largest σ blurred with the exact kernel; its 13 taps are cheaper than three box passes. */
const EXACT_SIGMA_LIMIT = 2;

/**
 * Blur a plane with a Gaussian of standard deviation `sigma`.
 *
 * @example
 * ```ts
 * const plane = { rows: 1, cols: 3, data: new Float32Array([0, 3, 0]) };
 * gaussianBlur(plane, 1).data[1] < 3; // true
 * ```
 */
export function gaussianBlur(plane: Plane, sigma: number): Plane {
  const { rows, cols } = plane;
  if (!(sigma > 0)) return { rows, cols, data: plane.data.slice() };
  if (sigma <= EXACT_SIGMA_LIMIT) return exactBlur(plane, sigma);
  let data = plane.data;
  for (const width of boxWidths(sigma)) {
    data = boxBlurColumns(boxBlurRows(data, rows, cols, width), rows, cols, width);
  }
  return { rows, cols, data };
}

/** Three odd box widths whose combined variance approximates σ² (Kovesi 2010). */
function boxWidths(sigma: number): number[] {
  const passes = 3;
  const ideal = Math.sqrt((12 * sigma * sigma) / passes + 1);
  let lower = Math.floor(ideal);
  if (lower % 2 === 0) lower--;
  const upper = lower + 2;
  const lowerCount = Math.round(
    (12 * sigma * sigma - passes * lower * lower - 4 * passes * lower - 3 * passes) / (-4 * lower - 4),
  );
  return Array.from({ length: passes }, (_, index) => (index < lowerCount ? lower : upper));
}

function boxBlurRows(source: Float32Array, rows: number, cols: number, width: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const radius = (width - 1) >> 1;
  for (let y = 0; y < rows; y++) {
    const offset = y * cols;
    const at = (x: number) => source[offset + (x < 0 ? 0 : x >= cols ? cols - 1 : x)];
    let sum = 0;
    for (let x = -radius; x <= radius; x++) sum += at(x);
    for (let x = 0; x < cols; x++) {
      out[offset + x] = sum / width;
      sum += at(x + radius + 1) - at(x - radius);
    }
  }
  return out;
}

function boxBlurColumns(source: Float32Array, rows: number, cols: number, width: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const radius = (width - 1) >> 1;
  const sums = new Float64Array(cols);
  const rowAt = (y: number) => (y < 0 ? 0 : y >= rows ? rows - 1 : y) * cols;
  for (let y = -radius; y <= radius; y++) {
    const offset = rowAt(y);
    for (let x = 0; x < cols; x++) sums[x] += source[offset + x];
  }
  for (let y = 0; y < rows; y++) {
    const offset = y * cols, entering = rowAt(y + radius + 1), leaving = rowAt(y - radius);
    for (let x = 0; x < cols; x++) {
      out[offset + x] = sums[x] / width;
      sums[x] += source[entering + x] - source[leaving + x];
    }
  }
  return out;
}

function exactBlur(plane: Plane, sigma: number): Plane {
  const { rows, cols } = plane;
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const weight = Math.exp(-(i * i) / (2 * sigma * sigma));
    kernel[i + radius] = weight;
    sum += weight;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;

  const source = plane.data;
  const temp = new Float32Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    const offset = y * cols;
    for (let x = 0; x < cols; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) {
        const xx = x + k < 0 ? 0 : x + k >= cols ? cols - 1 : x + k;
        acc += kernel[k + radius] * source[offset + xx];
      }
      temp[offset + x] = acc;
    }
  }
  const out = new Float32Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let k = -radius; k <= radius; k++) {
      const yy = y + k < 0 ? 0 : y + k >= rows ? rows - 1 : y + k;
      const weight = kernel[k + radius];
      const from = yy * cols;
      const to = y * cols;
      for (let x = 0; x < cols; x++) out[to + x] += weight * temp[from + x];
    }
  }
  return { rows, cols, data: out };
}
