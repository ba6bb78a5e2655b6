import assert from "node:assert/strict";
import { largestComponent, removeSmallObjects } from "./area_filter.ts";
import { fillHoles } from "./fill_holes.ts";
import { componentMask, type Components, labelComponents } from "./label_components.ts";
import type { Box, Mask } from "../volume.ts";

function fromRows(lines: string[]) {
  const rows = lines.length, cols = lines[0].length;
  const data = new Uint8Array(rows * cols);
  lines.forEach((line, y) => [...line].forEach((char, x) => (data[y * cols + x] = char === "#" ? 1 : 0)));
  return { rows, cols, data };
}

Deno.test("labelComponents: 8-connectivity, areas and boxes", () => {
  const mask = fromRows([
    "##....#",
    "..#...#",
    "...#...",
    ".......",
    "##.####",
  ]);
  const components = labelComponents(mask);
  assert.equal(components.count, 4);
  const byArea = [...components.areas.slice(1)].sort((a, b) => a - b);
  assert.deepEqual(byArea, [2, 2, 4, 4]);
  const diagonal = components.labels[0];
  assert.deepEqual(components.boxes[diagonal], { x: 0, y: 0, width: 4, height: 3 });
  assert.equal(components.labels[2 * 7 + 3], diagonal);
});

Deno.test("labelComponents merges U shapes that only meet at the bottom", () => {
  const mask = fromRows([
    "#.#.#",
    "#.#.#",
    "#####",
  ]);
  assert.equal(labelComponents(mask).count, 1);
});

Deno.test("removeSmallObjects and largestComponent", () => {
  const mask = fromRows([
    "###...#",
    "###....",
    ".......",
    "....##.",
  ]);
  assert.deepEqual([...removeSmallObjects(mask, 2).data].filter(Boolean).length, 8);
  const largest = largestComponent(mask);
  assert.equal(largest.data.reduce((a, b) => a + b, 0), 6);
  assert.equal(largest.data[6], 0);
  assert.equal(largestComponent(fromRows(["..."])).data.reduce((a, b) => a + b, 0), 0);
});

Deno.test("fillHoles fills enclosed background only", () => {
  const mask = fromRows([
    "#####..",
    "#...#..",
    "#.#.#..",
    "#####.#",
    ".....#.",
  ]);
  const filled = fillHoles(mask);
  assert.equal(filled.data[1 * 7 + 1], 1);
  assert.equal(filled.data[2 * 7 + 3], 1);
  assert.equal(filled.data[0 * 7 + 6], 0); // open to the border
  assert.equal(filled.data[4 * 7 + 6], 0); // diagonal walls do not enclose (4-connected background)
});

function findRootRef(parent: Int32Array, label: number): number {
  while (parent[label] !== label) label = parent[label];
  return label;
}

function uniteRef(parent: Int32Array, a: number, b: number): number {
  const rootA = findRootRef(parent, a), rootB = findRootRef(parent, b);
  if (rootA === rootB) return rootA;
  if (rootA < rootB) {
    parent[rootB] = rootA;
    return rootA;
  }
  parent[rootA] = rootB;
  return rootB;
}

/** The pixel-by-pixel two-pass labelling the run version replaced: the reference. */
function pixelLabels(mask: Mask): Components {
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
          label = label === 0 ? labels[up - 1] : uniteRef(parent, label, labels[up - 1]);
        }
        if (labels[up]) label = label === 0 ? labels[up] : uniteRef(parent, label, labels[up]);
        if (x + 1 < cols && labels[up + 1]) {
          label = label === 0 ? labels[up + 1] : uniteRef(parent, label, labels[up + 1]);
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
    const root = findRootRef(parent, label);
    if (root === label) finalLabel[label] = ++count;
  }
  for (let label = 1; label < next; label++) finalLabel[label] = finalLabel[findRootRef(parent, label)];

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

Deno.test("labelComponents (runs) equals pixel-by-pixel labelling on real masks: labels, order, areas, boxes", async () => {
  const { readVolume } = await import("../io/read.ts");
  for (
    const path of ["../shared/data/public/dicom/US1_UNCR.dcm", "../shared/data/public/dicom/OBXXXX1A.dcm"]
  ) {
    const volume = await readVolume(path);
    const { rows, cols, channels } = volume;
    // Speckle thresholds give thousands of small, branching components; a low one gives the fan.
    for (const level of [30, 90, 160]) {
      const mask: Mask = { rows, cols, data: new Uint8Array(rows * cols) };
      for (let p = 0; p < rows * cols; p++) mask.data[p] = volume.data[p * channels] > level ? 1 : 0;
      const expected = pixelLabels(mask);
      const actual = labelComponents(mask);
      assert.equal(actual.count, expected.count, `${path} > ${level}`);
      assert.ok(actual.count > 1);
      assert.deepEqual(actual.labels, expected.labels, `${path} > ${level}`);
      assert.deepEqual(actual.areas, expected.areas);
      assert.deepEqual(actual.boxes, expected.boxes);
    }
  }
});

