import assert from "node:assert/strict";
import { readVolume } from "../io/read.ts";
import type { Mask } from "../volume.ts";
import { diceScore } from "../metrics.ts";
import {
  createMask,
  maskAnd,
  maskAndInto,
  maskArea,
  maskBoundingBox,
  maskDice,
  maskOr,
  rowSpans,
  unionBox,
} from "./plane.ts";

/** Two masks of a real echo frame (bright pixels, and pixels of the red channel above a level). */
async function echoMasks(): Promise<[Mask, Mask]> {
  const volume = await readVolume("../shared/data/public/dicom/US1_UNCR.dcm");
  const { rows, cols } = volume;
  const bright = { rows, cols, data: new Uint8Array(rows * cols) };
  const red = { rows, cols, data: new Uint8Array(rows * cols) };
  for (let p = 0; p < rows * cols; p++) {
    bright.data[p] = volume.data[p * 3 + 1] > 60 ? 1 : 0;
    red.data[p] = volume.data[p * 3] > 30 ? 1 : 0;
  }
  return [bright, red];
}

Deno.test("maskAnd and maskOr equal the byte loops, word-aligned or not, with a tail", async () => {
  const [bright, red] = await echoMasks();
  // An odd length, and views one byte into their buffer (no whole words).
  for (const skip of [0, 1]) {
    const length = bright.data.length - 7 - skip;
    const view = (mask: Mask) => ({ rows: 1, cols: length, data: mask.data.subarray(skip, skip + length) });
    const [a, b] = [view(bright), view(red)];
    assert.deepEqual(maskAnd(a, b).data, a.data.map((value, i) => value & b.data[i]), `skip ${skip}`);
    assert.deepEqual(maskOr(a, b).data, a.data.map((value, i) => value | b.data[i]), `skip ${skip}`);
    const expected = a.data.map((value, i) => value & b.data[i]);
    const target = { ...a, data: a.data.slice() };
    assert.equal(maskAndInto(target, b), target);
    assert.deepEqual(target.data, expected, `into, skip ${skip}`);
  }
});

Deno.test("maskBoundingBox equals the box of every set pixel on odd widths and views off a word", () => {
  let state = 9;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (const [rows, cols] of [[13, 17], [20, 64], [9, 3], [1, 1]]) {
    for (const skip of [0, 1, 2]) {
      for (let trial = 0; trial < 20; trial++) {
        const data = new Uint8Array(rows * cols + skip).subarray(skip);
        const count = Math.floor(random() * 4);
        for (let k = 0; k < count; k++) data[Math.floor(random() * data.length)] = 1;
        let x0 = cols, y0 = rows, x1 = -1, y1 = -1;
        for (let i = 0; i < data.length; i++) {
          if (!data[i]) continue;
          const x = i % cols, y = Math.floor(i / cols);
          [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
        }
        const expected = x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
        assert.deepEqual(maskBoundingBox({ rows, cols, data }), expected, `${rows}x${cols} skip ${skip}`);
      }
    }
  }
});

Deno.test("maskBoundingBox equals the box of every set pixel on a real mask, and null when empty", async () => {
  const [bright] = await echoMasks();
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < bright.rows; y++) {
    for (let x = 0; x < bright.cols; x++) {
      if (!bright.data[y * bright.cols + x]) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  assert.deepEqual(maskBoundingBox(bright), { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 });
  assert.equal(maskBoundingBox({ rows: 3, cols: 5, data: new Uint8Array(15) }), null);
});

Deno.test("maskDice inside a box holding every set pixel equals diceScore over the frame", async () => {
  const [bright, red] = await echoMasks();
  const box = unionBox(maskBoundingBox(bright)!, maskBoundingBox(red)!);
  assert.equal(maskDice(bright, red, box), diceScore(bright, red));
  assert.equal(maskDice(red, red, box), 1);
  const empty = { rows: bright.rows, cols: bright.cols, data: new Uint8Array(bright.data.length) };
  assert.equal(maskDice(empty, empty, { x: 0, y: 0, width: 3, height: 3 }), 1);
  // A box that misses set pixels counts only what it holds.
  const half = { ...box, width: box.width >> 1 };
  assert.notEqual(maskDice(bright, red, half), diceScore(bright, red));
});

Deno.test("unionBox holds both boxes and nothing more", () => {
  assert.deepEqual(unionBox({ x: 5, y: 2, width: 3, height: 3 }, { x: 1, y: 4, width: 2, height: 6 }), {
    x: 1,
    y: 2,
    width: 7,
    height: 8,
  });
});

Deno.test("maskArea and maskDice count the same by word or by byte: any values, any alignment", async () => {
  const [bright, red] = await echoMasks();
  const n = bright.data.length;
  let byteArea = 0;
  for (let i = 0; i < n; i++) byteArea += bright.data[i];
  assert.equal(maskArea(bright), byteArea);
  // Values other than 0 and 1 (2 is not "set" for Dice, but counts its value in the area), shifted by one byte.
  const shifted = (mask: Mask) => {
    const data = new Uint8Array(n + 1).subarray(1);
    data.set(mask.data);
    return { ...mask, data };
  };
  const odd = {
    ...bright,
    data: bright.data.map((value, i) => (i % 97 === 0 ? 2 : i % 89 === 0 ? 255 : value)),
  };
  let oddArea = 0;
  for (let i = 0; i < n; i++) oddArea += odd.data[i];
  assert.equal(maskArea(odd), oddArea);
  assert.equal(maskArea(shifted(odd)), oddArea);
  // Lanes of 255s fold before they overflow.
  assert.equal(maskArea({ rows: 64, cols: 64, data: new Uint8Array(4096).fill(255) }), 255 * 4096);
  const frame = { x: 0, y: 0, width: bright.cols, height: bright.rows };
  const inner = { x: 3, y: 5, width: bright.cols - 10, height: bright.rows - 9 };
  for (const box of [frame, inner]) {
    const crop = (mask: Mask) => {
      const data = new Uint8Array(n);
      for (let y = box.y; y < box.y + box.height; y++) {
        for (let x = box.x; x < box.x + box.width; x++) {
          data[y * mask.cols + x] = mask.data[y * mask.cols + x];
        }
      }
      return { ...mask, data };
    };
    const expected = diceScore(crop(odd), crop(red));
    assert.equal(maskDice(odd, red, box), expected);
    assert.equal(maskDice(shifted(odd), red, box), expected);
  }
});

Deno.test("rowSpans gives each row's first and last set column, inside a box when given", () => {
  // Row 1 is empty; row 3 has one pixel; the box cuts row 0's right pixel and row 2's ends off.
  const mask = createMask(4, 6);
  mask.data.set([0, 1, 0, 1, 0, 0], 0);
  mask.data.set([1, 1, 1, 1, 1, 1], 12);
  mask.data.set([0, 0, 0, 0, 0, 1], 18);
  assert.deepEqual(rowSpans(mask), { rows: [0, 2, 3], firsts: [1, 0, 5], lasts: [3, 5, 5] });
  assert.deepEqual(rowSpans(mask, { x: 2, y: 0, width: 3, height: 3 }), {
    rows: [0, 2],
    firsts: [3, 2],
    lasts: [3, 4],
  });
});
