/**
 * Connected runs: the row runs of a mask's set (or background) pixels, joined by union-find into
 * 4- or 8-connected components. A fan or a blob is a few long runs per row, so uniting runs instead
 * of pixels does a fraction of the work. Component labelling and hole filling both build on this.
 * @module
 */
import type { Mask } from "../volume.ts";

/** Runs in raster order, each with the first run (in raster order) of its component. */
export interface ConnectedRuns {
  count: number;
  row: Int32Array;
  start: Int32Array;
  /** Exclusive end column. */
  end: Int32Array;
  /** Index of the component's first run: equal to the run's own index for that first run. */
  root: Int32Array;
}

/** Which pixels form the runs, and how runs of neighbouring rows connect. */
export interface ConnectedRunOptions {
  /** 1: runs of set (non-zero) pixels; 0: runs of background pixels. */
  value: 0 | 1;
  /** 4: runs touch when they share a column; 8: diagonal neighbours touch too. */
  connectivity: 4 | 8;
}

/**
 * The runs of `value` pixels of a mask, with their components.
 *
 * @example
 * ```ts
 * const mask = { rows: 2, cols: 3, data: new Uint8Array([1, 0, 1, 0, 1, 0]) };
 * connectedRuns(mask, { value: 1, connectivity: 8 }).root; // Int32Array [0, 0, 0]
 * connectedRuns(mask, { value: 1, connectivity: 4 }).root; // Int32Array [0, 1, 2]
 * ```
 */
export function connectedRuns(mask: Mask, options: ConnectedRunOptions): ConnectedRuns {
  const { rows, cols, data } = mask;
  const wanted = options.value === 1;
  // Whole words of the other value, then of this one, are skipped at once (0/1 masks).
  const otherWord = wanted ? 0 : 0x01010101;
  const sameWord = wanted ? 0x01010101 : 0;
  const reach = options.connectivity === 8 ? 1 : 0;
  let start = new Int32Array(1024);
  let end = new Int32Array(1024);
  let row = new Int32Array(1024);
  let parent = new Int32Array(1024);
  let runs = 0;
  const words = data.byteOffset % 4 === 0
    ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2)
    : null;
  let previousFirst = 0, previousCount = 0;
  for (let y = 0; y < rows; y++) {
    const offset = y * cols, rowEnd = offset + cols;
    const rowFirst = runs;
    let above = previousFirst;
    const aboveEnd = previousFirst + previousCount;
    let i = offset;
    while (i < rowEnd) {
      if (words) {
        while ((i & 3) !== 0 && i < rowEnd && (data[i] !== 0) !== wanted) i++;
        while (i + 4 <= rowEnd && words[i >> 2] === otherWord) i += 4;
      }
      while (i < rowEnd && (data[i] !== 0) !== wanted) i++;
      if (i === rowEnd) break;
      const runStart = i - offset;
      if (words) {
        while ((i & 3) !== 0 && i < rowEnd && (data[i] !== 0) === wanted) i++;
        while (i + 4 <= rowEnd && words[i >> 2] === sameWord) i += 4;
      }
      while (i < rowEnd && (data[i] !== 0) === wanted) i++;
      const runEnd = i - offset;
      if (runs === start.length) {
        [start, end, row, parent] = [start, end, row, parent].map((array) => {
          const grown = new Int32Array(array.length * 2);
          grown.set(array);
          return grown;
        });
      }
      // Join the runs above that touch this one; roots keep the smaller index, the component's first run.
      let root = runs;
      parent[runs] = runs;
      while (above < aboveEnd && end[above] + reach <= runStart) above++;
      for (let k = above; k < aboveEnd && start[k] < runEnd + reach; k++) {
        const other = findRoot(parent, k);
        if (other === root) continue;
        if (other < root) {
          parent[root] = other;
          root = other;
        } else {
          parent[other] = root;
        }
      }
      start[runs] = runStart;
      end[runs] = runEnd;
      row[runs] = y;
      runs++;
    }
    previousFirst = rowFirst;
    previousCount = runs - rowFirst;
  }
  const root = new Int32Array(runs);
  for (let run = 0; run < runs; run++) root[run] = findRoot(parent, run);
  return { count: runs, row, start, end, root };
}

function findRoot(parent: Int32Array, run: number): number {
  while (parent[run] !== run) {
    parent[run] = parent[parent[run]];
    run = parent[run];
  }
  return run;
}
