import assert from "node:assert/strict";
import { clearFlatBands } from "./flat_bands.ts";

function scene(banner: boolean, blankedFrom = 0) {
  const rows = 60;
  const cols = 80;
  const data = new Float32Array(rows * cols);
  if (banner) data.fill(40, 0, 6 * cols); // a flat grey title bar, full width
  // Text blanked out of the bar's left end: what is left no longer spans the frame.
  for (let y = 0; y < 6; y++) data.fill(0, y * cols, y * cols + blankedFrom);
  // Speckle-like scan area touching the bar.
  for (let y = 6; y < 50; y++) {
    for (let x = 20; x < 60; x++) data[y * cols + x] = 20 + ((x * 7 + y * 13) % 150);
  }
  const mask = { rows, cols, data: new Uint8Array(rows * cols) };
  for (let i = 0; i < data.length; i++) mask.data[i] = data[i] > 0.5 ? 1 : 0;
  return { mask, plane: { rows, cols, data } };
}

Deno.test("clearFlatBands removes a full-width flat banner and keeps the speckled scan area", () => {
  const { mask, plane } = scene(true);
  const cleared = clearFlatBands(mask, plane, 0.5);
  for (let y = 0; y < 6; y++) {
    for (let x = 0; x < 80; x++) assert.equal(cleared.data[y * 80 + x], 0, `banner ${x},${y}`);
  }
  let kept = 0;
  for (let y = 6; y < 50; y++) for (let x = 20; x < 60; x++) kept += cleared.data[y * 80 + x];
  assert.ok(kept / (44 * 40) > 0.95, `scan area kept: ${kept}`);
  assert.equal(cleared.data[30 * 80 + 40], 1);
});

Deno.test("clearFlatBands leaves a mask without banners unchanged", () => {
  const { mask, plane } = scene(false);
  assert.deepEqual(clearFlatBands(mask, plane, 0.5).data, mask.data);
});

Deno.test("clearFlatBands removes a banner whose left end was blanked with its text", () => {
  const { mask, plane } = scene(true, 30);
  const cleared = clearFlatBands(mask, plane, 0.5);
  for (let y = 0; y < 6; y++) {
    for (let x = 30; x < 80; x++) assert.equal(cleared.data[y * 80 + x], 0, `banner ${x},${y}`);
  }
  let kept = 0;
  for (let y = 6; y < 50; y++) for (let x = 20; x < 60; x++) kept += cleared.data[y * 80 + x];
  assert.ok(kept / (44 * 40) > 0.95, `scan area kept: ${kept}`);
});

Deno.test("clearFlatBands keeps speckle that reaches a frame side", () => {
  const rows = 40, cols = 40;
  const data = new Float32Array(rows * cols);
  for (let y = 0; y < 30; y++) {
    for (let x = 0; x < 25; x++) data[y * cols + x] = 20 + ((x * 7 + y * 13) % 150);
  }
  const mask = { rows, cols, data: new Uint8Array(rows * cols) };
  for (let i = 0; i < data.length; i++) mask.data[i] = data[i] > 0.5 ? 1 : 0;
  assert.deepEqual(clearFlatBands(mask, { rows, cols, data }, 0.5).data, mask.data);
});

Deno.test("clearFlatBands gives the same mask from whole grey levels (histogram) and from fractional ones (sort)", async () => {
  const { readVolume } = await import("../io/read.ts");
  const { temporalExtremes } = await import("./temporal_stats.ts");
  const { backgroundThreshold } = await import("./background_threshold.ts");
  // A real echo with a title banner: its max projection holds whole grey levels.
  const stats = temporalExtremes(await readVolume("../shared/data/public/dicom/OBXXXX1A.dcm"));
  const threshold = backgroundThreshold(stats.max);
  const mask = { rows: stats.max.rows, cols: stats.max.cols, data: new Uint8Array(stats.max.data.length) };
  for (let i = 0; i < mask.data.length; i++) mask.data[i] = stats.max.data[i] > threshold ? 1 : 0;
  const whole = clearFlatBands(mask, stats.max, threshold);
  assert.ok(whole.data.some((value, i) => value !== mask.data[i]), "the banner is cleared");
  // Shifted by a quarter level, with the threshold: every comparison keeps its outcome.
  const shifted = { ...stats.max, data: stats.max.data.map((value) => value + 0.25) };
  assert.deepEqual(clearFlatBands(mask, shifted, threshold + 0.25).data, whole.data);
});

Deno.test("clearFlatBands takes a banner for spanning the frame up to the slack at either end, not past it", () => {
  // 80-px rows: slack 2. A flat bar with three bright pixels at one end (too short a border run to
  // clear on their own) and `gap` black pixels at the other end, clear of the top and bottom.
  const rows = 30, cols = 80;
  const banner = (gap: number, gapOnLeft: boolean) => {
    const data = new Float32Array(rows * cols);
    for (let y = 10; y < 14; y++) {
      data.fill(40, y * cols, (y + 1) * cols);
      const [bright, black] = gapOnLeft ? [cols - 3, 0] : [0, cols - gap];
      data.fill(200, y * cols + bright, y * cols + bright + 3);
      data.fill(0, y * cols + black, y * cols + black + gap);
    }
    const mask = { rows, cols, data: new Uint8Array(rows * cols) };
    for (let i = 0; i < data.length; i++) mask.data[i] = data[i] > 0.5 ? 1 : 0;
    return clearFlatBands(mask, { rows, cols, data }, 0.5).data[12 * cols + 40];
  };
  for (const gapOnLeft of [true, false]) {
    assert.equal(banner(2, gapOnLeft), 0, `gap of 2 (left ${gapOnLeft}): a banner`);
    assert.equal(banner(3, gapOnLeft), 1, `gap of 3 (left ${gapOnLeft}): not spanning`);
  }
});
