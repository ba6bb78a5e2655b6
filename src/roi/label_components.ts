/**
 * 8-connected component labelling (runs of set pixels joined by union-find) with each component's
 * area and box.
 * @module
 */
import type { Box, Mask } from "../volume.ts";
import { connectedRuns } from "./connected_runs.ts";

/** Labels (0 = background, 1..count) and per-label statistics (index 0 unused). */
export interface Components {
  rows: number;
  cols: number;
  /** Label of every pixel (painted from the runs when first read). */
  labels: Int32Array;
  count: number;
  areas: Int32Array;
  boxes: Box[];
  /** The runs of set pixels in raster order: row, first column, end column (exclusive) and label. */
  runs?: LabelledRuns;
}

/** Runs of set pixels with their component labels (see {@linkcode Components}). */
export interface LabelledRuns {
  count: number;
  row: Int32Array;
  start: Int32Array;
  end: Int32Array;
  label: Int32Array;
}

/**
 * Label the 8-connected components of the set pixels.
 *
 * @example
 * ```ts
 * const mask = { rows: 2, cols: 3, data: new Uint8Array([1, 0, 1, 0, 1, 0]) };
 * labelComponents(mask).count; // 1 (diagonal neighbours connect)
 * ```
 */
export function labelComponents(mask: Mask): Components {
  const { rows, cols } = mask;
  const runs = connectedRuns(mask, { value: 1, connectivity: 8 });
  // A component's first run in raster order is its root: labels number components by first pixel.
  const runLabel = new Int32Array(runs.count);
  let count = 0;
  for (let run = 0; run < runs.count; run++) {
    runLabel[run] = runs.root[run] === run ? ++count : runLabel[runs.root[run]];
  }
  const areas = new Int32Array(count + 1);
  const minX = new Int32Array(count + 1).fill(cols);
  const minY = new Int32Array(count + 1).fill(rows);
  const maxX = new Int32Array(count + 1).fill(-1);
  const maxY = new Int32Array(count + 1).fill(-1);
  for (let run = 0; run < runs.count; run++) {
    const label = runLabel[run];
    const start = runs.start[run], end = runs.end[run], y = runs.row[run];
    areas[label] += end - start;
    if (start < minX[label]) minX[label] = start;
    if (end - 1 > maxX[label]) maxX[label] = end - 1;
    if (y < minY[label]) minY[label] = y;
    if (y > maxY[label]) maxY[label] = y;
  }
  const boxes: Box[] = [{ x: 0, y: 0, width: 0, height: 0 }];
  for (let label = 1; label <= count; label++) {
    boxes.push({
      x: minX[label],
      y: minY[label],
      width: maxX[label] - minX[label] + 1,
      height: maxY[label] - minY[label] + 1,
    });
  }
  const labelled: LabelledRuns = {
    count: runs.count,
    row: runs.row,
    start: runs.start,
    end: runs.end,
    label: runLabel,
  };
  // The label image is 4 bytes a pixel and most callers need only the runs: paint it on first use.
  let labels: Int32Array | null = null;
  return {
    rows,
    cols,
    count,
    areas,
    boxes,
    runs: labelled,
    get labels(): Int32Array {
      if (!labels) {
        labels = new Int32Array(rows * cols);
        for (let run = 0; run < runs.count; run++) {
          const offset = runs.row[run] * cols;
          labels.fill(runLabel[run], offset + runs.start[run], offset + runs.end[run]);
        }
      }
      return labels;
    },
  };
}

/**
 * The mask of the components whose label passes `keep`.
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 3, data: new Uint8Array([1, 0, 1]) };
 * const components = labelComponents(mask);
 * componentMask(components, (label) => label === 2).data; // [0, 0, 1]
 * ```
 */
export function componentMask(components: Components, keep: (label: number) => boolean): Mask {
  const { rows, cols, count, boxes } = components;
  const lookup = new Uint8Array(count + 1);
  // Kept pixels lie in the kept components' boxes: only their union is walked.
  let x0 = cols, y0 = rows, x1 = 0, y1 = 0;
  for (let label = 1; label <= count; label++) {
    if (!keep(label)) continue;
    lookup[label] = 1;
    const box = boxes[label];
    x0 = Math.min(x0, box.x);
    y0 = Math.min(y0, box.y);
    x1 = Math.max(x1, box.x + box.width);
    y1 = Math.max(y1, box.y + box.height);
  }
  const data = new Uint8Array(rows * cols);
  const runs = components.runs;
  if (runs) {
    for (let run = 0; run < runs.count; run++) {
      if (!lookup[runs.label[run]]) continue;
      const offset = runs.row[run] * cols;
      data.fill(1, offset + runs.start[run], offset + runs.end[run]);
    }
    return { rows, cols, data };
  }
  const labels = components.labels;
  for (let y = y0; y < y1; y++) {
    for (let i = y * cols + x0, end = y * cols + x1; i < end; i++) data[i] = lookup[labels[i]];
  }
  return { rows, cols, data };
}
