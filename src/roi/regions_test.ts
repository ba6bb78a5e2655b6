import assert from "node:assert/strict";
import { createVolume, type Mask } from "../volume.ts";
import { maskArea } from "./plane.ts";
import {
  cleanRegion,
  colorMask,
  contentMask,
  largestRegion,
  pylogikRadius,
  smallestRegion,
} from "./regions.ts";

function canvas(rows: number, cols: number): Mask {
  return { rows, cols, data: new Uint8Array(rows * cols) };
}
function fill(mask: Mask, x0: number, y0: number, x1: number, y1: number) {
  for (let y = y0; y <= y1; y++) mask.data.fill(1, y * mask.cols + x0, y * mask.cols + x1 + 1);
}

Deno.test("smallestRegion: box of the content, isolated noise specks ignored", () => {
  const content = canvas(100, 120);
  fill(content, 20, 30, 80, 70);
  fill(content, 90, 10, 95, 12); // a real small object is kept in the box
  content.data[99 * 120 + 119] = 1; // one noise pixel
  const region = smallestRegion(content, { minSpeck: 2 });
  assert.deepEqual(region.box, { x: 20, y: 10, width: 76, height: 61 });
  assert.equal(maskArea(region.mask), 76 * 61);
  assert.equal(smallestRegion(canvas(5, 5)).box, null);
});

Deno.test("largestRegion: attached text and thin trace removed, corners restored", () => {
  const content = canvas(200, 200);
  fill(content, 40, 40, 160, 160); // the object (square corners)
  fill(content, 161, 100, 199, 101); // a 2-px trace attached to it
  fill(content, 0, 0, 30, 20); // a separate text block
  const region = largestRegion(content, { radius: 6 });
  // The trace is cut within half a radius of the object's border (the price of restoring corners).
  assert.deepEqual({ ...region.box, width: 0 }, { x: 40, y: 40, width: 0, height: 121 });
  assert.ok(region.box!.width >= 121 && region.box!.width <= 121 + 6 / 2 + 1, `width ${region.box!.width}`);
  assert.equal(region.mask.data[40 * 200 + 40], 1); // the corner survived the opening
  assert.equal(region.mask.data[10 * 200 + 10], 0);
  assert.equal(region.mask.data[100 * 200 + 180], 0);
  assert.equal(pylogikRadius(710), 15);
  assert.equal(pylogikRadius(768), 16);
});

Deno.test("cleanRegion: small objects removed, holes filled, colour kept only with keepColor", () => {
  const content = canvas(200, 200);
  fill(content, 50, 50, 150, 150);
  fill(content, 5, 5, 12, 12); // marker: 64 px < 1% of 40 000
  content.data[100 * 200 + 100] = 0; // a hole (dark pixel) inside
  const color = canvas(200, 200);
  fill(color, 90, 90, 95, 95); // Doppler inside the region
  const cleaned = cleanRegion(content, { color });
  assert.equal(cleaned.mask.data[8 * 200 + 8], 0);
  assert.equal(cleaned.mask.data[100 * 200 + 100], 1);
  assert.equal(cleaned.mask.data[92 * 200 + 92], 0);
  assert.equal(cleanRegion(content, { color, keepColor: true }).mask.data[92 * 200 + 92], 1);
  assert.deepEqual(cleaned.box, { x: 50, y: 50, width: 101, height: 101 });
});

Deno.test("contentMask and colorMask look at every frame", () => {
  const volume = createVolume({
    frames: 2,
    rows: 1,
    cols: 3,
    channels: 3,
    type: "uint8",
    meta: { format: "image" },
  });
  volume.data.set([0, 0, 0, 90, 90, 90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200, 10, 10]);
  assert.deepEqual([...contentMask(volume).data], [0, 1, 1]);
  assert.deepEqual([...colorMask(volume).data], [0, 0, 1]);
});