/** Hole filling by definition: background not 4-connected to the border, by a plain flood fill. */
function holesByFlood(mask: Mask): Uint8Array {
  const { rows, cols, data } = mask;
  const outside = new Uint8Array(rows * cols);
  const queue: number[] = [];
  const visit = (i: number) => {
    if (data[i] === 0 && !outside[i]) {
      outside[i] = 1;
      queue.push(i);
    }
  };
  for (let x = 0; x < cols; x++) [visit(x), visit((rows - 1) * cols + x)];
  for (let y = 0; y < rows; y++) [visit(y * cols), visit(y * cols + cols - 1)];
  while (queue.length > 0) {
    const i = queue.pop()!;
    if (i % cols > 0) visit(i - 1);
    if (i % cols < cols - 1) visit(i + 1);
    if (i >= cols) visit(i - cols);
    if (i + cols < rows * cols) visit(i + cols);
  }
  return outside.map((value) => 1 - value);
}

Deno.test("fillHoles (scanline) equals a plain flood fill on real speckle masks full of holes", async () => {
  const { readVolume } = await import("../io/read.ts");
  const volume = await readVolume("../shared/data/public/dicom/US1_UNCR.dcm");
  const { rows, cols } = volume;
  for (const level of [20, 60, 120]) {
    const mask: Mask = { rows, cols, data: new Uint8Array(rows * cols) };
    for (let p = 0; p < rows * cols; p++) mask.data[p] = volume.data[p * 3] > level ? 1 : 0;
    const filled = fillHoles(mask);
    assert.ok(filled.data.some((value, i) => value !== mask.data[i]), `holes at level ${level}`);
    assert.deepEqual(filled.data, holesByFlood(mask), `level ${level}`);
  }
});

Deno.test("labelComponents keeps every component when runs cross the 1024 and 2048 growth points", () => {
  // 2,100 isolated pixels on one row: each is a run and a new component, so the label table grows
  // twice; a slot lost at the boundary once left a component labelled 0.
  const row: Mask = { rows: 1, cols: 4200, data: new Uint8Array(4200) };
  for (let x = 0; x < 4200; x += 2) row.data[x] = 1;
  const single = labelComponents(row);
  assert.equal(single.count, 2100);
  assert.ok(row.data.every((value, x) => value === 0 || single.labels[x] === x / 2 + 1));
  // Speckle-like masks whose runs cross the same points, against the pixel version.
  let state = 1024;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (const [rows, cols, density] of [[90, 70, 0.45], [200, 200, 0.3], [64, 300, 0.6]] as const) {
    const mask: Mask = {
      rows,
      cols,
      data: Uint8Array.from({ length: rows * cols }, () => random() < density ? 1 : 0),
    };
    const expected = pixelLabels(mask);
    const actual = labelComponents(mask);
    assert.equal(actual.count, expected.count, `${rows}x${cols}`);
    assert.deepEqual(actual.labels, expected.labels, `${rows}x${cols}`);
    assert.deepEqual(actual.areas, expected.areas);
  }
});

Deno.test("fillHoles equals a plain flood fill on odd widths and on masks not starting on a word", () => {
  let state = 77;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (const [rows, cols, density] of [[41, 37, 0.55], [30, 64, 0.7], [23, 1, 0.5], [1, 29, 0.5]] as const) {
    for (const shift of [0, 1, 3]) {
      // Blocky content (runs of several pixels) with speckle holes, in a buffer offset by `shift`.
      const buffer = new Uint8Array(rows * cols + shift);
      const data = buffer.subarray(shift);
      for (let i = 0; i < data.length; i++) data[i] = random() < density || (i % cols) % 9 < 5 ? 1 : 0;
      for (let i = 0; i < data.length; i++) if (random() < 0.1) data[i] = 0;
      const mask: Mask = { rows, cols, data };
      assert.deepEqual(fillHoles(mask).data, holesByFlood(mask), `${rows}x${cols} shift ${shift}`);
    }
  }
});

Deno.test("componentMask from the runs equals the lookup of the label image", () => {
  let state = 11;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const rows = 60, cols = 70;
  const mask: Mask = {
    rows,
    cols,
    data: Uint8Array.from({ length: rows * cols }, () => random() < 0.4 ? 1 : 0),
  };
  const components = labelComponents(mask);
  assert.ok(components.runs && components.count > 10);
  const imageOnly = { ...components, labels: components.labels, runs: undefined };
  for (const keep of [(label: number) => label % 3 === 0, (label: number) => components.areas[label] >= 4]) {
    const fromRuns = componentMask(components, keep);
    assert.deepEqual(fromRuns.data, componentMask(imageOnly, keep).data);
    assert.ok(fromRuns.data.some((value) => value === 1));
  }
});
