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
  const outside = new Uint8Array(rows * cols);
  // Scanline flood fill from the border: whole background spans are marked at once, and only the
  // start of each span beside them is pushed, instead of every pixel.
  let stack = new Int32Array(Math.max(16, 2 * (rows + cols)));
  let top = 0;
  const push = (i: number) => {
    if (top === stack.length) {
      const grown = new Int32Array(stack.length * 2);
      grown.set(stack);
      stack = grown;
    }
    stack[top++] = i;
  };
  const isOpen = (i: number) => data[i] === 0 && outside[i] === 0;
  for (let x = 0; x < cols; x++) {
    push(x);
    push((rows - 1) * cols + x);
  }
  for (let y = 1; y < rows - 1; y++) {
    push(y * cols);
    push(y * cols + cols - 1);
  }
  while (top > 0) {
    const seed = stack[--top];
    if (!isOpen(seed)) continue;
    const rowStart = seed - (seed % cols);
    let left = seed, right = seed;
    while (left > rowStart && isOpen(left - 1)) left--;
    while (right + 1 < rowStart + cols && isOpen(right + 1)) right++;
    outside.fill(1, left, right + 1);
    for (const neighbour of [left - cols, left + cols]) {
      if (neighbour < 0 || neighbour >= rows * cols) continue;
      // One seed per open span of the neighbouring row under [left, right].
      let spanOpen = false;
      for (let i = neighbour; i <= neighbour + (right - left); i++) {
        const open = isOpen(i);
        if (open && !spanOpen) push(i);
        spanOpen = open;
      }
    }
  }
  const out = new Uint8Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = outside[i] ? 0 : 1;
  return { rows, cols, data: out };
}
