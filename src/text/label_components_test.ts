import assert from "node:assert/strict";
import { type Component, labelComponents } from "./label_components.ts";

Deno.test("labelComponents separates blobs and joins diagonal neighbours", () => {
  // 1 1 0 0 0
  // 0 1 0 0 1
  // 0 0 0 0 1
  // 1 0 0 0 0  (the lone pixel at the bottom left is its own component)
  const image = new Uint8Array([1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
  const { labels, components } = labelComponents(image, 4, 5);
  assert.equal(components.length, 3);
  const [first, second, third] = components;
  assert.deepEqual([first.x0, first.y0, first.x1, first.y1, first.area], [0, 0, 1, 1, 3]);
  assert.deepEqual([second.x0, second.y0, second.x1, second.y1, second.area], [4, 1, 4, 2, 2]);
  assert.equal(third.area, 1);
  assert.equal(labels[15], third.label);
  assert.equal(labels[2], 0);
});

Deno.test("labelComponents handles a frame-sized blob without recursion", () => {
  const rows = 600;
  const cols = 800;
  const { components } = labelComponents(new Uint8Array(rows * cols).fill(1), rows, cols);
  assert.equal(components.length, 1);
  assert.equal(components[0].area, rows * cols);
});

/** The stack flood fill this module used before it shared the ROI's run labelling: the reference. */
function floodComponents(
  binary: Uint8Array,
  rows: number,
  cols: number,
): { labels: Int32Array; components: Component[] } {
  const labels = new Int32Array(rows * cols);
  const components: Component[] = [];
  const stack = new Int32Array(rows * cols);
  let next = 0;
  for (let start = 0; start < binary.length; start++) {
    if (binary[start] === 0 || labels[start] !== 0) continue;
    const label = ++next;
    const component: Component = { label, x0: cols, y0: rows, x1: -1, y1: -1, area: 0 };
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const index = stack[--top];
      const y = (index / cols) | 0;
      const x = index - y * cols;
      component.area++;
      if (x < component.x0) component.x0 = x;
      if (x > component.x1) component.x1 = x;
      if (y < component.y0) component.y0 = y;
      if (y > component.y1) component.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= rows) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= cols) continue;
          const neighbour = ny * cols + nx;
          if (binary[neighbour] !== 0 && labels[neighbour] === 0) {
            labels[neighbour] = label;
            stack[top++] = neighbour;
          }
        }
      }
    }
    components.push(component);
  }
  return { labels, components };
}

Deno.test("labelComponents equals a flood fill on a real speckle mask: labels, order, boxes, areas", async () => {
  const { readVolume } = await import("../io/read.ts");
  const volume = await readVolume("../shared/data/public/dicom/OBXXXX1A.dcm");
  const binary = new Uint8Array(volume.rows * volume.cols);
  for (let p = 0; p < binary.length; p++) binary[p] = volume.data[p * 3] > 100 ? 1 : 0;
  const expected = floodComponents(binary, volume.rows, volume.cols);
  const actual = labelComponents(binary, volume.rows, volume.cols);
  assert.ok(actual.components.length > 10);
  assert.deepEqual(actual.components, expected.components);
  assert.deepEqual(actual.labels, expected.labels);
});
