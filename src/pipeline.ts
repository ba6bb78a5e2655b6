/**
 * The modes as compositions of steps: read → find text → blank text → find ROI → blank outside + crop → write.
 * @module
 */
import { join } from "node:path";
import { toDisplay8 } from "./display.ts";
import { stageFolder } from "./io/atomic.ts";
import { decodeVolume, readInputBytes } from "./io/read.ts";
import { textCsv, type TextRow } from "./io/text_csv.ts";
import { assertContainerFits, writeVolumeOutputs } from "./io/write_output.ts";
import { writeMaskPng } from "./io/write_mask.ts";
import { type Manifest, type TrackedBox, VERSION } from "./manifest.ts";
import type { ProcessOptions } from "./options.ts";
import type { Engines, RoiFinding, TextFindings } from "./engines.ts";
import {
  type FileTarget,
  findRoiOnFilledText,
  folderBytes,
  fullMask,
  keepsFullDepth,
  MODE_STEPS,
  outputFolder,
  outputStem,
  stopwatch,
} from "./pipeline_common.ts";
import { processFileStreaming } from "./pipeline_stream.ts";
import type { StreamContext } from "./stream_spread.ts";
import { blackLevel, keepRegion, prepareRegion } from "./volume_ops.ts";
import { type Box, pixelType } from "./volume.ts";

export { type FileTarget, MODE_STEPS, outputStem };

/** Frame-stack outputs of inputs larger than this (bytes on disk) are made by the streaming pipeline. */
export const STREAM_THRESHOLD_BYTES = 256 * 2 ** 20;

/**
 * The streaming threshold in force: LOGIK_STREAM_THRESHOLD (bytes) when set and valid, else
 * {@link STREAM_THRESHOLD_BYTES}.
 *
 * @example
 * ```ts
 * streamThresholdBytes(); // 268435456 unless LOGIK_STREAM_THRESHOLD is set
 * ```
 */
export function streamThresholdBytes(): number {
  let configured: string | undefined;
  try {
    configured = Deno.env.get("LOGIK_STREAM_THRESHOLD");
  } catch {
    // No env permission: the default holds.
  }
  const value = configured === undefined || configured.trim() === "" ? NaN : Number(configured);
  return Number.isFinite(value) && value >= 0 ? value : STREAM_THRESHOLD_BYTES;
}

/**
 * Whether an input goes through the streaming pipeline: frame stacks above `threshold` bytes stream;
 * containers built from the whole volume (DICOM, MP4, NIfTI) never do.
 *
 * @example
 * ```ts
 * await shouldStream("big.dcm", parseProcessOptions({ mode: "us" })); // true above 256 MiB
 * ```
 */
export async function shouldStream(
  inputPath: string,
  options: ProcessOptions,
  threshold = streamThresholdBytes(),
): Promise<boolean> {
  if (options.format !== "jpeg" && options.format !== "png" && options.format !== "webp") return false;
  try {
    return (await Deno.stat(inputPath)).size > threshold;
  } catch {
    // The whole-file reader reports the missing or unreadable file with its usual reason.
    return false;
  }
}

/**
 * Process one file end to end and commit its output folder atomically. `context` lets a streamed
 * file's pass 2 be shared with idle workers of a pool (see stream_spread.ts).
 *
 * @example
 * ```ts
 * const engines = await createEngines({ text: true });
 * const manifest = await processFile("../shared/data/public/dicom/US1_UNCR.dcm",
 *   parseProcessOptions({ mode: "us" }), { outRoot: "/tmp/out", relativePath: "US1_UNCR.dcm" }, engines);
 * ```
 */
export async function processFile(
  inputPath: string,
  options: ProcessOptions,
  target: FileTarget,
  engines: Engines,
  context: StreamContext = {},
): Promise<Manifest> {
  if (await shouldStream(inputPath, options)) {
    return await processFileStreaming(inputPath, options, target, engines, context);
  }
  const timingsMs: Record<string, number> = {};
  const clock = stopwatch(timingsMs);
  const label = inputPath;

  const bytes = await clock("read", () => readInputBytes(inputPath, label));
  const source = await clock(
    "read",
    () => decodeVolume(bytes, inputPath, { label, maxBytes: options.maxBytes }),
  );
  assertContainerFits(source, options.format, label);
  const display = await clock("display", () => Promise.resolve(toDisplay8(source)));

  const findings = await clock("text", () => engines.detectText(display, options));
  const name = target.outputName ?? outputStem(target.relativePath);
  const finalDir = outputFolder(target);
  const staging = await stageFolder(finalDir);
  try {
    const outputs: string[] = [];
    const rows = findings.reads.map((read): TextRow => ({
      file: options.rename ? name : target.relativePath,
      ...read,
    }));
    if (options.csv) {
      await Deno.writeTextFile(join(staging.path, `${name}_txt.csv`), textCsv(rows));
      outputs.push(`${name}_txt.csv`);
      if (options.rules) {
        const filtered = await engines.filterRows(rows, options.rules);
        await Deno.writeTextFile(join(staging.path, `${name}_txt.filtered.csv`), filtered);
        outputs.push(`${name}_txt.filtered.csv`);
      }
    }

    let roi: RoiFinding = { method: "none", score: null, geometry: {}, mask: null, cropBox: null };
    let written: { outputs: string[]; bytes: number; format: Manifest["format"] } = {
      outputs: [],
      bytes: 0,
      format: { container: "csv", codec: "none", quality: null, lossless: true, bitDepth: 0 },
    };
    let residual: number | null = null;
    if (options.mode !== "text") {
      const textMask = engines.textMask(display.rows, display.cols, findings.boxes, options.pad);
      const keepsDepth = keepsFullDepth(options, pixelType(source.data));
      // Both volumes were decoded for this file alone, so they are blanked in place rather than copied.
      const { roi: found, blanked } = await findRoiOnFilledText(
        display,
        findings.boxes,
        options,
        engines,
        clock,
      );
      roi = found;
      // An 8-bit source that keeps its depth is the display volume itself, blanked already.
      const working = keepsDepth && source !== display
        ? engines.blankText(source, findings.boxes, options, true)
        : blanked;
      // `working` is this file's own masked copy, so the region is kept in place.
      const processed = await clock(
        "roi",
        () => Promise.resolve(keepRegion(working, prepareRegion(roi.mask, roi.cropBox), blackLevel(working))),
      );
      written = await clock("write", () =>
        writeVolumeOutputs(processed, {
          dir: staging.path,
          name,
          options,
          sourceBytes: bytes,
          crop: roi.cropBox,
          textRemoved: true,
          label,
        }));
      outputs.push(...written.outputs);
      if (options.masks) {
        await writeMaskPng(
          join(staging.path, "roi_mask.png"),
          roi.mask ?? fullMask(display.rows, display.cols),
        );
        await writeMaskPng(join(staging.path, "text_mask.png"), textMask);
        outputs.push("roi_mask.png", "text_mask.png");
      }
      if (options.verify) {
        residual = await clock("verify", () => engines.countResidualText(toDisplay8(processed), options));
      }
    }

    const manifest: Manifest = {
      ...(options.rename ? {} : { source: target.relativePath }),
      mode: options.mode,
      version: VERSION,
      steps: [...MODE_STEPS[options.mode], ...(options.verify && options.mode !== "text" ? ["verify"] : [])],
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
      format: written.format,
      outputs: outputs.sort(),
      bytesIn: bytes.length,
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
}

export type { Box, TextFindings, TrackedBox };
