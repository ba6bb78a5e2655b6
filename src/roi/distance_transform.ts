/**
 * Exact squared Euclidean distance transform in linear time (Meijster, Roerdink & Hesselink 2000,
 * the integer form of Felzenszwalb & Huttenlocher's lower envelope of parabolas): one pass down
 * the columns, one envelope pass along the rows, whatever the distances. Thresholded at a radius,
 * as morphology needs, the row pass reduces to two running sweeps.
 * @module
 */
import type { Mask } from "../volume.ts";
import { kernelHandles, withinDistanceKernel } from "../kernels/within_distance.ts";
import { morphologyRuns, withinDistanceRuns } from "./within_distance_runs.ts";

/**
 * Squared distance from every pixel to the nearest pixel whose mask value equals `featureValue`.
 * Pixels outside the frame are never features. Without any feature every value is at least
 * (rows + cols)², larger than any distance inside the frame.
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 4, data: new Uint8Array([1, 0, 0, 0]) };
 * squaredDistanceTransform(mask, 1); // Int32Array [0, 1, 4, 9]
 * ```
 */
export function squaredDistanceTransform(mask: Mask, featureValue: 0 | 1): Int32Array {
  const out = new Int32Array(mask.rows * mask.cols);
  transform(mask, featureValue, out);
  return out;
}

/**
 * 1 where the nearest pixel of value `featureValue` lies within `radius` (Euclidean), else 0: what
 * binary morphology needs. A feature at column distance g reaches ⌊√(r² − g²)⌋ pixels either way
 * along a row, so two running sweeps per row replace the distance transform's envelope.
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 5, data: new Uint8Array([0, 0, 1, 0, 0]) };
 * withinDistance(mask, 1, 1); // Uint8Array [0, 1, 1, 1, 0]
 * ```
 */
export function withinDistance(mask: Mask, featureValue: 0 | 1, radius: number): Uint8Array {
  const { rows, cols } = mask;
  const out = new Uint8Array(rows * cols);
  const limit = Math.floor(radius * radius);
  if (limit < 0) return out;
  const reach = integerSqrt(limit);
  const halfWidth = new Int32Array(reach + 1);
  for (let g = 0; g <= reach; g++) halfWidth[g] = integerSqrt(limit - g * g);
  // Scan regions are a run or two per row: merging runs then costs far less than a pass per pixel.
  const runBudget = Math.floor((rows * cols) / (RUN_COST * (2 * reach + 1)));
  const byRuns = withinDistanceRuns(mask, featureValue, halfWidth, reach, runBudget);
  if (byRuns) return byRuns;
  if (kernelHandles(cols, reach)) {
    return withinDistanceKernel(mask.data, rows, cols, featureValue, halfWidth, reach);
  }
  // Column distances capped just past the reach: only whether and how far within it matters.
  const columnDistance = new Uint16Array(rows * cols);
  columnDistances(mask, featureValue, Math.min(reach + 1, 65535), columnDistance);
  for (let y = 0; y < rows; y++) {
    const offset = y * cols;
    // Left to right: x is covered by a feature column u ≤ x reaching u + halfWidth past it.
    let farthest = -1;
    for (let x = 0; x < cols; x++) {
      const g = columnDistance[offset + x];
      if (g <= reach) {
        const end = x + halfWidth[g];
        if (end > farthest) farthest = end;
      }
      if (farthest >= x) out[offset + x] = 1;
    }
    // Right to left: by a column u ≥ x reaching back to u − halfWidth.
    let nearest = cols;
    for (let x = cols - 1; x >= 0; x--) {
      const g = columnDistance[offset + x];
      if (g <= reach) {
        const start = x - halfWidth[g];
        if (start < nearest) nearest = start;
      }
      if (nearest <= x) out[offset + x] = 1;
    }
  }
  return out;
}

