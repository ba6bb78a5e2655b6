import assert from "node:assert/strict";
import { toDisplay8 } from "../display.ts";
import { readDicom } from "../io/dicom/read_dicom.ts";
import { frame8 } from "../volume.ts";
import { edgePadding, padFrame, quietDepths } from "./edge_pad.ts";

const DATA = new URL("../../../shared/data/public/dicom/", import.meta.url);

Deno.test("padFrame surrounds the frame with its edge colour and rounds up to the multiple", () => {
  const frame = { rows: 2, cols: 2, channels: 3 as const, data: new Uint8Array(12).fill(9) };
  frame.data.set([200, 200, 200], 0);
  const padded = padFrame(frame, { top: 2, bottom: 2, left: 2, right: 2 });
  assert.equal(padded.rows, 6);
  assert.equal(padded.cols, 6);
  assert.deepEqual(Array.from(padded.data.subarray(0, 3)), [9, 9, 9]);
  assert.deepEqual(Array.from(padded.data.subarray((2 * 6 + 2) * 3, (2 * 6 + 2) * 3 + 3)), [200, 200, 200]);
  const rounded = padFrame(frame, { top: 1, bottom: 0, left: 0, right: 0 }, 32);
  assert.equal(rounded.rows, 32);
  assert.equal(rounded.cols, 32);
  assert.deepEqual(Array.from(rounded.data.subarray(32 * 3, 32 * 3 + 3)), [200, 200, 200]);
});

Deno.test("quietDepths counts uniform outer lines, tolerating JPEG noise but not a glyph", () => {
  const rows = 20;
  const cols = 30;
  const frame = { rows, cols, channels: 1 as const, data: new Uint8Array(rows * cols) };
  frame.data.forEach((_, i) => (frame.data[i] = i % 3)); // noise of ±2 levels stays quiet
  frame.data[4 * cols + 25] = 255; // a bright stroke 4 rows down, 4 columns in from the right
  assert.deepEqual(quietDepths(frame, 16), { top: 4, bottom: 15, left: 16, right: 4 });
  assert.deepEqual(edgePadding(frame, 16), { top: 12, bottom: 1, left: 0, right: 12 });
});

Deno.test("edgePadding pads only where an echo frame's content reaches the edge (OBXXXX1A banner)", async () => {
  const path = new URL("OBXXXX1A.dcm", DATA).pathname;
  const frame = frame8(toDisplay8(await readDicom(await Deno.readFile(path), { path })), 0);
  const pads = edgePadding(frame, 16);
  // The blue banner runs to both sides; below the image the screen is black.
  assert.equal(pads.left, 16);
  assert.equal(pads.right, 16);
  assert.equal(pads.bottom, 0);
  assert.ok(pads.top > 0 && pads.top < 16, `top ${pads.top}`);
  // Rounded to the DB net's multiple of 32, the rows that rounding adds go to the top first.
  const rounded = edgePadding(frame, 16, 32);
  assert.equal(frame.rows + rounded.top + rounded.bottom, 608);
  assert.equal(frame.cols + rounded.left + rounded.right, 832);
  assert.equal(rounded.bottom, 0);
  // A black frame with no quiet lines to spare keeps the whole border once rounding gives room.
  const black = { rows: 40, cols: 40, channels: 1 as const, data: new Uint8Array(1600) };
  assert.deepEqual(edgePadding(black, 16, 32), { top: 16, bottom: 8, left: 16, right: 8 });
});
