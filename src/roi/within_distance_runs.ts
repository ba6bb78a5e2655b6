/**
 * Disk reach (see `withinDistance`) on masks made of a few long runs per row, as scan regions and
 * their evidence are: each output row is the union of the feature runs of the rows within reach,
 * each widened by how far the disk spans at that row distance, so the cost follows the runs rather
 * than the pixels.
 * @module
 */
import type { Mask } from "../volume.ts";

/**
 * 1 where a pixel equal to `featureValue` lies in the disk about it described by `halfWidth` (at row
 * distance g ≤ `reach` the disk spans ±halfWidth[g] columns), else 0. Pixels outside the frame are
 * never features. Null when the mask holds more than `maxRuns` runs of the feature value (then a
 * pass over the pixels is cheaper).
 *
 * @example
 * ```ts
 * const mask = { rows: 3, cols: 5, data: new Uint8Array(15) };
 * mask.data[7] = 1; // centre
 * withinDistanceRuns(mask, 1, new Int32Array([1, 0]), 1, 100); // plus shape: [0,0,1,0,0, 0,1,1,1,0, 0,0,1,0,0]
 * ```
 */
export function withinDistanceRuns(
  mask: Mask,
  featureValue: 0 | 1,
  halfWidth: Int32Array,
  reach: number,
  maxRuns: number,
): Uint8Array | null {
  const runs = featureRuns(mask, featureValue, maxRuns);
  if (!runs) return null;
  return paintRuns(reachedRuns(runs, mask.rows, mask.cols, halfWidth, reach), mask.rows, mask.cols);
}

/**
 * Binary closing (`"close"`: dilation, then erosion) or opening (`"open"`: erosion, then dilation) by
 * the disk described by `halfWidth` and `reach` (as in {@linkcode withinDistanceRuns}), the step between
 * kept as row runs instead of a frame-sized mask. Pixels outside the frame neither erode nor dilate.
 * Null when the mask holds more than `maxRuns` runs of the value the first step reaches from.
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 5, data: new Uint8Array([1, 1, 0, 1, 1]) };
 * morphologyRuns(mask, "close", new Int32Array([1]), 0, 100); // Uint8Array [1, 1, 1, 1, 1]
 * ```
 */
export function morphologyRuns(
  mask: Mask,
  operation: "close" | "open",
  halfWidth: Int32Array,
  reach: number,
  maxRuns: number,
): Uint8Array | null {
  const { rows, cols } = mask;
  // Closing: set pixels reached from the set ones, then erosion keeps those no background reaches.
  // Opening: the pixels no background reaches, then the set pixels those reach.
  const runs = featureRuns(mask, operation === "close" ? 1 : 0, maxRuns);
  if (!runs) return null;
  const first = reachedRuns(runs, rows, cols, halfWidth, reach);
  // The erosion's features are the background inside the frame: the gaps between the set runs.
  const second = reachedRuns(complementRuns(first, cols), rows, cols, halfWidth, reach);
  return paintRuns(operation === "close" ? complementRuns(second, cols) : second, rows, cols);
}

/** Row runs (inclusive ends; row y's are rowFirst[y] to rowFirst[y + 1]). */
interface RowRuns {
  rowFirst: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
}

/** Each row's union of the runs within reach, widened by the disk's span at their row distance, clipped to the frame. */
function reachedRuns(
  runs: RowRuns,
  rows: number,
  cols: number,
  halfWidth: Int32Array,
  reach: number,
): RowRuns {
  const { rowFirst, starts, ends } = runs;
  const outFirst = new Int32Array(rows + 1);
  let outStarts = new Int32Array(Math.max(64, rowFirst[rows])), outEnds = new Int32Array(outStarts.length);
  let outCount = 0;
  // The union so far (sorted, disjoint, inclusive ends) and the buffer the next union goes to.
  let unionStart = new Int32Array(64), unionEnd = new Int32Array(64);
  let nextStart = new Int32Array(64), nextEnd = new Int32Array(64);
  for (let y = 0; y < rows; y++) {
    let count = 0;
    const from = Math.max(0, y - reach), to = Math.min(rows - 1, y + reach);
    for (let source = from; source <= to; source++) {
      const first = rowFirst[source], last = rowFirst[source + 1];
      if (first === last) continue;
      const widen = halfWidth[source < y ? y - source : source - y];
      if (count + last - first > nextStart.length) {
        const size = 2 * (count + last - first);
        [unionStart, unionEnd] = [grown(unionStart, size), grown(unionEnd, size)];
        [nextStart, nextEnd] = [new Int32Array(size), new Int32Array(size)];
      }
      // Merge by start: the union and this row's widened runs are each sorted.
      let merged = 0, i = 0, k = first;
      while (i < count || k < last) {
        let start: number, end: number;
        if (k === last || (i < count && unionStart[i] <= starts[k] - widen)) {
          start = unionStart[i];
          end = unionEnd[i++];
        } else {
          start = starts[k] - widen;
          end = ends[k++] + widen;
        }
        if (merged > 0 && start <= nextEnd[merged - 1] + 1) {
          if (end > nextEnd[merged - 1]) nextEnd[merged - 1] = end;
        } else {
          nextStart[merged] = start;
          nextEnd[merged++] = end;
        }
      }
      [unionStart, nextStart] = [nextStart, unionStart];
      [unionEnd, nextEnd] = [nextEnd, unionEnd];
      count = merged;
    }
    outFirst[y] = outCount;
    if (outCount + count > outStarts.length) {
      const size = 2 * (outCount + count);
      [outStarts, outEnds] = [grown(outStarts, size), grown(outEnds, size)];
    }
    for (let i = 0; i < count; i++) {
      const start = unionStart[i] < 0 ? 0 : unionStart[i];
      const end = unionEnd[i] >= cols ? cols - 1 : unionEnd[i];
      if (end < start) continue;
      outStarts[outCount] = start;
      outEnds[outCount++] = end;
    }
  }
  outFirst[rows] = outCount;
  return { rowFirst: outFirst, starts: outStarts, ends: outEnds };
}

