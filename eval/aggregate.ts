/**
 * Aggregate per-case results into the summary figures, and flatten them into CSV rows.
 * @module
 */

import type { CaseResult } from "./evaluate_case.ts";
import type { CliRun } from "./run_cli.ts";

/** Region figures of one method over a group of cases. */
export interface RegionSummary {
  cases: number;
  scored: number;
  failures: number;
  meanDice: number | null;
  minDice: number | null;
  meanIou: number | null;
  medianHd95: number | null;
}

/** Everything the report's tables and charts show. */
export interface Summary {
  cases: number;
  kinds: string[];
  region: { ours: Record<string, RegionSummary>; baseline: Record<string, RegionSummary> };
  text: {
    boxes: number;
    removed: number;
    phiBoxes: number;
    phiRemoved: number;
    recall: number | null;
    phiRecall: number | null;
    meanOverMasked: number | null;
    /** Over-masking on the cases with no truth text inside the sector (the definition). */
    meanOverMaskedClean: number | null;
    /** How many cases that figure averages. */
    cleanCases: number;
    casesWithResidual: number;
    residualBoxes: number;
  } | null;
  /** Keyed "input format → output container", over every CLI run. */
  compression: Record<
    string,
    {
      files: number;
      bytesIn: number;
      bytesOut: number;
      ratio: number | null;
      psnrMean: number | null;
      psnrMin: number | null;
    }
  >;
  /** Bytes of the first run only (the one the region and text scores come from). */
  firstRunBytes: { bytesIn: number; bytesOut: number };
  psnr: { cases: number; mean: number | null; min: number | null };
  time: {
    oursMeanMsPerFile: number | null;
    oursMeanMsPerFrame: number | null;
    baselineMeanMsPerFile: number | null;
    baselineMeanMsPerFrame: number | null;
    cliWallMs: number | null;
    cliPeakRssBytes: number | null;
  };
  gaps: { id: string; missing: string[] }[];
  failures: { id: string; who: "source" | "truth" | "ours" | "baseline"; reason: string }[];
}

const mean = (values: number[]) => values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
const median = (values: number[]) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Summarise all cases; `cli` is the run of our pipeline (null when only the baseline ran).
 *
 * @example
 * ```ts
 * const summary = summarise(results, null);
 * summary.region.baseline.all.meanDice;
 * ```
 */
export function summarise(results: CaseResult[], cli: CliRun | null): Summary {
  const kinds = [...new Set(results.map((r) => r.kind))].sort();
  const region = (
    pick: (r: CaseResult) => { dice: number; iou: number; hd95: number | null } | null,
    failed: (r: CaseResult) => boolean,
  ) => {
    const groups: Record<string, RegionSummary> = {};
    for (const kind of ["all", ...kinds]) {
      const group = results.filter((r) => kind === "all" || r.kind === kind);
      const scores = group.map(pick).filter((s): s is NonNullable<typeof s> => s !== null);
      groups[kind] = {
        cases: group.length,
        scored: scores.length,
        failures: group.filter(failed).length,
        meanDice: mean(scores.map((s) => s.dice)),
        minDice: scores.length ? Math.min(...scores.map((s) => s.dice)) : null,
        meanIou: mean(scores.map((s) => s.iou)),
        medianHd95: median(scores.map((s) => s.hd95).filter((d): d is number => d !== null)),
      };
    }
    return groups;
  };
  const withOurs = results.filter((r) => r.ours !== null);
  const textCases = withOurs.map((r) => r.ours!.text).filter((t) => t !== null);
  const text = textCases.length
    ? {
      boxes: sum(textCases.map((t) => t.boxes)),
      removed: sum(textCases.map((t) => t.removed)),
      phiBoxes: sum(textCases.map((t) => t.phiBoxes)),
      phiRemoved: sum(textCases.map((t) => t.phiRemoved)),
      recall: ratio(sum(textCases.map((t) => t.removed)), sum(textCases.map((t) => t.boxes))),
      phiRecall: ratio(sum(textCases.map((t) => t.phiRemoved)), sum(textCases.map((t) => t.phiBoxes))),
      meanOverMasked: mean(textCases.map((t) => t.overMaskedFraction)),
      meanOverMaskedClean: mean(textCases.filter((t) => !t.textInRoi).map((t) => t.overMaskedFraction)),
      cleanCases: textCases.filter((t) => !t.textInRoi).length,
      casesWithResidual: withOurs.filter((r) => (r.ours!.residual ?? 0) > 0).length,
      residualBoxes: sum(withOurs.map((r) => r.ours!.residual ?? 0)),
    }
    : null;
  const compression: Summary["compression"] = {};
  const psnrByKey: Record<string, number[]> = {};
  for (const r of results) {
    for (const o of r.outputs) {
      if (o.bytesIn === null || o.bytesOut === null || !o.container) continue;
      const key = `${r.inputFormat} → ${o.container}`;
      const entry = compression[key] ??= {
        files: 0,
        bytesIn: 0,
        bytesOut: 0,
        ratio: null,
        psnrMean: null,
        psnrMin: null,
      };
      entry.files++;
      entry.bytesIn += o.bytesIn;
      entry.bytesOut += o.bytesOut;
      entry.ratio = entry.bytesIn ? entry.bytesOut / entry.bytesIn : null;
      if (o.psnr !== null && Number.isFinite(o.psnr)) (psnrByKey[key] ??= []).push(o.psnr);
    }
  }
  for (const [key, values] of Object.entries(psnrByKey)) {
    compression[key].psnrMean = mean(values);
    compression[key].psnrMin = Math.min(...values);
  }
  const firstRunBytes = {
    bytesIn: sum(withOurs.map((r) => r.ours!.bytesIn ?? 0)),
    bytesOut: sum(withOurs.map((r) => r.ours!.bytesOut ?? 0)),
  };
  const psnrs = withOurs.map((r) => r.ours!.psnr).filter((p): p is number =>
    p !== null && Number.isFinite(p)
  );
  const perFrame = (ms: number | null, r: CaseResult) => (ms !== null && r.frames ? ms / r.frames : null);
  const nonNull = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
  const failures: Summary["failures"] = [];
  for (const r of results) {
    for (const error of r.errors) {
      failures.push({ id: r.id, who: error.startsWith("source") ? "source" : "truth", reason: error });
    }
    if (r.baseline.error) failures.push({ id: r.id, who: "baseline", reason: r.baseline.error });
    if (r.ours?.error) failures.push({ id: r.id, who: "ours", reason: r.ours.error });
    for (const output of r.outputs.slice(1)) {
      if (output.error) {
        failures.push({ id: r.id, who: "ours", reason: `--format ${output.run}: ${output.error}` });
      }
    }
  }
  return {
    cases: results.length,
    kinds,
    region: {
      ours: region((r) => r.ours?.scores ?? null, (r) => r.ours !== null && r.ours.scores === null),
      baseline: region((r) => r.baseline.scores, (r) => r.baseline.error !== null),
    },
    text,
    compression,
    firstRunBytes,
    psnr: { cases: psnrs.length, mean: mean(psnrs), min: psnrs.length ? Math.min(...psnrs) : null },
    time: {
      oursMeanMsPerFile: mean(nonNull(withOurs.map((r) => r.ours!.timeMs))),
      oursMeanMsPerFrame: mean(nonNull(withOurs.map((r) => perFrame(r.ours!.timeMs, r)))),
      baselineMeanMsPerFile: mean(nonNull(results.map((r) => r.baseline.timeMs))),
      baselineMeanMsPerFrame: mean(nonNull(results.map((r) => perFrame(r.baseline.timeMs, r)))),
      cliWallMs: cli?.wallMs ?? null,
      cliPeakRssBytes: cli?.peakRssBytes ?? null,
    },
    gaps: results.filter((r) => r.gaps.length).map((r) => ({ id: r.id, missing: r.gaps })),
    failures,
  };
}

