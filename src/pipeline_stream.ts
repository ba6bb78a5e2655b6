/**
 * The modes for inputs too large to hold whole, in two passes over a {@link FrameSource}.
 * Pass 1 decodes only a sample (the text frames and a few evenly spaced frames for the ROI) and
 * decides everything: display range, text boxes, ROI. Pass 2 decodes the loop again in chunks of a
 * few frames and blanks, crops and encodes each chunk (stream_frames.ts); in a worker pool, idle
 * workers may write some of those chunks (stream_spread.ts). Memory is bounded by the sample and a
 * chunk, not by the file. Outputs and manifest have the same shape as {@link processFile}'s.
 * @module
 */
import { join } from "node:path";
import { displayRange, toDisplay8, toDisplay8WithRange } from "./display.ts";
import type { Engines, RoiFinding, TextFindings } from "./engines.ts";
import { collectGarbage } from "./collect_garbage.ts";
import { evenlySpacedFrames } from "./evenly_spaced.ts";
import { UnsupportedFormatError } from "./errors.ts";
import { stageFolder } from "./io/atomic.ts";
import { type FrameSource, openFrameSource } from "./io/frame_source.ts";
import { readImage } from "./io/image.ts";
import { textCsv, type TextRow } from "./io/text_csv.ts";
import { writeMaskPng } from "./io/write_mask.ts";
import { frameFileName, losslessFrames } from "./io/write_output.ts";
import { type Manifest, VERSION } from "./manifest.ts";
import type { ProcessOptions } from "./options.ts";
import {
  type FileTarget,
  findRoiOnFilledText,
  folderBytes,
  fullMask,
  keepsFullDepth,
  MODE_STEPS,
  outputFolder,
  outputStem,
  type StepClock,
  stopwatch,
} from "./pipeline_common.ts";
import { type PassTwoPlan, STREAM_CHUNK_FRAMES } from "./stream_frames.ts";
import { type StreamContext, writeClaimedFrames } from "./stream_spread.ts";
import { selectFrames } from "./text/frame_selection.ts";
import { temporalMinimum } from "./text/text_views.ts";
import { summarySpread } from "./text/volume_text.ts";
import { createVolume, type Frame8, frameLength, pixelType, type Volume } from "./volume.ts";
import { blackLevel } from "./volume_ops.ts";

// Pass 2's chunk size, now defined beside the pass-2 writer; still exported here for callers.
export { STREAM_CHUNK_FRAMES };

/**
 * ROI sample size. `us` samples exactly the 16 frames its sector fit would pick from the whole loop
 * (temporal_stats' default), so both pipelines fit the same evidence; the other modes use a max
 * projection over every frame of a whole loop, which 24 evenly spaced frames approximate.
 */
const ROI_SAMPLE_FRAMES = { us: 16, other: 24 };

type FrameStackFormat = "jpeg" | "png" | "webp";

/**
 * 8-bit text frames held at once while the detector runs (16 echo frames of 800×600 RGB). Longer
 * scans are detected window by window: the detector's own working memory grows with the frames it
 * is given, and a loop of many minutes (a frame scanned every 0.5 s) must not hold all of them.
 */
export const TEXT_WINDOW_BYTES = 24 * 2 ** 20;

/** Which source frames pass 1 decodes. */
export interface SamplePlan {
  /** Source indices of the frames text detection runs on (sorted), as {@link selectFrames} picks them. */
  textFrames: number[];
  /** `textFrames` cut into consecutive windows that are detected one at a time. */
  textWindows: number[][];
  /** Source indices of the frames the ROI is found on (sorted); also the display-range sample. */
  roiFrames: number[];
}

/** Options of {@link planSample}. */
export interface SamplePlanOptions {
  mode: ProcessOptions["mode"];
  /** `--text-frames all`. */
  allTextFrames?: boolean;
  /** Bytes of one 8-bit frame (rows × cols × channels): sets the text window length. */
  frameBytes: number;
}

