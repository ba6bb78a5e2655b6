/**
 * Evaluate one case: the baseline's region and, when the CLI produced outputs, ours (region, text, size, PSNR).
 * @module
 */

import { join } from "node:path";
import type { Mask, Volume } from "../src/volume.ts";
import { readVolume } from "../src/io/read.ts";
import { toDisplay8 } from "../src/display.ts";
import type { Manifest } from "../src/manifest.ts";
import { pylogikUltrasoundRoi } from "./baseline_pylogik.ts";
import { type MaskScores, maskScores } from "./mask_scores.ts";
import { type TextScores, textScores } from "./text_scores.ts";
import { psnrInRegion } from "./psnr.ts";
import { type CaseTruth, type EvalCase, loadTruth, readMaskPng } from "./truth.ts";

/** Baseline figures for one case. */
export interface BaselineCase {
  scores: MaskScores | null;
  method: string | null;
  timeMs: number | null;
  error: string | null;
}

/** Our figures for one case, read from the CLI's outputs. */
export interface OursCase {
  scores: MaskScores | null;
  roiMethod: string | null;
  text: TextScores | null;
  residual: number | null;
  container: string | null;
  lossless: boolean | null;
  bytesIn: number | null;
  bytesOut: number | null;
  psnr: number | null;
  timeMs: number | null;
  error: string | null;
}

/** Size, quality and time of one output run (one `--format`) on one case. */
export interface OutputFigures {
  /** The run's label: the --format asked for, or "default". */
  run: string;
  container: string | null;
  lossless: boolean | null;
  bytesIn: number | null;
  bytesOut: number | null;
  psnr: number | null;
  timeMs: number | null;
  error: string | null;
}

/** Everything measured on one case (no recognised text: results files may be shared). */
export interface CaseResult {
  id: string;
  input: string;
  kind: string;
  inputFormat: string;
  rows: number | null;
  cols: number | null;
  frames: number | null;
  /** Truth files missing for this case ("roi", "text"). */
  gaps: string[];
  /** Per-case errors that are not the pipeline's fault (unreadable source, wrong-size truth). */
  errors: string[];
  baseline: BaselineCase;
  ours: OursCase | null;
  /** One entry per CLI run (the first is the run `ours` was scored on). */
  outputs: OutputFigures[];
}

/** Inputs `evaluateCase` may reuse (the gallery re-renders the worst cases from them). */
export interface LoadedCase {
  source: Volume | null;
  truth: CaseTruth | null;
  baselineMask: Mask | null;
  oursRoi: Mask | null;
  oursText: Mask | null;
  manifest: Manifest | null;
}

/**
 * Evaluate a case; `oursDir` is the CLI output root (null to run the baseline only).
 *
 * @example
 * ```ts
 * const [first] = await listCases("fixtures");
 * const { result } = await evaluateCase(first, null);
 * result.baseline.scores?.dice;
 * ```
 */
export async function evaluateCase(
  evalCase: EvalCase,
  oursDir: string | null,
  extraRuns: { run: string; dir: string }[] = [],
): Promise<{ result: CaseResult; loaded: LoadedCase }> {
  const result: CaseResult = {
    id: evalCase.id,
    input: evalCase.relativeInput,
    kind: "unknown",
    inputFormat: evalCase.relativeInput.split(".").pop()?.toLowerCase() ?? "",
    rows: null,
    cols: null,
    frames: null,
    gaps: [],
    errors: [],
    baseline: { scores: null, method: null, timeMs: null, error: null },
    ours: null,
    outputs: [],
  };
  const loaded: LoadedCase = {
    source: null,
    truth: null,
    baselineMask: null,
    oursRoi: null,
    oursText: null,
    manifest: null,
  };
  try {
    loaded.truth = await loadTruth(evalCase);
    result.kind = loaded.truth.kind;
    if (loaded.truth.format) result.inputFormat = loaded.truth.format;
    if (!loaded.truth.roi) result.gaps.push(`roi (${evalCase.roiPath})`);
    if (!loaded.truth.text) result.gaps.push(`text (${evalCase.jsonPath})`);
  } catch (error) {
    result.errors.push(`truth: ${(error as Error).message}`);
  }
  try {
    loaded.source = toDisplay8(await readVolume(evalCase.inputPath));
    result.rows = loaded.source.rows;
    result.cols = loaded.source.cols;
    result.frames = loaded.source.frames;
  } catch (error) {
    result.errors.push(`source: ${(error as Error).message}`);
  }
  const source = loaded.source;
  let truthRoi = loaded.truth?.roi ?? null;
  if (source && truthRoi && (truthRoi.rows !== source.rows || truthRoi.cols !== source.cols)) {
    result.errors.push(
      `truth: ${evalCase.roiPath} is ${truthRoi.cols}x${truthRoi.rows}, the source is ${source.cols}x${source.rows}`,
    );
    truthRoi = null;
  }
  if (source) {
    const started = performance.now();
    try {
      const baseline = pylogikUltrasoundRoi(source);
      result.baseline.timeMs = performance.now() - started;
      result.baseline.method = baseline.method;
      loaded.baselineMask = baseline.mask;
      if (truthRoi) result.baseline.scores = maskScores(baseline.mask, truthRoi);
    } catch (error) {
      result.baseline.timeMs = performance.now() - started;
      result.baseline.error = (error as Error).message;
    }
  }
  if (oursDir !== null) {
    result.ours = await evaluateOurs(evalCase, oursDir, source, truthRoi, loaded);
    const o = result.ours;
    result.outputs.push({
      run: extraRuns.length ? "first" : "default",
      container: o.container,
      lossless: o.lossless,
      bytesIn: o.bytesIn,
      bytesOut: o.bytesOut,
      psnr: o.psnr,
      timeMs: o.timeMs,
      error: o.error,
    });
  }
  for (const extra of extraRuns) {
    const scratch: LoadedCase = { ...loaded, oursRoi: null, oursText: null, manifest: null };
    const o = await evaluateOurs(evalCase, extra.dir, source, truthRoi, scratch);
    result.outputs.push({
      run: extra.run,
      container: o.container,
      lossless: o.lossless,
      bytesIn: o.bytesIn,
      bytesOut: o.bytesOut,
      psnr: o.psnr,
      timeMs: o.timeMs,
      error: o.error,
    });
  }
  return { result, loaded };
}

