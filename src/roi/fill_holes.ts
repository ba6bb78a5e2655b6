/**
 * Hole filling: background not 4-connected to the frame border becomes foreground.
 * @module
 */
import type { Mask } from "../volume.ts";

/**
 * Fill the holes of a binary mask.
 *
 * @example
 * ```ts
 * const ring = { rows: 3, cols: 3, data: new Uint8Array([1, 1, 1, 1, 0, 1, 1, 1, 1]) };
 * fillHoles(ring).data; // all ones
 * ```
 */
export function fillHoles(mask: Mask): Mask {
  const { rows, cols, data } = mask;
  // Background runs row by row, joined (union-find) with the runs they share a column with in the
  // row above: a filled region is a few runs per row, so this does a fraction of a flood fill's work.
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024); // exclusive
  let runRow = new Int32Array(1024);
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
      // Whole words of set pixels, then of background, are skipped at once.
      if (words) {
        while ((i & 3) !== 0 && i < rowEnd && data[i] !== 0) i++;
        while (i + 4 <= rowEnd && words[i >> 2] === 0x01010101) i += 4;
      }
      while (i < rowEnd && data[i] !== 0) i++;
      if (i === rowEnd) break;
      const start = i - offset;
      if (words) {
        while ((i & 3) !== 0 && i < rowEnd && data[i] === 0) i++;
        while (i + 4 <= rowEnd && words[i >> 2] === 0) i += 4;
      }
      while (i < rowEnd && data[i] === 0) i++;
      const end = i - offset;
      if (runs === starts.length) {
        [starts, ends, runRow, parent] = [starts, ends, runRow, parent].map((array) => {
          const grown = new Int32Array(array.length * 2);
          grown.set(array);
          return grown;
        });
      }
      let root = runs;
      parent[runs] = runs;
      // 4-connected: a run above touches this one when they share a column.
      while (above < aboveEnd && ends[above] <= start) above++;
      for (let k = above; k < aboveEnd && starts[k] < end; k++) {
        const other = findRoot(parent, k);
        if (other === root) continue;
        if (other < root) {
          parent[root] = other;
          root = other;
        } else {
          parent[other] = root;
        }
      }
      starts[runs] = start;
      ends[runs] = end;
      runRow[runs] = y;
      runs++;
    }
    previousFirst = rowFirst;
    previousCount = runs - rowFirst;
  }
  // A set of runs is outside when any of its runs touches the frame border.
  const outside = new Uint8Array(runs);
  for (let run = 0; run < runs; run++) {
    const y = runRow[run];
    if (y === 0 || y === rows - 1 || starts[run] === 0 || ends[run] === cols) {
      outside[findRoot(parent, run)] = 1;
    }
  }
  const out = new Uint8Array(rows * cols).fill(1);
  for (let run = 0; run < runs; run++) {
    if (outside[findRoot(parent, run)]) {
      const offset = runRow[run] * cols;
      out.fill(0, offset + starts[run], offset + ends[run]);
    }
  }
  return { rows, cols, data: out };
}

function findRoot(parent: Int32Array, run: number): number {
  while (parent[run] !== run) {
    parent[run] = parent[parent[run]];
    run = parent[run];
  }
  return run;
}
