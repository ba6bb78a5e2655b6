import assert from "node:assert/strict";
import { textScores, type TruthTextItem } from "./text_scores.ts";

const rows = 50, cols = 100;
const mask = (fill: (x: number, y: number) => boolean) => {
  const data = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) data[y * cols + x] = fill(x, y) ? 1 : 0;
  return { rows, cols, data };
};
const sector = mask((x, y) => x >= 40 && y >= 20);
const items: TruthTextItem[] = [
  { text: "DOE^JANE", is_phi: true, bbox: [2, 2, 30, 10], frames: [0] },
  { text: "LV", is_phi: false, bbox: [60, 30, 10, 10], frames: [0] },
];

Deno.test("textScores: a box outside the kept region is removed without any text mask", () => {
  const scores = textScores(items, mask(() => false), sector, sector);
  assert.equal(scores.phiRemoved, 1);
  assert.equal(scores.removed, 1);
  assert.deepEqual(scores.missed, [1]);
});

Deno.test("textScores: 98% coverage of an in-sector box is not removed, 100% is", () => {
  // 100 px box; leave 2 px unmasked.
  const almost = mask((x, y) => x >= 60 && x < 70 && y >= 30 && y < 40 && !(y === 30 && x < 62));
  assert.deepEqual(textScores(items, almost, sector, sector).missed, [1]);
  const full = mask((x, y) => x >= 60 && x < 70 && y >= 30 && y < 40);
  assert.equal(textScores(items, full, sector, sector).removed, 2);
});

Deno.test("textScores: blanking clean sector away from any box is over-masking; padding near a box is not", () => {
  const padded = mask((x, y) => x >= 58 && x < 72 && y >= 28 && y < 42);
  assert.equal(textScores(items, padded, sector, sector).overMaskedPixels, 0);
  const stray = mask((x, y) => x >= 80 && x < 90 && y >= 40 && y < 45);
  const scores = textScores(items, stray, sector, sector);
  assert.equal(scores.overMaskedPixels, 50);
  assert.ok(Math.abs(scores.overMaskedFraction - 50 / (60 * 30)) < 1e-12);
});

Deno.test("textScores: a case is flagged textInRoi only when a truth box touches the sector", () => {
  assert.equal(textScores(items, mask(() => false), sector, sector).textInRoi, true);
  assert.equal(textScores(items.slice(0, 1), mask(() => false), sector, sector).textInRoi, false);
});
