/**
 * 8-connected component labelling (runs of set pixels joined by union-find) with each component's
 * area and box.
 * @module
 */
import type { Box, Mask } from "../volume.ts";

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

function findRoot(parent: Int32Array, label: number): number {
  let root = label;
  while (parent[root] !== root) root = parent[root];
  while (parent[label] !== root) {
    const next = parent[label];
    parent[label] = root;
    label = next;
  }
  return root;
}

function unite(parent: Int32Array, a: number, b: number): number {
  const rootA = findRoot(parent, a);
  const rootB = findRoot(parent, b);
  if (rootA === rootB) return rootA;
  if (rootA < rootB) {
    parent[rootB] = rootA;
    return rootA;
  }
  parent[rootA] = rootB;
  return rootB;
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
  const { rows, cols, data } = mask;
  // Runs of set pixels, row by row: a fan or a blob is a few long runs per row, so uniting runs
  // instead of pixels does a fraction of the work. Provisional labels follow the runs in raster
  // order and roots keep the smaller label, so final labels number components by their first pixel.
  let runStart = new Int32Array(1024);
  let runEnd = new Int32Array(1024); // exclusive
  let runRow = new Int32Array(1024);
  let runLabel = new Int32Array(1024);
  let parent = new Int32Array(1024);
  let runs = 0;
  const words = data.byteOffset % 4 === 0
    ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2)
    : null;
  let previousFirst = 0, previousCount = 0;
  for (let y = 0; y < rows; y++) {
    const offset = y * cols;
    const rowFirst = runs;
    let above = previousFirst;
    const aboveEnd = previousFirst + previousCount;
    let x = 0;
    while (x < cols) {
      // Whole words of background, then of set pixels, are skipped at once.
      if (words) {
        while (((offset + x) & 3) !== 0 && x < cols && data[offset + x] === 0) x++;
        while (x + 4 <= cols && words[(offset + x) >> 2] === 0) x += 4;
      }
      if (x === cols) break;
      if (data[offset + x] === 0) {
        x++;
        continue;
      }
      const start = x;
      if (words) {
        while (((offset + x) & 3) !== 0 && x < cols && data[offset + x] !== 0) x++;
        while (x + 4 <= cols && words[(offset + x) >> 2] === 0x01010101) x += 4;
      }
      while (x < cols && data[offset + x] !== 0) x++;
      // parent is indexed by label = runs + 1: grow before that slot would fall off the end.
      if (runs + 1 >= runStart.length) {
        [runStart, runEnd, runRow, runLabel, parent] = [runStart, runEnd, runRow, runLabel, parent].map(
          (array) => {
            const grown = new Int32Array(array.length * 2);
            grown.set(array);
            return grown;
          },
        );
      }
      // 8-connected: a run above touches this one when it overlaps [start - 1, x].
      while (above < aboveEnd && runEnd[above] < start) above++;
      let label = 0;
      for (let k = above; k < aboveEnd && runStart[k] <= x; k++) {
        label = label === 0 ? findRoot(parent, runLabel[k]) : unite(parent, label, runLabel[k]);
      }
      if (label === 0) {
        label = runs + 1;
        parent[label] = label;
      }
      runStart[runs] = start;
      runEnd[runs] = x;
      runRow[runs] = y;
      runLabel[runs] = label;
      runs++;
    }
    previousFirst = rowFirst;
    previousCount = runs - rowFirst;
  }
  const finalLabel = new Int32Array(runs + 1);
  let count = 0;
  for (let label = 1; label <= runs; label++) {
    if (parent[label] === label && runLabel[label - 1] === label) finalLabel[label] = ++count;
  }
  const areas = new Int32Array(count + 1);
  const minX = new Int32Array(count + 1).fill(cols);
  const minY = new Int32Array(count + 1).fill(rows);
  const maxX = new Int32Array(count + 1).fill(-1);
  const maxY = new Int32Array(count + 1).fill(-1);
  for (let run = 0; run < runs; run++) {
    const label = finalLabel[findRoot(parent, runLabel[run])];
    runLabel[run] = label;
    const start = runStart[run], end = runEnd[run], y = runRow[run];
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
  const labelled: LabelledRuns = { count: runs, row: runRow, start: runStart, end: runEnd, label: runLabel };
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
        for (let run = 0; run < runs; run++) {
          const offset = runRow[run] * cols;
          labels.fill(runLabel[run], offset + runStart[run], offset + runEnd[run]);
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