/** The gaps between each row's runs, within the frame's columns. */
function complementRuns(runs: RowRuns, cols: number): RowRuns {
  const { rowFirst, starts, ends } = runs;
  const rows = rowFirst.length - 1;
  const size = rowFirst[rows] + rows;
  const outFirst = new Int32Array(rows + 1), outStarts = new Int32Array(size), outEnds = new Int32Array(size);
  let count = 0;
  for (let y = 0; y < rows; y++) {
    outFirst[y] = count;
    let next = 0;
    for (let k = rowFirst[y]; k < rowFirst[y + 1]; k++) {
      if (starts[k] > next) {
        outStarts[count] = next;
        outEnds[count++] = starts[k] - 1;
      }
      next = ends[k] + 1;
    }
    if (next < cols) {
      outStarts[count] = next;
      outEnds[count++] = cols - 1;
    }
  }
  outFirst[rows] = count;
  return { rowFirst: outFirst, starts: outStarts, ends: outEnds };
}

/** A mask with the runs set (runs lie within the frame). */
function paintRuns(runs: RowRuns, rows: number, cols: number): Uint8Array {
  const { rowFirst, starts, ends } = runs;
  const out = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    const offset = y * cols;
    for (let k = rowFirst[y]; k < rowFirst[y + 1]; k++) out.fill(1, offset + starts[k], offset + ends[k] + 1);
  }
  return out;
}

/** Runs of `featureValue` row by row (inclusive ends; row y's are rowFirst[y] to rowFirst[y + 1]). */
function featureRuns(
  mask: Mask,
  featureValue: 0 | 1,
  maxRuns: number,
): RowRuns | null {
  const { rows, cols, data } = mask;
  const rowFirst = new Int32Array(rows + 1);
  // Four pixels per word when the mask starts on a word boundary (fresh masks do).
  const words = data.byteOffset % 4 === 0
    ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2)
    : null;
  const same = featureValue * 0x01010101, other = (1 - featureValue) * 0x01010101;
  let starts = new Int32Array(Math.min(maxRuns, 1024)), ends = new Int32Array(starts.length);
  let count = 0;
  for (let y = 0; y < rows; y++) {
    rowFirst[y] = count;
    const offset = y * cols, rowEnd = offset + cols;
    let i = offset;
    while (i < rowEnd) {
      // Whole words of one value are skipped at once: runs are long.
      if (words) {
        while ((i & 3) !== 0 && i < rowEnd && data[i] !== featureValue) i++;
        while (i + 4 <= rowEnd && words[i >> 2] === other) i += 4;
      }
      while (i < rowEnd && data[i] !== featureValue) i++;
      if (i === rowEnd) break;
      const start = i;
      if (words) {
        while ((i & 3) !== 0 && i < rowEnd && data[i] === featureValue) i++;
        while (i + 4 <= rowEnd && words[i >> 2] === same) i += 4;
      }
      while (i < rowEnd && data[i] === featureValue) i++;
      if (count === maxRuns) return null;
      if (count === starts.length) {
        [starts, ends] = [grown(starts, 2 * count), grown(ends, 2 * count)];
      }
      starts[count] = start - offset;
      ends[count++] = i - 1 - offset;
    }
  }
  rowFirst[rows] = count;
  return { rowFirst, starts, ends };
}

function grown(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(size);
  larger.set(array.subarray(0, Math.min(array.length, size)));
  return larger;
}
