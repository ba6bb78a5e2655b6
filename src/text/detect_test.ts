import assert from "node:assert/strict";
import { toDisplay8 } from "../display.ts";
import { readDicom } from "../io/dicom/read_dicom.ts";
import { createVolume, type Frame8, frame8 } from "../volume.ts";
import { mergeOverlapping, tileStarts } from "./detect.ts";
import { createTextEngine, type TextEngine } from "./text_engine.ts";

const DATA = new URL("../../../shared/data/public/dicom/", import.meta.url);

let engine: TextEngine | undefined;
async function sharedEngine(): Promise<TextEngine> {
  engine ??= await createTextEngine();
  return engine;
}

async function dicomFrame(name: string): Promise<Frame8> {
  const path = new URL(name, DATA).pathname;
  return frame8(toDisplay8(await readDicom(await Deno.readFile(path), { path })), 0);
}

Deno.test("tileStarts covers the whole length with overlapping windows", () => {
  assert.deepEqual(tileStarts(800, 2048, 128), [0]);
  for (const length of [2049, 5000, 9000]) {
    const starts = tileStarts(length, 2048, 128);
    assert.equal(starts[0], 0);
    assert.equal(starts[starts.length - 1] + 2048, length);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] <= 2048 - 128);
  }
});

Deno.test("mergeOverlapping joins the same word seen by two tiles and keeps neighbours apart", () => {
  const merged = mergeOverlapping([
    { x: 100, y: 10, width: 60, height: 20, score: 0.9 },
    { x: 100, y: 10, width: 30, height: 20, score: 0.8 },
    { x: 170, y: 10, width: 30, height: 20, score: 0.9 },
  ]);
  assert.equal(merged.length, 2);
  assert.deepEqual(merged[0], { x: 100, y: 10, width: 60, height: 20, score: 0.9 });
});

Deno.test("TextDetector does not fail on 1×1, 3×3 (SC_rgb_small_odd), constant or 16-bit-derived frames", async () => {
  const { detector } = await sharedEngine();
  assert.deepEqual(await detector.detect({ rows: 1, cols: 1, channels: 1, data: new Uint8Array([77]) }), []);
  const odd = await dicomFrame("SC_rgb_small_odd.dcm");
  assert.equal(odd.rows, 3);
  assert.ok(Array.isArray(await detector.detect(odd)));
  const grey = { rows: 600, cols: 800, channels: 1 as const, data: new Uint8Array(480000).fill(128) };
  assert.deepEqual(await detector.detect(grey), []);
  const wide16 = createVolume({
    frames: 1,
    rows: 64,
    cols: 64,
    channels: 1,
    type: "uint16",
    meta: { format: "image" },
  });
  wide16.data.forEach((_, i) => (wide16.data[i] = (i * 997) % 65535));
  assert.ok(Array.isArray(await detector.detect(frame8(toDisplay8(wide16), 0))));
});

Deno.test("TextDetector tiles a 5000-px-wide frame and still finds small text near its right edge", async () => {
  const { detector, recognizer } = await sharedEngine();
  const source = await dicomFrame("OBXXXX1A.dcm");
  const cols = 5000;
  const offset = 4150;
  const wide = {
    rows: source.rows,
    cols,
    channels: source.channels,
    data: new Uint8Array(source.rows * cols * 3),
  };
  for (let y = 0; y < source.rows; y++) {
    wide.data.set(
      source.data.subarray(y * source.cols * 3, (y + 1) * source.cols * 3),
      (y * cols + offset) * 3,
    );
  }
  const boxes = await detector.detect(wide);
  const reads = await Promise.all(boxes.map((box) => recognizer.recognize(wide, box)));
  const date = boxes.findIndex((_, i) => reads[i].text.includes("5/25/2011"));
  assert.ok(date >= 0, `date not found in ${reads.map((r) => r.text).join(" | ")}`);
  assert.ok(boxes[date].x > offset + 600 && boxes[date].x + boxes[date].width <= cols);
});

Deno.test("afterRun is called after every model run, once per tile; tiled and whole, the frame shows text", async () => {
  const text = await sharedEngine();
  const frame = await dicomFrame("gdcm-US-ALOKA-16.dcm");
  let runs = 0;
  const tiled = await text.detector.detect(frame, { tileSide: 448, afterRun: () => runs++ });
  // 640x480 plus the 16 px border, in 448-px tiles with 128 px overlap: 2 tile columns by 2 tile rows.
  assert.equal(runs, 4);
  const whole = await text.detector.detect(frame);
  assert.ok(tiled.length > 0 && whole.length > 0);
});
