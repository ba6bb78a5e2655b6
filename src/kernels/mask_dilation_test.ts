import assert from "node:assert/strict";
import { readVolume } from "../io/read.ts";
import { dilateRect } from "./mask_dilation.ts";

/** The plain loop the kernel replaces: a set pixel anywhere in the clipped rectangle around p. */
function referenceDilate(mask: Uint8Array, rows: number, cols: number, rx: number, ry: number) {
  const out = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      let on = 0;
      for (let yy = Math.max(0, y - ry); yy <= Math.min(rows - 1, y + ry); yy++) {
        for (let xx = Math.max(0, x - rx); xx <= Math.min(cols - 1, x + rx); xx++) on |= mask[yy * cols + xx];
      }
      out[y * cols + x] = on;
    }
  }
  return out;
}

/** Bright pixels of a real frame's green channel, cropped to its middle cols columns: text and speckle. */
async function realMask(cols: number, threshold: number) {
  const loop = await readVolume("fixtures/inputs/case_0000.dcm");
  const data = loop.data as Uint8Array;
  const rows = loop.rows;
  const x0 = (loop.cols - cols) >> 1;
  const mask = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      mask[y * cols + x] = data[(y * loop.cols + x0 + x) * 3 + 1] > threshold ? 1 : 0;
    }
  }
  return { mask, rows, cols };
}

Deno.test("dilateRect equals the plain rectangle dilation on a real frame, for the radii in use and odd widths", async () => {
  for (const [cols, threshold] of [[400, 200], [397, 120], [13, 100], [5, 100]]) {
    const { mask, rows } = await realMask(cols, threshold);
    assert.ok(mask.some((v) => v) && mask.some((v) => !v), "the mask has both values");
    for (const [rx, ry] of [[6, 2], [1, 0], [4, 2], [0, 3], [0, 0], [9, 1]]) {
      assert.deepEqual(
        dilateRect(mask, rows, cols, rx, ry),
        referenceDilate(mask, rows, cols, rx, ry),
        `${cols} ${rx} ${ry}`,
      );
    }
  }
});

Deno.test("dilateRect keeps set pixels at the very edges and corners within the frame", () => {
  const rows = 20, cols = 32;
  const mask = new Uint8Array(rows * cols);
  for (const p of [0, cols - 1, cols, 5 * cols - 1, rows * cols - cols, rows * cols - 1]) mask[p] = 1;
  assert.deepEqual(dilateRect(mask, rows, cols, 6, 2), referenceDilate(mask, rows, cols, 6, 2));
  assert.throws(() => dilateRect(mask, rows, cols, -1, 0), RangeError);
});
