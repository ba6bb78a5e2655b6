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
  const stack = new Int32Array(rows * cols);
  let top = 0;
  const seed = (i: number) => {
    if (data[i] === 0 && outside[i] === 0) {
      outside[i] = 1;
      stack[top++] = i;
    }
  };
  for (let x = 0; x < cols; x++) {
    seed(x);
    seed((rows - 1) * cols + x);
  }
  for (let y = 0; y < rows; y++) {
    seed(y * cols);
    seed(y * cols + cols - 1);
  }
  while (top > 0) {
    const i = stack[--top];
    const x = i % cols;
    if (x > 0) seed(i - 1);
    if (x + 1 < cols) seed(i + 1);
    if (i >= cols) seed(i - cols);
    if (i + cols < rows * cols) seed(i + cols);
  }
  const out = new Uint8Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = outside[i] ? 0 : 1;
  return { rows, cols, data: out };
}