/**
 * Choose the sample of a loop: text frames as {@link selectFrames} picks them for the whole loop (in
 * windows of at most {@link TEXT_WINDOW_BYTES}, and never fewer than 16 frames), plus evenly spaced
 * ROI frames.
 *
 * @example
 * ```ts
 * const plan = planSample(1000, { frameTimeMs: 33.3 }, { mode: "us", frameBytes: 800 * 600 * 3 });
 * plan.textFrames.length; // 35 (every frame within 0.5 s of a scanned one)
 * plan.roiFrames.length; // 16
 * ```
 */
export function planSample(
  frames: number,
  timing: { frameTimeMs?: number; frameRate?: number },
  options: SamplePlanOptions,
): SamplePlan {
  const textFrames = selectFrames(frames, { ...timing, all: options.allTextFrames });
  const windowFrames = Math.max(16, Math.floor(TEXT_WINDOW_BYTES / Math.max(1, options.frameBytes)));
  const windowCount = Math.ceil(textFrames.length / windowFrames);
  const textWindows: number[][] = [];
  for (let w = 0; w < windowCount; w++) {
    const start = Math.round((w * textFrames.length) / windowCount);
    const end = Math.round(((w + 1) * textFrames.length) / windowCount);
    textWindows.push(textFrames.slice(start, end));
  }
  const roiFrames = evenlySpacedFrames(
    frames,
    options.mode === "us" ? ROI_SAMPLE_FRAMES.us : ROI_SAMPLE_FRAMES.other,
  );
  return { textFrames, textWindows, roiFrames };
}

/**
 * Process one large file in two streaming passes and commit its output folder atomically. Writes
 * frame stacks only (jpeg, png, webp; any format in `text` mode): DICOM, MP4 and NIfTI outputs are
 * built from the whole volume by {@link processFile}.
 *
 * @example
 * ```ts
 * const engines = await createEngines();
 * const manifest = await processFileStreaming("big.dcm", parseProcessOptions({ mode: "us" }),
 *   { outRoot: "/tmp/out", relativePath: "big.dcm" }, engines);
 * ```
 */
