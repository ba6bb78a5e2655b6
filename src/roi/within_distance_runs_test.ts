import assert from "node:assert/strict";
import type { Mask } from "../volume.ts";
import { squaredDistanceTransform } from "./distance_transform.ts";
import { morphologyRuns, withinDistanceRuns } from "./within_distance_runs.ts";

function halfWidths(radius: number): [Int32Array, number] {
  const limit = Math.floor(radius * radius);
  const reach = Math.floor(Math.sqrt(limit));
  return [Int32Array.from({ length: reach + 1 }, (_, g) => Math.floor(Math.sqrt(limit - g * g))), reach];
}

function randomMask(rows: number, cols: number, density: number, seed: number): Mask {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  return { rows, cols, data: Uint8Array.from({ length: rows * cols }, () => (random() < density ? 1 : 0)) };
}

/** A filled sector-like blob (wider with depth) with a few dark pools, placed anywhere in the frame. */
function blob(rows: number, cols: number, apexX: number, apexY: number, seed: number): Mask {
  const mask = randomMask(rows, cols, 0.97, seed);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const inside = y >= apexY && Math.abs(x - apexX) <= 0.8 * (y - apexY) && y < apexY + 0.7 * rows;
      if (!inside) mask.data[y * cols + x] = 0;
    }
  }
  return mask;
}

Deno.test("withinDistanceRuns equals the thresholded exact transform, both feature values", () => {
  const masks: Mask[] = [
    blob(40, 53, 26, 3, 1),
    blob(37, 41, 2, 0, 2), // against the left and top sides
    blob(45, 30, 29, 10, 3), // cut by the right and bottom sides
    randomMask(23, 31, 0.5, 4),
    randomMask(19, 17, 0.05, 5),
    { rows: 6, cols: 9, data: new Uint8Array(54) },
    { rows: 6, cols: 9, data: new Uint8Array(54).fill(1) },
  ];
  for (const [m, mask] of masks.entries()) {
    for (const featureValue of [0, 1] as const) {
      const squared = squaredDistanceTransform(mask, featureValue);
      // The transform marks "no feature at all" with (rows + cols)², which a large radius would reach.
      const none = (mask.rows + mask.cols) ** 2;
      for (const radius of [1, 1.5, 2, 5, 6.3, 18]) {
        const [halfWidth, reach] = halfWidths(radius);
        const limit = Math.floor(radius * radius);
        assert.deepEqual(
          withinDistanceRuns(mask, featureValue, halfWidth, reach, Infinity),
          Uint8Array.from(squared, (d) => (d <= limit && d < none ? 1 : 0)),
          `mask ${m} feature ${featureValue} r=${radius}`,
        );
      }
    }
  }
});

Deno.test("withinDistanceRuns declines masks with more runs than allowed", () => {
  const mask = randomMask(20, 20, 0.5, 9);
  const [halfWidth, reach] = halfWidths(3);
  assert.equal(withinDistanceRuns(mask, 1, halfWidth, reach, 10), null);
  assert.ok(withinDistanceRuns(mask, 1, halfWidth, reach, 400));
});

Deno.test("morphologyRuns closes and opens as two thresholded exact transforms do", () => {
  const masks: Mask[] = [
    blob(40, 53, 26, 3, 11),
    blob(37, 41, 2, 0, 12), // against the left and top sides
    blob(45, 30, 29, 10, 13), // cut by the right and bottom sides
    randomMask(23, 31, 0.5, 14),
    randomMask(19, 17, 0.05, 15),
    randomMask(21, 26, 0.9, 16),
    { rows: 6, cols: 9, data: new Uint8Array(54) },
    { rows: 6, cols: 9, data: new Uint8Array(54).fill(1) },
  ];
  // Pixels within `radius` of a `featureValue` pixel, by the exact transform.
  const within = (mask: Mask, featureValue: 0 | 1, radius: number) => {
    const none = (mask.rows + mask.cols) ** 2, limit = Math.floor(radius * radius);
    return Uint8Array.from(
      squaredDistanceTransform(mask, featureValue),
      (d) => (d <= limit && d < none ? 1 : 0),
    );
  };
  const dilate = (mask: Mask, radius: number): Mask => ({ ...mask, data: within(mask, 1, radius) });
  const erode = (mask: Mask, radius: number): Mask => ({
    ...mask,
    data: within(mask, 0, radius).map((v) => 1 - v),
  });
  for (const [m, mask] of masks.entries()) {
    for (const radius of [1, 2, 2.5, 5, 8]) {
      const [halfWidth, reach] = halfWidths(radius);
      assert.deepEqual(
        morphologyRuns(mask, "close", halfWidth, reach, Infinity),
        erode(dilate(mask, radius), radius).data,
        `closing mask ${m} r=${radius}`,
      );
      assert.deepEqual(
        morphologyRuns(mask, "open", halfWidth, reach, Infinity),
        dilate(erode(mask, radius), radius).data,
        `opening mask ${m} r=${radius}`,
      );
    }
  }
  const [halfWidth, reach] = halfWidths(3);
  assert.equal(morphologyRuns(randomMask(20, 20, 0.5, 9), "close", halfWidth, reach, 10), null);
});
