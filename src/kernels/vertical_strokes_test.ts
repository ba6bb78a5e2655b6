import assert from "node:assert/strict";
import { readVolume } from "../io/read.ts";
import { verticalStrokes } from "./vertical_strokes.ts";

/** The plain loops the kernel replaces (src/text/stroke_candidates.ts before it). */
function referenceStrokes(
  bright: Uint8Array,
  rows: number,
  cols: number,
  contrast: number,
  min: number,
  max: number,
) {
  const ridge = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 3; x < cols - 3; x++) {
      const p = y * cols + x;
      const side = Math.min(Math.max(bright[p - 2], bright[p + 2]), Math.max(bright[p - 3], bright[p + 3]));
      if (bright[p] - side >= contrast) ridge[p] = 1;
    }
  }
  const wide = new Uint8Array(rows * cols);
  for (let p = 0; p < wide.length; p++) {
    const x = p % cols;
    wide[p] = ridge[p] | (x > 0 ? ridge[p - 1] : 0) | (x < cols - 1 ? ridge[p + 1] : 0);
  }
  const strokes = new Uint8Array(rows * cols);
  for (let x = 0; x < cols; x++) {
    for (let y = 0; y < rows;) {
      if (!wide[y * cols + x]) {
        y++;
        continue;
      }
      let end = y;
      while (end < rows && wide[end * cols + x]) end++;
      if (end - y >= min && end - y <= max) {
        for (let k = y; k < end; k++) strokes[k * cols + x] = ridge[k * cols + x];
      }
      y = end;
    }
  }
  return strokes;
}

/** The brightest channel of a real RGB frame with text on speckle, cropped to cols columns. */
async function realBrightness(cols: number) {
  const loop = await readVolume("fixtures/inputs/case_0000.dcm");
  const data = loop.data as Uint8Array;
  const bright = new Uint8Array(loop.rows * cols);
  for (let y = 0; y < loop.rows; y++) {
    for (let x = 0; x < cols; x++) {
      const i = (y * loop.cols + x) * 3;
      bright[y * cols + x] = Math.max(data[i], data[i + 1], data[i + 2]);
    }
  }
  return { bright, rows: loop.rows };
}

Deno.test("verticalStrokes equals the plain stroke loops on a real frame, at odd widths and thresholds", async () => {
  for (const cols of [400, 397, 16]) {
    const { bright, rows } = await realBrightness(cols);
    for (const [contrast, min, max] of [[40, 6, 24], [30, 6, 24], [1, 0, 253], [12, 2, 8], [255, 6, 24]]) {
      const expected = referenceStrokes(bright, rows, cols, contrast, min, max);
      if (cols === 400 && contrast <= 40) assert.ok(expected.some((v) => v), "the frame has strokes");
      assert.deepEqual(
        verticalStrokes(bright, rows, cols, { contrast, minStroke: min, maxStroke: max }),
        expected,
        `${cols} ${contrast} ${min} ${max}`,
      );
    }
  }
});

Deno.test("verticalStrokes declines narrow frames and thresholds outside bytes", async () => {
  const { bright, rows } = await realBrightness(15);
  assert.equal(verticalStrokes(bright, rows, 15, { contrast: 40, minStroke: 6, maxStroke: 24 }), null);
  const wide = await realBrightness(64);
  for (const options of [{ contrast: 0 }, { contrast: 256 }, { contrast: 30.5 }, { maxStroke: 254 }]) {
    const all = { contrast: 40, minStroke: 6, maxStroke: 24, ...options };
    assert.equal(verticalStrokes(wide.bright, wide.rows, 64, all), null);
  }
});