export async function processFileStreaming(
  inputPath: string,
  options: ProcessOptions,
  target: FileTarget,
  engines: Engines,
  context: StreamContext = {},
): Promise<Manifest> {
  const label = inputPath;
  if (options.mode !== "text" && !isFrameStack(options.format)) {
    throw new UnsupportedFormatError(
      `${label}: --format ${options.format} is written from the whole volume; ` +
        `streaming writes frame stacks (jpeg, png, webp)`,
    );
  }
  const timingsMs: Record<string, number> = {};
  const clock = stopwatch(timingsMs);
  const source = await clock("read", () => openFrameSource(inputPath, { label, maxBytes: options.maxBytes }));
  try {
    const bytesIn = (await Deno.stat(inputPath)).size;
    const decided = await decideFromSample(source, options, engines, clock);
    const name = target.outputName ?? outputStem(target.relativePath);
    const finalDir = outputFolder(target);
    const staging = await stageFolder(finalDir);
    try {
      const outputs: string[] = [];
      const { findings, roi } = decided;
      if (options.csv) {
        const rows = findings.reads.map((read): TextRow => ({
          file: options.rename ? name : target.relativePath,
          ...read,
        }));
        await Deno.writeTextFile(join(staging.path, `${name}_txt.csv`), textCsv(rows));
        outputs.push(`${name}_txt.csv`);
        if (options.rules) {
          const filtered = await engines.filterRows(rows, options.rules);
          await Deno.writeTextFile(join(staging.path, `${name}_txt.filtered.csv`), filtered);
          outputs.push(`${name}_txt.filtered.csv`);
        }
      }
      let format: Manifest["format"] = {
        container: "csv",
        codec: "none",
        quality: null,
        lossless: true,
        bitDepth: 0,
      };
      let residual: number | null = null;
      if (options.mode !== "text") {
        const written = await writeFrameStream(source, decided, {
          dir: staging.path,
          name,
          options,
          engines,
          clock,
          path: inputPath,
          context,
        });
        format = written.format;
        outputs.push(...written.outputs);
        if (options.masks) {
          await writeMaskPng(
            join(staging.path, "roi_mask.png"),
            roi.mask ?? fullMask(source.rows, source.cols),
          );
          const textMask = engines.textMask(source.rows, source.cols, findings.boxes, options.pad);
          await writeMaskPng(join(staging.path, "text_mask.png"), textMask);
          outputs.push("roi_mask.png", "text_mask.png");
        }
        if (options.verify) {
          residual = await clock("verify", async () => {
            const scanned = await readWrittenFrames(
              staging.path,
              name,
              findings.framesScanned,
              format,
              label,
            );
            return await engines.countResidualText(toDisplay8(scanned), { ...options, textFrames: "all" }, {
              lowMemory: true,
            });
          });
        }
      }
      const manifest: Manifest = {
        ...(options.rename ? {} : { source: target.relativePath }),
        mode: options.mode,
        version: VERSION,
        steps: [
          ...MODE_STEPS[options.mode],
          ...(options.verify && options.mode !== "text" ? ["verify"] : []),
        ],
        frames: source.frames,
        rows: source.rows,
        cols: source.cols,
        channels: source.channels,
        crop: roi.cropBox,
        roi: {
          method: roi.method,
          score: roi.score,
          geometry: roi.geometry,
          ...(roi.reason ? { reason: roi.reason } : {}),
        },
        text: { boxes: findings.boxes, framesScanned: findings.framesScanned, residual },
        format,
        outputs: outputs.sort(),
        bytesIn,
        bytesOut: 0,
        timingsMs,
      };
      manifest.bytesOut = await folderBytes(staging.path);
      await Deno.writeTextFile(join(staging.path, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
      await staging.commit();
      return manifest;
    } catch (error) {
      await staging.discard();
      throw error;
    }
  } finally {
    await source.close();
  }
}

/** What pass 1 decides for the whole loop. */
interface SampleDecisions {
  /** Text found on the sample, in source frame indices. */
  findings: TextFindings;
  roi: RoiFinding;
  /** The display mapping every chunk of pass 2 gets. */
  range: { low: number; high: number };
  /** Pass 2 writes the source samples (PNG of a >8-bit source) instead of display values. */
  fullDepth: boolean;
  /** The value outside the ROI. */
  fill: number;
}

/** Pass 1: decode the sample, then find the text and the ROI on it. */
async function decideFromSample(
  source: FrameSource,
  options: ProcessOptions,
  engines: Engines,
  clock: StepClock,
): Promise<SampleDecisions> {
  const plan = planSample(source.frames, source.meta, {
    mode: options.mode,
    allTextFrames: options.textFrames === "all",
    frameBytes: source.rows * source.cols * source.channels,
  });
  const fullDepth = keepsFullDepth(options, source.type);
  // Mirrors toDisplay8: 8-bit samples without a window are display values, no range needed.
  const displayReady = source.type === "uint8" && source.meta.windowWidth === undefined;
  // A video goes back only by decoding again from the start: it keeps its ROI frames rather than re-read them.
  const sweep = source.format === "video";
  let range = { low: 0, high: 255 };
  let roiSource: Volume | null = null;
  if (!displayReady || sweep) {
    roiSource = await clock("read", () => readFrameList(source, plan.roiFrames, sweep));
    // The ROI frames are spread over the whole loop: a fair sample for the display mapping.
    if (!displayReady) range = displayRange(roiSource);
    if (!sweep) roiSource = null;
  }

  const summaryBase = await clock("text", () => spreadMinimum(source, plan, { roiSource, sweep, range }));
  const findings: TextFindings = { boxes: [], reads: [], framesScanned: [] };
  for (const window of plan.textWindows) {
    const raw = await clock("read", () => readFrameList(source, window, sweep));
    const textVolume = await clock("display", () => Promise.resolve(toDisplay8WithRange(raw, range)));
    // Detect on every frame of the window, then name the frames by source index.
    const found = await clock(
      "text",
      () =>
        engines.detectText(textVolume, { ...options, textFrames: "all" }, { summaryBase, lowMemory: true }),
    );
    appendFindings(findings, toSourceFrames(found, window));
    // A window leaves about 100 MB of frame copies and model outputs that V8 has not yet collected.
    collectGarbage();
  }
  const noRoi: RoiFinding = { method: "none", score: null, geometry: {}, mask: null, cropBox: null };
  if (options.mode === "text") return { findings, roi: noRoi, range, fullDepth, fill: 0 };

  const roiRaw = roiSource ?? await clock("read", () => readFrameList(source, plan.roiFrames, false));
  // The display-mapped sample is this pass's own copy: blanked in place.
  const { roi, blanked } = await findRoiOnFilledText(
    toDisplay8WithRange(roiRaw, range),
    findings.boxes,
    options,
    engines,
    clock,
  );
  // The black outside the ROI, taken as the whole-file pipeline does: on the text-blanked pixels written.
  const fill = blackLevel(fullDepth ? engines.blankText(roiRaw, findings.boxes, options) : blanked);
  collectGarbage();
  return { findings, roi, range, fullDepth, fill };
}

/**
 * The display-mapped minimum over the loop's {@link summarySpread} frames, which the whole-file text
 * step folds into its summary too; undefined for a single frame. A video reuses its ROI sample when
 * that is the same frames (as in `us`) rather than decode the loop once more.
 */
async function spreadMinimum(
  source: FrameSource,
  plan: SamplePlan,
  sample: { roiSource: Volume | null; sweep: boolean; range: { low: number; high: number } },
): Promise<Frame8 | undefined> {
  if (source.frames < 2) return undefined;
  const spread = summarySpread(source.frames);
  const reuse = sample.roiSource !== null && spread.length === plan.roiFrames.length &&
    spread.every((frame, i) => plan.roiFrames[i] === frame);
  // Otherwise decoded here and dropped: holding the ROI sample through the text windows would cost
  // more memory than decoding its 16 frames twice.
  const raw = reuse ? sample.roiSource! : await readFrameList(source, spread, sample.sweep);
  const spreadVolume = toDisplay8WithRange(raw, sample.range);
  return temporalMinimum(spreadVolume, [...spread.keys()]);
}

/** Add one window's findings; a box found again (same rectangle) gains the new frames. */
function appendFindings(into: TextFindings, more: TextFindings): void {
  for (const box of more.boxes) {
    const same = into.boxes.find((known) =>
      known.x === box.x && known.y === box.y && known.width === box.width && known.height === box.height
    );
    if (same) same.frames = [...same.frames, ...box.frames];
    else into.boxes.push(box);
  }
  into.reads.push(...more.reads);
  into.framesScanned.push(...more.framesScanned);
}

/**
 * Decode the given (sorted) frames into a new volume in that order: one frame at a time by index,
 * or (`sweep`) in one forward pass from the first to the last of them.
 */
async function readFrameList(source: FrameSource, frames: number[], sweep: boolean): Promise<Volume> {
  const volume = createVolume({
    frames: frames.length,
    rows: source.rows,
    cols: source.cols,
    channels: source.channels,
    type: source.type,
    meta: { ...source.meta },
  });
  const size = frameLength(volume);
  if (!sweep) {
    for (const [slot, frame] of frames.entries()) {
      const one = await source.readFrames(frame, frame + 1);
      volume.data.set(one.data as ArrayLike<number>, slot * size);
    }
    return volume;
  }
  const slots = new Map(frames.map((frame, slot) => [frame, slot]));
  const last = frames.at(-1) ?? -1;
  for (let start = frames[0] ?? 0; start <= last; start += STREAM_CHUNK_FRAMES) {
    const end = Math.min(last + 1, start + STREAM_CHUNK_FRAMES);
    const chunk = await source.readFrames(start, end);
    for (let frame = start; frame < end; frame++) {
      const slot = slots.get(frame);
      if (slot === undefined) continue;
      const offset = (frame - start) * size;
      volume.data.set(chunk.data.subarray(offset, offset + size) as ArrayLike<number>, slot * size);
    }
  }
  return volume;
}

/** Findings on the text volume (frame i = textFrames[i]) renamed to source frame indices. */
function toSourceFrames(found: TextFindings, textFrames: number[]): TextFindings {
  return {
    boxes: found.boxes.map((box) => ({ ...box, frames: box.frames.map((frame) => textFrames[frame]) })),
    reads: found.reads.map((read) => ({ ...read, frame: textFrames[read.frame] })),
    framesScanned: found.framesScanned.map((frame) => textFrames[frame]),
  };
}

/** Where and how pass 2 writes. */
interface StreamWrite {
  dir: string;
  name: string;
  options: ProcessOptions;
  engines: Engines;
  clock: StepClock;
  /** The input, which helpers open themselves. */
  path: string;
  context: StreamContext;
}

/**
 * Pass 2: decode chunk by chunk, blank text and outside the ROI, crop, encode each frame; chunks
 * this worker has not reached yet may be written by idle workers of the pool (see stream_spread.ts).
 */
async function writeFrameStream(
  source: FrameSource,
  decided: SampleDecisions,
  request: StreamWrite,
): Promise<{ outputs: string[]; format: Manifest["format"] }> {
  const { dir, name, options, engines, clock } = request;
  const format = options.format as FrameStackFormat;
  const lossless = losslessFrames(options);
  const plan: PassTwoPlan = {
    // Geometry only: what a helper is sent carries no recognised text.
    boxes: decided.findings.boxes.map(({ x, y, width, height }) => ({ x, y, width, height })),
    roiMask: decided.roi.mask,
    cropBox: decided.roi.cropBox,
    range: decided.range,
    fullDepth: decided.fullDepth,
    fill: decided.fill,
  };
  const written = await writeClaimedFrames(source, plan, {
    dir,
    name,
    options,
    blankText: (volume, boxes, opts) => engines.blankText(volume, boxes, opts),
    clock,
  }, { path: request.path, spread: request.context.spread });
  request.context.onHelped?.(written.helperFrames);
  return {
    outputs: written.outputs,
    format: {
      container: format,
      codec: format,
      quality: lossless ? null : options.quality,
      lossless,
      bitDepth: written.bitDepth,
      ...(written.valueOffset ? { valueOffset: written.valueOffset } : {}),
    },
  };
}

/** The written frames `frames` decoded back into one volume, for the leak check. */
async function readWrittenFrames(
  dir: string,
  name: string,
  frames: number[],
  format: Manifest["format"],
  label: string,
): Promise<Volume> {
  let out: Volume | null = null;
  for (const [index, frame] of frames.entries()) {
    const file = join(dir, frameFileName(name, frame, format.container));
    const image = await readImage(await Deno.readFile(file), { path: label });
    out ??= createVolume({
      frames: frames.length,
      rows: image.rows,
      cols: image.cols,
      channels: image.channels,
      type: pixelType(image.data),
      meta: { format: "image" },
    });
    out.data.set(image.data as ArrayLike<number>, index * frameLength(out));
  }
  return out ??
    createVolume({ frames: 0, rows: 0, cols: 0, channels: 1, type: "uint8", meta: { format: "image" } });
}

function isFrameStack(format: ProcessOptions["format"]): format is FrameStackFormat {
  return format === "jpeg" || format === "png" || format === "webp";
}