/** CSV column order of results.csv. */
export const CSV_COLUMNS = [
  "case",
  "input",
  "kind",
  "input_format",
  "cols",
  "rows",
  "frames",
  "baseline_dice",
  "baseline_iou",
  "baseline_hd95",
  "baseline_method",
  "baseline_ms",
  "baseline_error",
  "ours_dice",
  "ours_iou",
  "ours_hd95",
  "ours_roi_method",
  "text_boxes",
  "text_removed",
  "phi_boxes",
  "phi_removed",
  "over_masked_fraction",
  "residual",
  "container",
  "bytes_in",
  "bytes_out",
  "ratio",
  "psnr_roi_db",
  "ours_ms",
  "ours_error",
  "gaps",
  "errors",
] as const;

/**
 * One CSV document (RFC 4180 quoting) with a row per case.
 *
 * @example
 * ```ts
 * const csv = resultsCsv(results);
 * csv.split("\n")[0].startsWith("case,input"); // true
 * ```
 */
export function resultsCsv(results: CaseResult[]): string {
  const cell = (value: unknown) => {
    if (value === null || value === undefined) return "";
    const text = typeof value === "number"
      ? (Number.isInteger(value) ? String(value) : value.toFixed(5))
      : String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const rows = results.map((r) => {
    const o = r.ours;
    const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      case: r.id,
      input: r.input,
      kind: r.kind,
      input_format: r.inputFormat,
      cols: r.cols,
      rows: r.rows,
      frames: r.frames,
      baseline_dice: r.baseline.scores?.dice,
      baseline_iou: r.baseline.scores?.iou,
      baseline_hd95: r.baseline.scores?.hd95,
      baseline_method: r.baseline.method,
      baseline_ms: r.baseline.timeMs,
      baseline_error: r.baseline.error,
      ours_dice: o?.scores?.dice,
      ours_iou: o?.scores?.iou,
      ours_hd95: o?.scores?.hd95,
      ours_roi_method: o?.roiMethod,
      text_boxes: o?.text?.boxes,
      text_removed: o?.text?.removed,
      phi_boxes: o?.text?.phiBoxes,
      phi_removed: o?.text?.phiRemoved,
      over_masked_fraction: o?.text?.overMaskedFraction,
      residual: o?.residual,
      container: o?.container,
      bytes_in: o?.bytesIn,
      bytes_out: o?.bytesOut,
      ratio: o && o.bytesIn && o.bytesOut !== null ? o.bytesOut / o.bytesIn : null,
      psnr_roi_db: o?.psnr,
      ours_ms: o?.timeMs,
      ours_error: o?.error,
      gaps: r.gaps.join("; "),
      errors: r.errors.join("; "),
    };
    return CSV_COLUMNS.map((column) => cell(row[column])).join(",");
  });
  return [CSV_COLUMNS.join(","), ...rows].join("\n") + "\n";
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function ratio(part: number, whole: number): number | null {
  return whole ? part / whole : null;
}
