/**
 * Pieces both the whole-file pipeline and the streaming one use: the mode step lists, where an
 * input's outputs go, and the small bookkeeping helpers.
 * @module
 */
import { basename, dirname, extname, join } from "node:path";
import type { Mode, ProcessOptions } from "./options.ts";
import type { Engines, RoiFinding } from "./engines.ts";
import type { Box, Mask, PixelType, Volume } from "./volume.ts";

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
 * Where a file's output folder is committed: `OUT/a/b/name/` for `a/b/name.ext`.
 *
 * @example
 * ```ts
 * outputFolder({ outRoot: "/out", relativePath: "a/scan.dcm" }); // "/out/a/scan"
 * ```
 */
export function outputFolder(target: FileTarget): string {
  return join(
    target.outRoot,
    dirname(target.relativePath),
    target.outputName ?? outputStem(target.relativePath),
  );
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

/**
 * Lossless containers keep >8-bit samples; lossy ones get the display conversion.
 *
 * @example
 * ```ts
 * keepsFullDepth(parseProcessOptions({ mode: "us", format: "png" }), "int16"); // true
 * ```
 */
export function keepsFullDepth(options: ProcessOptions, type: PixelType): boolean {
  if (type === "uint8" || type === "float32") return options.format === "nifti";
  return options.format === "png" || options.format === "dicom" || options.format === "nifti";
}

/**
 * A mask keeping every pixel (what `roi_mask.png` shows when no ROI was found).
 *
 * @example
 * ```ts
 * fullMask(2, 3).data; // Uint8Array [1, 1, 1, 1, 1, 1]
 * ```
 */
export function fullMask(rows: number, cols: number): Mask {
  return { rows, cols, data: new Uint8Array(rows * cols).fill(1) };
}

/**
 * Total size of the files directly inside `dir` (the manifest's bytesOut).
 *
 * @example
 * ```ts
 * await folderBytes("/tmp/out/scan"); // 234567
 * ```
 */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile) total += (await Deno.stat(join(dir, entry.name))).size;
  }
  return total;
}

/**
 * A timer that adds each step's wall time (ms, rounded) into `timings[step]`.
 *
 * @example
 * ```ts
 * const timingsMs: Record<string, number> = {};
 * const clock = stopwatch(timingsMs);
 * await clock("read", () => Deno.readFile("a.dcm"));
 * ```
 */
export function stopwatch(timings: Record<string, number>): StepClock {
  return async <T>(step: string, run: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await run();
    } finally {
      timings[step] = Math.round((timings[step] ?? 0) + performance.now() - start);
    }
  };
}

/** A step timer as {@link stopwatch} makes it. */
export type StepClock = <T>(step: string, run: () => Promise<T>) => Promise<T>;

/**
 * Find the ROI with the text filled with the median of its surroundings, then blank the same pixels
 * with the fill asked for, in place: black boxes on a scan sector are holes in its evidence (two
 * labels near a phased sector's apex cut it off, generated case_0588, Dice 0.79), while the output
 * keeps the user's fill. `volume8` must be the file's own copy.
 *
 * @example
 * ```ts
 * const { roi, blanked } = await findRoiOnFilledText(volume8, boxes, options, engines, clock);
 * ```
 */
export async function findRoiOnFilledText(
  volume8: Volume,
  boxes: Box[],
  options: ProcessOptions,
  engines: Engines,
  clock: StepClock,
): Promise<{ roi: RoiFinding; blanked: Volume }> {
  const blank = (fill: ProcessOptions["fill"]) =>
    clock("text", () => Promise.resolve(engines.blankText(volume8, boxes, { ...options, fill }, true)));
  const filled = await blank("background");
  const roi = await clock("roi", () => engines.findRoi(filled, options));
  return { roi, blanked: options.fill === "background" ? filled : await blank(options.fill) };
}
