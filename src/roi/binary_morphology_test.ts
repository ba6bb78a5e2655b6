import assert from "node:assert/strict";
import type { Mask } from "../volume.ts";
import { binaryClosing, binaryDilation, binaryErosion, binaryOpening } from "./binary_morphology.ts";
import { toDisplay8 } from "../display.ts";
import { readDicom } from "../io/dicom/read_dicom.ts";
import { diskMorphology, squaredDistanceTransform, withinDistance } from "./distance_transform.ts";

function randomMask(rows: number, cols: number, density: number, seed: number): Mask {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  return { rows, cols, data: Uint8Array.from({ length: rows * cols }, () => (random() < density ? 1 : 0)) };
}

/** Disk operations by definition: every offset with dx² + dy² ≤ r², outside pixels ignored. */
function bruteForce(mask: Mask, radius: number, erode: boolean): Uint8Array {
  const { rows, cols, data } = mask;
  const out = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      let hit = erode ? 1 : 0;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          if (dx * dx + dy * dy > radius * radius) continue;
          const yy = y + dy, xx = x + dx;
          if (yy < 0 || xx < 0 || yy >= rows || xx >= cols) continue;
          if (erode && !data[yy * cols + xx]) hit = 0;
          if (!erode && data[yy * cols + xx]) hit = 1;
        }
      }
      out[y * cols + x] = hit;
    }
  }
  return out;
}

Deno.test("squaredDistanceTransform matches brute force on random masks", () => {
  for (let trial = 0; trial < 30; trial++) {
    const mask = randomMask(3 + trial % 17, 2 + (trial * 7) % 19, 0.05 + 0.01 * trial, trial + 1);
    const distance = squaredDistanceTransform(mask, 1);
    for (let y = 0; y < mask.rows; y++) {
      for (let x = 0; x < mask.cols; x++) {
        let best = Infinity;
        for (let yy = 0; yy < mask.rows; yy++) {
          for (let xx = 0; xx < mask.cols; xx++) {
            if (mask.data[yy * mask.cols + xx]) best = Math.min(best, (x - xx) ** 2 + (y - yy) ** 2);
          }
        }
        const got = distance[y * mask.cols + x];
        if (best === Infinity) assert.ok(got >= (mask.rows + mask.cols) ** 2);
        else assert.equal(got, best, `trial ${trial} at (${x}, ${y})`);
      }
    }
  }
});

Deno.test("erosion and dilation by a disk match the definition for several radii", () => {
  for (const radius of [1, 2, 3, 5]) {
    const mask = randomMask(31, 37, 0.6, radius * 13);
    assert.deepEqual(binaryErosion(mask, radius).data, bruteForce(mask, radius, true), `erosion r=${radius}`);
    const sparse = randomMask(31, 37, 0.03, radius * 17);
    assert.deepEqual(
      binaryDilation(sparse, radius).data,
      bruteForce(sparse, radius, false),
      `dilation r=${radius}`,
    );
  }
});

Deno.test("opening removes thin lines, closing fills thin gaps, both keep a square", () => {
  const rows = 40, cols = 40;
  const data = new Uint8Array(rows * cols);
  for (let y = 10; y < 30; y++) data.fill(1, y * cols + 10, y * cols + 30);
  const square = { rows, cols, data: data.slice() };
  for (let x = 0; x < 10; x++) data[20 * cols + x] = 1; // a one-pixel line attached to the square
  const opened = binaryOpening({ rows, cols, data }, 2);
  assert.equal(opened.data[20 * cols + 3], 0);
  assert.equal(opened.data[20 * cols + 20], 1);
  const gap = square.data.slice();
  for (let y = 12; y < 28; y++) gap[y * cols + 20] = 0; // an enclosed one-pixel slit
  const closed = binaryClosing({ rows, cols, data: gap }, 1);
  assert.deepEqual(closed.data, square.data);
});

Deno.test("radius 0 returns an unchanged copy", () => {
  const mask = randomMask(5, 5, 0.5, 3);
  const eroded = binaryErosion(mask, 0);
  assert.deepEqual(eroded.data, mask.data);
  assert.notEqual(eroded.data, mask.data);
});

