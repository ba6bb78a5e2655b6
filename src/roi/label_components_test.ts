import assert from "node:assert/strict";
import { largestComponent, removeSmallObjects } from "./area_filter.ts";
import { fillHoles } from "./fill_holes.ts";
import { labelComponents } from "./label_components.ts";

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