async function evaluateOurs(
  evalCase: EvalCase,
  oursDir: string,
  source: Volume | null,
  truthRoi: Mask | null,
  loaded: LoadedCase,
): Promise<OursCase> {
  const ours: OursCase = {
    scores: null,
    roiMethod: null,
    text: null,
    residual: null,
    container: null,
    lossless: null,
    bytesIn: null,
    bytesOut: null,
    psnr: null,
    timeMs: null,
    error: null,
  };
  const caseDir = join(oursDir, evalCase.id);
  try {
    loaded.manifest = JSON.parse(await Deno.readTextFile(join(caseDir, "manifest.json"))) as Manifest;
  } catch {
    ours.error = `no manifest.json in ${caseDir}${await skippedReason(oursDir, evalCase)}`;
    return ours;
  }
  const manifest = loaded.manifest;
  ours.roiMethod = manifest.roi?.method ?? null;
  ours.residual = manifest.text?.residual ?? null;
  ours.container = manifest.format?.container ?? null;
  ours.lossless = manifest.format?.lossless ?? null;
  ours.bytesIn = manifest.bytesIn ?? null;
  ours.bytesOut = manifest.bytesOut ?? null;
  ours.timeMs = Object.values(manifest.timingsMs ?? {}).reduce((sum, ms) => sum + (Number(ms) || 0), 0);
  const problems: string[] = [];
  try {
    loaded.oursRoi = await readMaskPng(join(caseDir, "roi_mask.png"));
    loaded.oursText = await readMaskPng(join(caseDir, "text_mask.png"));
  } catch (error) {
    ours.error = `masks: ${(error as Error).message} (run with --masks)`;
    return ours;
  }
  const roi = loaded.oursRoi, text = loaded.oursText;
  if (source && (roi.rows !== source.rows || roi.cols !== source.cols)) {
    problems.push(`roi_mask.png is ${roi.cols}x${roi.rows}, the source is ${source.cols}x${source.rows}`);
  } else if (truthRoi) {
    ours.scores = maskScores(roi, truthRoi);
    if (loaded.truth?.text && text.rows === roi.rows && text.cols === roi.cols) {
      ours.text = textScores(loaded.truth.text, text, roi, truthRoi);
    }
  }
  if (source && manifest.format && manifest.format.lossless === false && manifest.crop !== undefined) {
    try {
      const output = await readOutputs(caseDir, manifest);
      const region = new Uint8Array(roi.data.length);
      for (let i = 0; i < region.length; i++) {
        region[i] = roi.data[i] && !text.data[i] && (!truthRoi || truthRoi.data[i]) ? 1 : 0;
      }
      const crop = manifest.crop ?? { x: 0, y: 0, width: source.cols, height: source.rows };
      ours.psnr = psnrInRegion(source, output, crop, { rows: roi.rows, cols: roi.cols, data: region });
    } catch (error) {
      problems.push(`psnr: ${(error as Error).message}`);
    }
  }
  if (problems.length) ours.error = problems.join("; ");
  return ours;
}

/**
 * Decode a case's written outputs (frame files, or one DICOM/MP4) into one 8-bit volume.
 *
 * @example
 * ```ts
 * const output = await readOutputs("out/eval/ours/case_0000", manifest);
 * ```
 */
export async function readOutputs(caseDir: string, manifest: Manifest): Promise<Volume> {
  const files = manifest.outputs.filter((name) =>
    !/\.(csv|json|log)$/i.test(name) && !/_mask\.png$/i.test(name)
  );
  const volumes: Volume[] = [];
  for (const name of files) volumes.push(toDisplay8(await readVolume(join(caseDir, name))));
  if (volumes.length === 0) throw new Error(`no output frames listed in ${caseDir}/manifest.json`);
  if (volumes.length === 1) return volumes[0];
  const first = volumes[0];
  const size = first.rows * first.cols * first.channels;
  const data = new Uint8Array(size * volumes.length);
  volumes.forEach((volume, index) => data.set((volume.data as Uint8Array).subarray(0, size), index * size));
  return { ...first, frames: volumes.length, data };
}

async function skippedReason(oursDir: string, evalCase: EvalCase): Promise<string> {
  try {
    const log = await Deno.readTextFile(join(oursDir, "skipped_files.log"));
    const line = log.split("\n").find((entry) => entry.split("\t")[0].endsWith(evalCase.relativeInput));
    if (line) return ` (skipped: ${line.split("\t").slice(1).join(": ")})`;
  } catch {
    // No skipped log: the CLI did not run or crashed.
  }
  return "";
}
