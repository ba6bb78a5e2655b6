import assert from "node:assert/strict";
import { toDisplay8 } from "../display.ts";
import { readDicom } from "../io/dicom/read_dicom.ts";
import { createVolume, frame8, type Volume } from "../volume.ts";
import { echoDicom } from "../../scripts/bench/synthetic_echo.ts";
import { changingRegions, chromaView, temporalMinimum } from "./text_views.ts";

async function read8(name: string): Promise<Volume> {
  const path = new URL(`../../../shared/data/public/dicom/${name}`, import.meta.url).pathname;
  return toDisplay8(await readDicom(await Deno.readFile(path), { path }));
}

function meanOf(
  data: Uint8Array,
  cols: number,
  channels: number,
  x0: number,
  y0: number,
  size: number,
): number {
  let sum = 0;
  for (let y = y0; y < y0 + size; y++) {
    for (let x = x0; x < x0 + size; x++) sum += data[(y * cols + x) * channels];
  }
  return sum / (size * size);
}

Deno.test("chromaView lights the blue banner of OBXXXX1A and is null for grey frames", async () => {
  const ob = await read8("OBXXXX1A.dcm");
  const view = chromaView(frame8(ob, 0));
  assert.ok(view, "no chroma view for a frame with a blue banner");
  assert.equal(view.channels, 1);
  // The banner runs along the top (its white text has no chroma); the grey scan below it has none.
  assert.ok(meanOf(view.data, view.cols, 1, 0, 0, 8) > 30, "banner not bright in the chroma view");
  assert.ok(meanOf(view.data, view.cols, 1, 380, 300, 16) < 5, "grey anatomy not dark in the chroma view");
  // CT as it is (one channel) and replicated to grey RGB: no colour, no view.
  const ct = frame8(await read8("CT_small.dcm"), 0);
  assert.ok(chromaView(ct) === null);
  const rgb = new Uint8Array(ct.data.length * 3);
  ct.data.forEach((value, i) => rgb.fill(value, 3 * i, 3 * i + 3));
  assert.ok(chromaView({ rows: ct.rows, cols: ct.cols, channels: 3, data: rgb }) === null);
});

Deno.test("temporalMinimum keeps the static PLA label and darkens the moving heart (examples_ybr_color)", async () => {
  const loop = await read8("examples_ybr_color.dcm");
  const frames = Array.from({ length: loop.frames }, (_, i) => i);
  const minimum = temporalMinimum(loop, frames);
  const first = frame8(loop, 0);
  const label = { x: 0, y: 0, width: 36, height: 12 };
  let same = 0;
  for (let y = label.y; y < label.height; y++) {
    for (let x = label.x; x < label.width; x++) {
      const i = (y * loop.cols + x) * loop.channels;
      if (Math.abs(minimum.data[i] - first.data[i]) <= 16) same++;
    }
  }
  assert.ok(same >= 0.9 * label.width * label.height, `only ${same} label pixels kept`);
  const heart = meanOf(minimum.data, loop.cols, loop.channels, 140, 100, 40);
  const heartFirst = meanOf(first.data, loop.cols, loop.channels, 140, 100, 40);
  assert.ok(heart < heartFirst - 5, `heart ${heart} not darker than on frame 0 (${heartFirst})`);
});

Deno.test("changingRegions separates a changing clock from the moving anatomy", () => {
  const rows = 120, cols = 160, frames = 4;
  const loop = createVolume({ frames, rows, cols, channels: 1, type: "uint8", meta: { format: "video" } });
  const data = loop.data as Uint8Array;
  let seed = 7;
  const noise = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 256;
  for (let f = 0; f < frames; f++) {
    const base = f * rows * cols;
    // Anatomy: a 70×70 block of changing speckle.
    for (let y = 40; y < 110; y++) for (let x = 20; x < 90; x++) data[base + y * cols + x] = noise();
    // A clock: a 12-px-high digit that changes every frame; a static label beside it.
    for (let y = 6; y < 18; y++) {
      for (let x = 120 + 3 * f; x < 124 + 3 * f; x++) data[base + y * cols + x] = 255;
    }
    for (let y = 6; y < 18; y++) for (let x = 10; x < 60; x += 3) data[base + y * cols + x] = 255;
  }
  const { lines, anatomyFraction } = changingRegions(loop, [0, 1, 2, 3]);
  assert.ok(anatomyFraction > 0.2, `anatomy fraction ${anatomyFraction}`);
  assert.equal(lines.length, 1);
  const [clock] = lines;
  assert.ok(clock.x <= 120 && clock.x + clock.width >= 133 && clock.y <= 6 && clock.y + clock.height >= 18);
  assert.ok(clock.x > 60, "the static label was taken for changing text");
});

Deno.test("changingRegions takes dim speckle inside the moving sector for anatomy, and keeps the clock", async () => {
  // The bench's echo loop: its dim speckle changes in scattered, line-shaped pieces across the sector.
  const bytes = await echoDicom({ seed: 5, frames: 32, rows: 600, cols: 800, compression: "jpeg" });
  const loop = toDisplay8(await readDicom(bytes, { path: "synthetic_echo.dcm" }));
  const everyLine = changingRegions(loop, [0, 15, 31]);
  assert.ok(everyLine.lineFraction > 0.2, `all line-shaped pieces: ${everyLine.lineFraction}`);
  assert.equal(everyLine.insideAnatomyLeftOut, false);
  const { lines, lineFraction, anatomyFraction, insideAnatomyLeftOut } = changingRegions(loop, [0, 15, 31], {
    maxLineFraction: 0.2,
  });
  assert.ok(insideAnatomyLeftOut);
  assert.ok(anatomyFraction > 0.5, `anatomy fraction ${anatomyFraction}`);
  assert.ok(lineFraction < 0.05, `line fraction ${lineFraction}: speckle pieces taken for changing text`);
  // The clock (top right) turns a second at frame 30 and must stay a line to search.
  assert.ok(
    lines.some((line) => line.y < 30 && line.x > 600),
    `no line at the clock: ${JSON.stringify(lines)}`,
  );
});
