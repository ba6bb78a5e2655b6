import assert from "node:assert/strict";
import { readVolume } from "./io/read.ts";
import { blankOutside, cropVolume, keepRegion, prepareRegion } from "./volume_ops.ts";
import type { Mask, Volume } from "./volume.ts";

const PUBLIC = new URL("../../shared/data/public/dicom/", import.meta.url).pathname;

/** A disc-shaped region with its bounding box, like an ultrasound sector's mask. */
function discMask(
  rows: number,
  cols: number,
): { mask: Mask; box: { x: number; y: number; width: number; height: number } } {
  const data = new Uint8Array(rows * cols);
  const cx = cols * 0.55, cy = rows * 0.45, radius = Math.min(rows, cols) * 0.35;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) data[y * cols + x] = (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2 ? 1 : 0;
  }
  const x0 = Math.ceil(cx - radius), y0 = Math.ceil(cy - radius);
  const x1 = Math.floor(cx + radius), y1 = Math.floor(cy + radius);
  return { mask: { rows, cols, data }, box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } };
}

function copyOf(volume: Volume): Volume {
  return { ...volume, data: volume.data.slice() };
}

for (const file of ["US1_UNCR.dcm", "CT1_JPLL.dcm", "OBXXXX1A_2frame.dcm"]) {
  Deno.test(`keepRegion equals blank-then-crop on ${file}`, async () => {
    const volume = await readVolume(`${PUBLIC}${file}`);
    const { mask, box } = discMask(volume.rows, volume.cols);
    const expected = cropVolume(blankOutside(copyOf(volume), mask, 7), box);
    const kept = keepRegion(copyOf(volume), prepareRegion(mask, box), 7);
    assert.deepEqual([kept.frames, kept.rows, kept.cols, kept.channels], [
      expected.frames,
      expected.rows,
      expected.cols,
      expected.channels,
    ]);
    assert.equal(kept.data.length, expected.data.length);
    assert.ok(kept.data.every((value, i) => value === expected.data[i]), "same samples");
    // The disc's corners are outside the mask: they hold the fill value.
    assert.equal(kept.data[0], 7);
  });
}

Deno.test("blankOutside fills exactly the pixels outside the mask, on every frame and channel", async () => {
  const volume = await readVolume(`${PUBLIC}OBXXXX1A_2frame.dcm`);
  const { mask } = discMask(volume.rows, volume.cols);
  const blanked = blankOutside(copyOf(volume), mask, 0);
  const pixels = volume.rows * volume.cols;
  for (let frame = 0; frame < volume.frames; frame++) {
    for (let pixel = 0; pixel < pixels; pixel += 97) {
      for (let channel = 0; channel < volume.channels; channel++) {
        const i = (frame * pixels + pixel) * volume.channels + channel;
        assert.equal(blanked.data[i], mask.data[pixel] ? volume.data[i] : 0);
      }
    }
  }
});

Deno.test("keepRegion refuses a box outside the frame", async () => {
  const volume = await readVolume(`${PUBLIC}CT_small.dcm`);
  assert.throws(
    () => keepRegion(volume, prepareRegion(null, { x: 1, y: 1, width: volume.cols, height: 2 }), 0),
    /crop box .* is outside/,
  );
});
