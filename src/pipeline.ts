/**
 * The modes as compositions of steps: read → find text → blank text → find ROI → blank outside + crop → write.
 * @module
 */
import { basename, dirname, extname, join } from "node:path";
import { toDisplay8 } from "./display.ts";
import { stageFolder } from "./io/atomic.ts";
import { decodeVolume, readInputBytes } from "./io/read.ts";
import { textCsv, type TextRow } from "./io/text_csv.ts";
import { assertContainerFits, writeVolumeOutputs } from "./io/write_output.ts";
import { writeMaskPng } from "./io/write_mask.ts";
import { type Manifest, type TrackedBox, VERSION } from "./manifest.ts";
import type { Mode, ProcessOptions } from "./options.ts";
import type { Engines, RoiFinding, TextFindings } from "./engines.ts";
import { blackLevel, blankOutside, cropVolume } from "./volume_ops.ts";
import type { Box, Mask, Volume } from "./volume.ts";

/** The step list of each mode, in order; recorded in the manifest. */
export const MODE_STEPS: Record<Mode, readonly string[]> = {
  deid: ["read", "detect-text", "blank-text", "roi-smallest", "crop", "write"],
  us: ["read", "detect-text", "blank-text", "roi-sector", "crop", "write"],
  one: ["read", "detect-text", "blank-text", "roi-largest", "crop", "write"],
  clean: ["read", "detect-text", "blank-text", "roi-clean", "crop", "write"],
  text: ["read", "detect-text", "write-csv"],
};

/** Where one input goes. */
export interface FileTarget {
  /** Root output folder. */
  outRoot: string;
  /** Input path relative to the batch root, e.g. `a/b/name.dcm`; decides `OUT/a/b/name/`. */
  relativePath: string;
  /** Output base name; defaults to the input name without extension (a random one with --rename). */
  outputName?: string;
}

/**
 * Process one file end to end and commit its output folder atomically.
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
): Promise<Manifest> {
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
  const finalDir = join(target.outRoot, dirname(target.relativePath), name);
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
      const keepsDepth = keepsFullDepth(options, source);
      const blanked = await clock(
        "text",
        () => Promise.resolve(engines.blankText(display, findings.boxes, options)),
      );
      const working = keepsDepth ? engines.blankText(source, findings.boxes, options) : blanked;
      roi = await clock("roi", () => engines.findRoi(blanked, options));
      const processed = await clock("roi", () => Promise.resolve(applyRoi(working, roi)));
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

/** Lossless containers keep >8-bit samples; lossy ones get the display conversion. */
function keepsFullDepth(options: ProcessOptions, source: Volume): boolean {
  if (source.data instanceof Uint8Array || source.data instanceof Float32Array) {
    return options.format === "nifti";
  }
  return options.format === "png" || options.format === "dicom" || options.format === "nifti";
}

function applyRoi(volume: Volume, roi: RoiFinding): Volume {
  if (roi.mask) blankOutside(volume, roi.mask, blackLevel(volume));
  return roi.cropBox ? cropVolume(volume, roi.cropBox) : volume;
}

function fullMask(rows: number, cols: number): Mask {
  return { rows, cols, data: new Uint8Array(rows * cols).fill(1) };
}

/**
 * The output folder name for an input: its file name without the extension (both parts of `.nii.gz`).
 *
 * @example
 * ```ts
 * outputStem("a/b/scan.nii.gz"); // "scan"
 * ```
 */
export function outputStem(relativePath: string): string {
  const file = basename(relativePath);
  const lower = file.toLowerCase();
  for (const double of [".nii.gz", ".tar.gz"]) {
    if (lower.endsWith(double)) return file.slice(0, -double.length);
  }
  const extension = extname(file);
  return extension && extension.length < file.length ? file.slice(0, -extension.length) : file;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile) total += (await Deno.stat(join(dir, entry.name))).size;
  }
  return total;
}

function stopwatch(timings: Record<string, number>) {
  return async <T>(step: string, run: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await run();
    } finally {
      timings[step] = Math.round((timings[step] ?? 0) + performance.now() - start);
    }
  };
}

export type { Box, TextFindings, TrackedBox };