Deno.test("withinDistance equals the thresholded exact transform on a real echo frame, any radius", async () => {
  const path = new URL("../../../shared/data/public/dicom/OBXXXX1A.dcm", import.meta.url).pathname;
  const volume = toDisplay8(await readDicom(await Deno.readFile(path), { path }));
  const mask: Mask = {
    rows: volume.rows,
    cols: volume.cols,
    data: new Uint8Array(volume.rows * volume.cols),
  };
  for (let p = 0; p < mask.data.length; p++) mask.data[p] = volume.data[p * volume.channels] > 40 ? 1 : 0;
  for (const featureValue of [0, 1] as const) {
    const squared = squaredDistanceTransform(mask, featureValue);
    for (const radius of [1.5, 2, 7.3, 15, 60]) {
      const limit = Math.floor(radius * radius);
      const expected = Uint8Array.from(squared, (d) => (d <= limit ? 1 : 0));
      assert.deepEqual(
        withinDistance(mask, featureValue, radius),
        expected,
        `feature ${featureValue} r=${radius}`,
      );
    }
  }
});

Deno.test("withinDistance equals the transform on the kernel's edges: odd widths, narrow masks, reach past 253", async () => {
  const path = new URL("../../../shared/data/public/dicom/US1_UNCR.dcm", import.meta.url).pathname;
  const volume = toDisplay8(await readDicom(await Deno.readFile(path), { path }));
  // Crops of a real frame: 37 columns (two 16-wide chunks and a tail), 15 (below the kernel's 16),
  // and the whole 640-wide frame at a radius whose reach no longer fits a byte.
  const crops = [
    { rows: 101, cols: 37, radii: [1, 4.5, 30] },
    { rows: 300, cols: 15, radii: [2, 9] },
    { rows: volume.rows, cols: volume.cols, radii: [260] },
  ];
  for (const { rows, cols, radii } of crops) {
    const mask: Mask = { rows, cols, data: new Uint8Array(rows * cols) };
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        // Offset into the frame so the crop holds both text and anatomy edges.
        const source = ((y + 40) % volume.rows) * volume.cols + ((x + 200) % volume.cols);
        mask.data[y * cols + x] = volume.data[source * volume.channels] > 60 ? 1 : 0;
      }
    }
    assert.ok(mask.data.some((v) => v === 1) && mask.data.some((v) => v === 0), `${cols} columns: mixed`);
    for (const featureValue of [0, 1] as const) {
      const squared = squaredDistanceTransform(mask, featureValue);
      for (const radius of radii) {
        const limit = Math.floor(radius * radius);
        assert.deepEqual(
          withinDistance(mask, featureValue, radius),
          Uint8Array.from(squared, (d) => (d <= limit ? 1 : 0)),
          `${rows}x${cols} feature ${featureValue} r=${radius}`,
        );
      }
    }
  }
});

Deno.test("diskMorphology closes and opens by the definition, and declines masks with too many runs", () => {
  for (const radius of [1, 2, 3]) {
    // A solid block with specks and notches: few runs a row, as scan evidence has.
    const rows = 120, cols = 150;
    const data = new Uint8Array(rows * cols);
    for (let y = 10; y < 110; y++) {
      for (let x = 20; x < 130; x++) data[y * cols + x] = (x * 7 + y * 3) % 61 === 0 ? 0 : 1;
    }
    for (let y = 0; y < 8; y++) data[y * cols + 60] = 1; // a thin spur from the top side
    for (let y = 50; y < 53; y++) data.fill(0, y * cols + 70, y * cols + 75); // a small hole
    const mask = { rows, cols, data };
    const closed = bruteForce({ rows, cols, data: bruteForce(mask, radius, false) }, radius, true);
    const opened = bruteForce({ rows, cols, data: bruteForce(mask, radius, true) }, radius, false);
    // Up to r = 2 the runs are within budget here (r = 3 leaves the opening to the pixel passes).
    if (radius <= 2) {
      assert.deepEqual(diskMorphology(mask, "close", radius), closed, `closing r=${radius}`);
      assert.deepEqual(diskMorphology(mask, "open", radius), opened, `opening r=${radius}`);
    }
    assert.deepEqual(binaryClosing(mask, radius).data, closed);
    assert.deepEqual(binaryOpening(mask, radius).data, opened);
  }
  // Speckle everywhere: more runs than merging pays for.
  assert.equal(diskMorphology(randomMask(20, 20, 0.5, 3), "close", 5), null);
});
