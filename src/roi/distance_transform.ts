/**
 * Exact squared Euclidean distance transform in linear time (Meijster, Roerdink & Hesselink 2000,
 * the integer form of Felzenszwalb & Huttenlocher's lower envelope of parabolas): one pass down
 * the columns, one envelope pass along the rows, whatever the distances.
 * @module
 */
import type { Mask } from "../volume.ts";

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
  transform(mask, featureValue, out, null, 0);
  return out;
}

/**
 * 1 where the nearest pixel of value `featureValue` lies within `radius` (Euclidean), else 0:
 * the distance transform thresholded on the fly, which is all binary morphology needs.
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 5, data: new Uint8Array([0, 0, 1, 0, 0]) };
 * withinDistance(mask, 1, 1); // Uint8Array [0, 1, 1, 1, 0]
 * ```
 */
export function withinDistance(mask: Mask, featureValue: 0 | 1, radius: number): Uint8Array {
  const out = new Uint8Array(mask.rows * mask.cols);
  transform(mask, featureValue, null, out, Math.floor(radius * radius));
  return out;
}

function transform(
  mask: Mask,
  featureValue: 0 | 1,
  distances: Int32Array | null,
  within: Uint8Array | null,
  limit: number,
): void {
  const { rows, cols, data } = mask;
  const far = rows + cols;
  const farSquared = far * far;
  const columnDistance = new Int32Array(rows * cols);
  // Column pass, row-major order for cache locality.
  for (let x = 0; x < cols; x++) columnDistance[x] = data[x] === featureValue ? 0 : far;
  for (let i = cols; i < rows * cols; i++) {
    if (data[i] === featureValue) continue; // already 0
    const next = columnDistance[i - cols] + 1;
    columnDistance[i] = next > far ? far : next;
  }
  for (let i = (rows - 1) * cols - 1; i >= 0; i--) {
    const below = columnDistance[i + cols] + 1;
    if (below < columnDistance[i]) columnDistance[i] = below;
  }

  const gSquared = new Int32Array(cols);
  const starts = new Int32Array(cols);
  const owners = new Int32Array(cols);
  for (let y = 0; y < rows; y++) {
    const offset = y * cols;
    let features = 0, unreachable = 0;
    for (let x = 0; x < cols; x++) {
      const g = columnDistance[offset + x];
      gSquared[x] = g * g;
      if (g === 0) features++;
      else if (g === far) unreachable++;
    }
    // Rows that are all features or have none need no envelope.
    if (features === cols) {
      if (within) within.fill(1, offset, offset + cols);
      continue;
    }
    if (unreachable === cols) {
      if (distances) distances.fill(farSquared, offset, offset + cols);
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
    if (within) {
      for (let u = cols - 1; u >= 0; u--) {
        const owner = owners[q];
        within[offset + u] = (u - owner) * (u - owner) + gSquared[owner] <= limit ? 1 : 0;
        if (u === starts[q]) q--;
      }
    } else if (distances) {
      for (let u = cols - 1; u >= 0; u--) {
        const owner = owners[q];
        distances[offset + u] = (u - owner) * (u - owner) + gSquared[owner];
        if (u === starts[q]) q--;
      }
    }
  }
}