/**
 * Closing (`"close"`) or opening (`"open"`) by the disk {dx² + dy² ≤ radius²} on row runs throughout
 * (see `morphologyRuns`), when the mask has few enough runs for that to pay, as {@linkcode withinDistance}
 * decides for its first step; else null (then two withinDistance passes do it).
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 5, data: new Uint8Array([1, 1, 0, 1, 1]) };
 * diskMorphology(mask, "close", 1); // Uint8Array [1, 1, 1, 1, 1]
 * ```
 */
export function diskMorphology(mask: Mask, operation: "close" | "open", radius: number): Uint8Array | null {
  const { rows, cols } = mask;
  const limit = Math.floor(radius * radius);
  if (limit < 0) return null;
  const reach = integerSqrt(limit);
  const halfWidth = new Int32Array(reach + 1);
  for (let g = 0; g <= reach; g++) halfWidth[g] = integerSqrt(limit - g * g);
  const runBudget = Math.floor((rows * cols) / (RUN_COST * (2 * reach + 1)));
  return morphologyRuns(mask, operation, halfWidth, reach, runBudget);
}

/** Pixels per run and row in reach from which the pixel passes are cheaper than merging runs. */
const RUN_COST = 8;

/** ⌊√n⌋ exactly for a non-negative integer n (floating-point sqrt can be one off near squares). */
function integerSqrt(n: number): number {
  let root = Math.floor(Math.sqrt(n));
  while (root * root > n) root--;
  while ((root + 1) * (root + 1) <= n) root++;
  return root;
}

/**
 * Distance along its column from each pixel to the nearest pixel of value `featureValue`, capped at
 * `cap`, written into `out` (row-major passes down and up, for cache locality).
 */
function columnDistances(
  mask: Mask,
  featureValue: 0 | 1,
  cap: number,
  out: Int32Array | Uint16Array,
): void {
  const { rows, cols, data } = mask;
  for (let x = 0; x < cols; x++) out[x] = data[x] === featureValue ? 0 : cap;
  for (let i = cols; i < rows * cols; i++) {
    if (data[i] === featureValue) continue; // already 0
    const next = out[i - cols] + 1;
    out[i] = next > cap ? cap : next;
  }
  for (let i = (rows - 1) * cols - 1; i >= 0; i--) {
    const below = out[i + cols] + 1;
    if (below < out[i]) out[i] = below;
  }
}

function transform(mask: Mask, featureValue: 0 | 1, distances: Int32Array): void {
  const { rows, cols } = mask;
  const far = rows + cols;
  const farSquared = far * far;
  const columnDistance = new Int32Array(rows * cols);
  columnDistances(mask, featureValue, far, columnDistance);

  const gSquared = new Int32Array(cols);
  const starts = new Int32Array(cols);
  const owners = new Int32Array(cols);
  for (let y = 0; y < rows; y++) {
    const offset = y * cols;
    let unreachable = 0;
    for (let x = 0; x < cols; x++) {
      const g = columnDistance[offset + x];
      gSquared[x] = g * g;
      if (g === far) unreachable++;
    }
    // A row that no feature reaches needs no envelope.
    if (unreachable === cols) {
      distances.fill(farSquared, offset, offset + cols);
      continue;
    }
    let q = 0;
    owners[0] = 0;
    starts[0] = 0;
    for (let u = 1; u < cols; u++) {
      const gu = gSquared[u];
      while (q >= 0) {
        const owner = owners[q], start = starts[q];
        const current = (start - owner) * (start - owner) + gSquared[owner];
        const candidate = (start - u) * (start - u) + gu;
        if (current <= candidate) break;
        q--;
      }
      if (q < 0) {
        q = 0;
        owners[0] = u;
      } else {
        const owner = owners[q];
        const separator = 1 + Math.floor((u * u - owner * owner + gu - gSquared[owner]) / (2 * (u - owner)));
        if (separator < cols) {
          q++;
          owners[q] = u;
          starts[q] = separator;
        }
      }
    }
    for (let u = cols - 1; u >= 0; u--) {
      const owner = owners[q];
      distances[offset + u] = (u - owner) * (u - owner) + gSquared[owner];
      if (u === starts[q]) q--;
    }
  }
}
