/**
 * Text benchmark: detection ms per frame at 640×480, 800×600 and 1024×768 (real ultrasound frames of
 * those sizes), recognition ms per box, model load ms, and the whole text step (detectVolumeText) per
 * frame on a real echo loop and on an eval fixture loop. Median of several runs after a warm-up.
 * Wall-clock figures suffer when other processes share the cores, so the process CPU time per frame
 * (`*_cpu_ms_*`, all threads summed) is reported too: with one thread it is what wall time would be on
 * an idle machine.
 *
 * Run alone: `deno run -A scripts/bench_text.ts [threads]`.
 * @module
 */
import { cpuUsage } from "node:process";
import { toDisplay8 } from "../src/display.ts";
import { readDicom } from "../src/io/dicom/read_dicom.ts";
import { createTextEngine, type TextEngine } from "../src/text/text_engine.ts";
import { readVolume } from "../src/io/read.ts";
import { detectVolumeText } from "../src/text/volume_text.ts";
import { type Frame8, frame8, type Volume } from "../src/volume.ts";

const DATA = new URL("../../shared/data/public/dicom/", import.meta.url);

async function frameOf(name: string): Promise<Frame8> {
  const path = new URL(name, DATA).pathname;
  return frame8(toDisplay8(await readDicom(await Deno.readFile(path), { path })), 0);
}

/** Loops for the whole-step figure: a real echo loop and a synthetic eval fixture (10 frames, 400×300). */
async function benchLoops(): Promise<[string, Volume][]> {
  const echo = new URL("examples_ybr_color.dcm", DATA).pathname;
  const fixture = new URL("../fixtures/inputs/case_0000.dcm", import.meta.url).pathname;
  return [
    ["examples_ybr_color", toDisplay8(await readDicom(await Deno.readFile(echo), { path: echo }))],
    ["fixture_case_0000", toDisplay8(await readVolume(fixture))],
  ];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median wall ms of `runs` detections of `frame`, after one warm-up for its input shape. */
async function medianDetectMs(engine: TextEngine, frame: Frame8, runs: number): Promise<number> {
  await engine.detector.detect(frame);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await engine.detector.detect(frame);
    times.push(performance.now() - started);
  }
  return Math.round(median(times) * 10) / 10;
}

/**
 * Measure the OCR engine. `threads` is the ONNX intra-op thread count (default 1, as in a worker).
 *
 * @example
 * ```ts
 * const figures = await benchText({ threads: 1, runs: 7 });
 * figures["det_ms_per_frame_800x600"];
 * ```
 */
export async function benchText(
  options: { threads?: number; runs?: number } = {},
): Promise<Record<string, number>> {
  const runs = options.runs ?? 7;
  const engine = await createTextEngine({ threads: options.threads ?? 1 });
  const figures: Record<string, number> = { model_load_ms: Math.round(engine.loadMs) };
  const frames: [string, string][] = [
    ["640x480", "US1_UNCR.dcm"],
    ["800x600", "OBXXXX1A.dcm"],
    ["1024x768", "JPGLosslessP14SV1_1s_1f_8b.dcm"],
  ];
  let boxesForRec: { frame: Frame8; boxes: Awaited<ReturnType<typeof engine.detector.detect>> } | undefined;
  for (const [size, file] of frames) {
    const frame = await frameOf(file);
    let boxes = await engine.detector.detect(frame); // warm-up for this input shape
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const cpuStarted = cpuUsage();
      const started = performance.now();
      boxes = await engine.detector.detect(frame);
      times.push(performance.now() - started);
      const cpu = cpuUsage(cpuStarted);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
    }
    figures[`det_ms_per_frame_${size}`] = Math.round(median(times) * 10) / 10;
    figures[`det_cpu_ms_per_frame_${size}`] = Math.round(median(cpuTimes) * 10) / 10;
    if (size === "800x600") boxesForRec = { frame, boxes };
  }
  if (boxesForRec && boxesForRec.boxes.length > 0) {
    const { frame, boxes } = boxesForRec;
    await engine.recognizer.recognize(frame, boxes[0]);
    const started = performance.now();
    for (const box of boxes) await engine.recognizer.recognize(frame, box);
    figures.rec_ms_per_box = Math.round(((performance.now() - started) / boxes.length) * 10) / 10;
    figures.rec_boxes = boxes.length;
  }
  // One worker alone gets both cores (--jobs 1): the detection figure on this machine.
  const echo = await frameOf("OBXXXX1A.dcm");
  const cores = navigator.hardwareConcurrency ?? 1;
  if (cores > (options.threads ?? 1)) {
    const whole = await createTextEngine({ threads: cores });
    figures[`det_ms_per_frame_800x600_${cores}threads`] = await medianDetectMs(whole, echo, runs);
  }
  // The speed option: frames downscaled to a 640-px long side before detection.
  const fast = await createTextEngine({ threads: options.threads ?? 1, detect: { limitSideLength: 640 } });
  figures.det_ms_per_frame_800x600_limit640 = await medianDetectMs(fast, echo, runs);
  // The whole text step on a loop (find, join and read), per frame: what a file costs.
  for (const [name, volume] of await benchLoops()) {
    await detectVolumeText(engine, volume);
    const wall: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < Math.max(1, Math.floor(runs / 2)); i++) {
      const cpuStarted = cpuUsage();
      const started = performance.now();
      await detectVolumeText(engine, volume);
      wall.push((performance.now() - started) / volume.frames);
      const cpu = cpuUsage(cpuStarted);
      cpuTimes.push((cpu.user + cpu.system) / 1000 / volume.frames);
    }
    figures[`text_step_ms_per_frame_${name}`] = Math.round(median(wall) * 10) / 10;
    figures[`text_step_cpu_ms_per_frame_${name}`] = Math.round(median(cpuTimes) * 10) / 10;
  }
  figures.threads = options.threads ?? 1;
  return figures;
}

if (import.meta.main) {
  const threads = Number(Deno.args[0] ?? 1);
  console.log(JSON.stringify(await benchText({ threads }), null, 2));
}
