import assert from "node:assert/strict";
import { labelComponents } from "./label_components.ts";

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
