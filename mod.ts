/**
 * Logik: de-identify, clean and compress medical images (DICOM, NIfTI, video, JPEG/PNG).
 * Find all burned-in text, remove it from every frame, read it into a CSV; keep the region of interest; crop.
 *
 * @example
 * ```ts
 * import { deidUs } from "./mod.ts";
 * const summary = await deidUs("scans/", "out/", { format: "jpeg", quality: 95 });
 * ```
 * @module
 */
import { type BatchOptions, type BatchSummary, runBatch } from "./src/batch.ts";
import { type Mode, parseProcessOptions, type ProcessOptionsInput } from "./src/options.ts";

export { colorSelect, diceScore, imshowpair } from "./src/metrics.ts";
export { readVolume } from "./src/io/read.ts";
export type { Volume } from "./src/volume.ts";
export type { Manifest } from "./src/manifest.ts";
export type { BatchSummary } from "./src/batch.ts";

/** Options of the mode functions: per-file options plus the batch's `jobs`, `json` and `mapping`. */
export type DeidOptions = Omit<ProcessOptionsInput, "mode"> & Partial<Omit<BatchOptions, "onFile">>;

function runMode(
  mode: Mode,
  input: string,
  output: string,
  options: DeidOptions = {},
): Promise<BatchSummary> {
  const { jobs, json, mapping, progress, ...fileOptions } = options;
  return runBatch(input, output, parseProcessOptions({ ...fileOptions, mode }), {
    jobs: jobs ?? navigator.hardwareConcurrency ?? 1,
    json,
    mapping,
    progress: progress ?? false,
  });
}

/**
 * Remove all burned-in text and crop to the smallest region holding the remaining content.
 *
 * @example
 * ```ts
 * await deid("in/", "out/", { format: "png" });
 * ```
 */
export function deid(input: string, output: string, options?: DeidOptions): Promise<BatchSummary> {
  return runMode("deid", input, output, options);
}

/**
 * Ultrasound: remove text, keep only the scan sector (phased, curvilinear or linear), crop.
 *
 * @example
 * ```ts
 * await deidUs("echos/", "out/", { masks: true, verify: true });
 * ```
 */
export function deidUs(input: string, output: string, options?: DeidOptions): Promise<BatchSummary> {
  return runMode("us", input, output, options);
}

/**
 * Remove text and keep the largest connected region.
 *
 * @example
 * ```ts
 * await deidOne("xrays/", "out/");
 * ```
 */
export function deidOne(input: string, output: string, options?: DeidOptions): Promise<BatchSummary> {
  return runMode("one", input, output, options);
}

/**
 * Remove text and small objects (calipers, markers, ECG traces, logos) outside the main anatomy.
 *
 * @example
 * ```ts
 * await deidClean("scans/", "out/", { keepColor: true });
 * ```
 */
export function deidClean(input: string, output: string, options?: DeidOptions): Promise<BatchSummary> {
  return runMode("clean", input, output, options);
}

/**
 * Detect and read all burned-in text; write `<name>_txt.csv` per file and no images.
 *
 * @example
 * ```ts
 * await findText("echos/", "csv/", { rules: "rules/example.json" });
 * ```
 */
export function findText(input: string, output: string, options?: DeidOptions): Promise<BatchSummary> {
  return runMode("text", input, output, options);
}

if (import.meta.main) {
  const { runCli } = await import("./src/cli.ts");
  Deno.exit(await runCli(Deno.args));
}
