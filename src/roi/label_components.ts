/**
 * 8-connected component labelling (two-pass, union-find) with each component's area and box.
 * @module
 */
import type { Box, Mask } from "../volume.ts";

/** Labels (0 = background, 1..count) and per-label statistics (index 0 unused). */
export interface Components {
  rows: number;
  cols: number;
  labels: Int32Array;
  count: number;
  areas: Int32Array;
  boxes: Box[];
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
  const labels = new Int32Array(rows * cols);
  let parent = new Int32Array(1024);
  let next = 1;
  for (let y = 0; y < rows; y++) {
    const offset = y * cols;
    for (let x = 0; x < cols; x++) {
      const i = offset + x;
      if (data[i] === 0) continue;
      let label = 0;
      if (x > 0 && labels[i - 1]) label = labels[i - 1];
      if (y > 0) {
        const up = i - cols;
        if (x > 0 && labels[up - 1]) {
          label = label === 0 ? labels[up - 1] : unite(parent, label, labels[up - 1]);
        }
        if (labels[up]) label = label === 0 ? labels[up] : unite(parent, label, labels[up]);
        if (x + 1 < cols && labels[up + 1]) {
          label = label === 0 ? labels[up + 1] : unite(parent, label, labels[up + 1]);
        }
      }
      if (label === 0) {
        if (next >= parent.length) {
          const grown = new Int32Array(parent.length * 2);
          grown.set(parent);
          parent = grown;
        }
        parent[next] = next;
        label = next++;
      }
      labels[i] = label;
    }
  }
  const finalLabel = new Int32Array(next);
  let count = 0;
  for (let label = 1; label < next; label++) {
    const root = findRoot(parent, label);
    if (root === label) finalLabel[label] = ++count;
  }
  for (let label = 1; label < next; label++) finalLabel[label] = finalLabel[findRoot(parent, label)];

  const areas = new Int32Array(count + 1);
  const minX = new Int32Array(count + 1).fill(cols);
  const minY = new Int32Array(count + 1).fill(rows);
  const maxX = new Int32Array(count + 1).fill(-1);
  const maxY = new Int32Array(count + 1).fill(-1);
  for (let y = 0; y < rows; y++) {
    const offset = y * cols;
    for (let x = 0; x < cols; x++) {
      const i = offset + x;
      if (labels[i] === 0) continue;
      const label = finalLabel[labels[i]];
      labels[i] = label;
      areas[label]++;
      if (x < minX[label]) minX[label] = x;
      if (x > maxX[label]) maxX[label] = x;
      if (y < minY[label]) minY[label] = y;
      maxY[label] = y;
    }
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
  return { rows, cols, labels, count, areas, boxes };
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
  const { rows, cols, labels, count } = components;
  const lookup = new Uint8Array(count + 1);
  for (let label = 1; label <= count; label++) lookup[label] = keep(label) ? 1 : 0;
  const data = new Uint8Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = lookup[labels[i]];
  return { rows, cols, data };
}
