/**
 * `deno task eval [--set DIR] [--mode us] [--out DIR] [--format F[,G...]] [--baseline-only]`: run our pipeline
 * and PyLogik's baseline over a set with truth, and write report.html, results.json and results.csv to OUT.
 * With several formats the CLI runs once per format; region and text scores come from the first run,
 * size and PSNR from every run.
 * @module
 */

import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { listCases } from "./truth.ts";
import { type CaseResult, evaluateCase } from "./evaluate_case.ts";
import { resultsCsv, summarise, type Summary } from "./aggregate.ts";
import { type CliRun, runCli } from "./run_cli.ts";
import { type GalleryItem, galleryItem } from "./gallery.ts";
import { chartJsSource, renderReport } from "./report_html.ts";

/** Options of one evaluation run. */
export interface EvalOptions {
  set: string;
  mode: string;
  out: string;
  /** Output formats to run (`--format a,b`): the first is scored in full, the others for size and PSNR. */
  formats?: string[];
  baselineOnly?: boolean;
  modPath?: string;
  extraCliArgs?: string[];
  /** Print progress to stderr. */
  verbose?: boolean;
}

/** Paths and figures of a finished evaluation. */
export interface EvalReport {
  summary: Summary;
  results: CaseResult[];
  cli: CliRun | null;
  /** Runs for the second and later formats. */
  extraCli: CliRun[];
  reportPath: string;
  jsonPath: string;
  csvPath: string;
}

/**
 * Evaluate a set end to end.
 *
 * @example
 * ```ts
 * const report = await runEvaluation({ set: "fixtures", mode: "us", out: "out/eval", baselineOnly: true });
 * report.summary.region.baseline.all.meanDice;
 * ```
 */
export async function runEvaluation(options: EvalOptions): Promise<EvalReport> {
  const log = (message: string) => options.verbose && console.error(message);
  const cases = await listCases(options.set);
  if (cases.length === 0) throw new Error(`${options.set}/inputs holds no files`);
  await Deno.mkdir(options.out, { recursive: true });
  const oursDir = join(options.out, "ours");
  const modPath = options.modPath ?? fileURLToPath(new URL("../mod.ts", import.meta.url));
  let cli: CliRun | null = null;
  const extraCli: CliRun[] = [];
  const extraRuns: { run: string; dir: string }[] = [];
  let note: string | null = null;
  if (!options.baselineOnly) {
    const formats = options.formats?.length ? options.formats : [null];
    for (const [index, format] of formats.entries()) {
      const dir = index === 0 ? oursDir : join(options.out, `ours-${format}`);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      const extra = [...(format ? ["--format", format] : []), ...(options.extraCliArgs ?? [])];
      log(
        `running ${options.mode} ${
          format ? `--format ${format} ` : ""
        }over ${cases.length} files with ${modPath} ...`,
      );
      const run = await runCli(modPath, options.mode, join(options.set, "inputs"), dir, extra);
      log(`CLI exit ${run.exitCode} in ${(run.wallMs / 1000).toFixed(1)} s`);
      if (run.exitCode !== 0 && run.exitCode !== 1) {
        note = (note ? note + " " : "") +
          `Our CLI (${format ?? "default format"}) exited with code ${run.exitCode}; ` +
          `cases without outputs are listed as failures. Last stderr lines: ${run.stderrTail.slice(-600)}`;
      }
      if (index === 0) cli = run;
      else {
        extraCli.push(run);
        extraRuns.push({ run: format!, dir });
      }
    }
  } else {
    note = "Baseline only (--baseline-only): our pipeline was not run.";
  }
  const results: CaseResult[] = [];
  for (const evalCase of cases) {
    const { result } = await evaluateCase(evalCase, options.baselineOnly ? null : oursDir, extraRuns);
    results.push(result);
    log(
      `${result.id}: baseline ${result.baseline.scores?.dice?.toFixed(4) ?? result.baseline.error ?? "—"}` +
        (result.ours ? `, ours ${result.ours.scores?.dice?.toFixed(4) ?? result.ours.error ?? "—"}` : ""),
    );
  }
  const oursRan = results.some((r) => r.ours?.scores);
  if (!options.baselineOnly && !oursRan && !note) note = "Our CLI produced no scorable outputs.";
  const summary = summarise(results, cli);
  const score = (r: CaseResult) => (oursRan ? r.ours?.scores?.dice : r.baseline.scores?.dice);
  const worst = results.filter((r) => score(r) !== undefined).sort((a, b) => score(a)! - score(b)!).slice(
    0,
    10,
  );
  const gallery: GalleryItem[] = [];
  for (const r of worst) {
    const evalCase = cases.find((c) => c.id === r.id)!;
    const { loaded } = await evaluateCase(evalCase, options.baselineOnly ? null : oursDir);
    const caption = `${r.kind}, ${r.inputFormat}: Logik Dice ${r.ours?.scores?.dice?.toFixed(4) ?? "—"}, ` +
      `PyLogik ${r.baseline.scores?.dice?.toFixed(4) ?? r.baseline.error ?? "—"}`;
    gallery.push(await galleryItem(r.id, caption, loaded, options.baselineOnly ? null : join(oursDir, r.id)));
  }
  const command = ["deno task eval", "--set", options.set, "--mode", options.mode, "--out", options.out]
    .concat(options.formats?.length ? ["--format", options.formats.join(",")] : [])
    .concat(options.baselineOnly ? ["--baseline-only"] : [])
    .join(" ");
  const meta = {
    set: options.set,
    mode: options.mode,
    command,
    generatedAt: new Date().toISOString(),
    oursRan,
    note,
  };
  const html = renderReport(summary, results, gallery, meta, await chartJsSource());
  const reportPath = join(options.out, "report.html");
  const jsonPath = join(options.out, "results.json");
  const csvPath = join(options.out, "results.csv");
  await writeAtomic(
    jsonPath,
    JSON.stringify({ meta, summary, cli, extraCli, results }, jsonReplacer, 2) + "\n",
  );
  await writeAtomic(csvPath, resultsCsv(results));
  await writeAtomic(reportPath, html);
  return { summary, results, cli, extraCli, reportPath, jsonPath, csvPath };
}

// JSON has no Infinity: identical pixels give PSNR Infinity, written as the string "inf".
function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value)
    ? String(value).toLowerCase().replace("infinity", "inf")
    : value;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(temporary, text);
  await Deno.rename(temporary, path);
}

function printSummary(summary: Summary): void {
  const line = (label: string, value: string) => console.log(`${label.padEnd(34)} ${value}`);
  const f = (
    v: number | null | undefined,
    d = 4,
  ) => (v === null || v === undefined || Number.isNaN(v) ? "—" : v.toFixed(d));
  for (const kind of ["all", ...summary.kinds]) {
    const o = summary.region.ours[kind], b = summary.region.baseline[kind];
    line(
      `Dice ${kind} (n=${b.cases})`,
      `ours mean ${f(o.meanDice)} min ${f(o.minDice)} fail ${o.failures} | PyLogik mean ${
        f(b.meanDice)
      } min ${f(b.minDice)} crash ${b.failures}`,
    );
  }
  if (summary.text) {
    const t = summary.text;
    line(
      "Text recall all / PHI",
      `${f(t.recall)} (${t.removed}/${t.boxes}) / ${f(t.phiRecall)} (${t.phiRemoved}/${t.phiBoxes})`,
    );
    line("Over-masking (mean fraction)", f(t.meanOverMasked, 5));
    line(`Over-masking, clean sector (n=${t.cleanCases})`, f(t.meanOverMaskedClean, 5));
    line("Residual (leak check)", `${t.residualBoxes} boxes in ${t.casesWithResidual} files`);
  }
  for (const [key, c] of Object.entries(summary.compression)) {
    line(`Bytes ${key}`, `${c.bytesIn} → ${c.bytesOut} (${f(c.ratio, 3)})`);
  }
  line("PSNR in ROI (lossy)", `mean ${f(summary.psnr.mean, 1)} dB, min ${f(summary.psnr.min, 1)} dB`);
  line(
    "Time ours ms/file, ms/frame",
    `${f(summary.time.oursMeanMsPerFile, 0)}, ${f(summary.time.oursMeanMsPerFrame, 1)}`,
  );
  line(
    "Time PyLogik ms/file, ms/frame",
    `${f(summary.time.baselineMeanMsPerFile, 0)}, ${f(summary.time.baselineMeanMsPerFrame, 1)}`,
  );
  line(
    "CLI wall s, peak RSS MB",
    `${f((summary.time.cliWallMs ?? NaN) / 1000, 1)}, ${f((summary.time.cliPeakRssBytes ?? NaN) / 1e6, 0)}`,
  );
  line("Truth gaps / failures", `${summary.gaps.length} / ${summary.failures.length}`);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      set: { type: "string", default: "fixtures" },
      mode: { type: "string", default: "us" },
      out: { type: "string", default: "out/eval" },
      format: { type: "string" },
      "baseline-only": { type: "boolean", default: false },
      cli: { type: "string" },
      "cli-args": { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "usage: deno task eval [--set fixtures] [--mode us] [--out out/eval] [--format jpeg|png|dicom|mp4[,...]] " +
        "[--baseline-only] [--cli path/to/mod.ts] [--cli-args '--site-key K --jobs 2'] [--quiet]",
    );
    Deno.exit(0);
  }
  const started = performance.now();
  try {
    const report = await runEvaluation({
      set: values.set!,
      mode: values.mode!,
      out: values.out!,
      formats: values.format ? values.format.split(",").map((f) => f.trim()).filter(Boolean) : undefined,
      baselineOnly: values["baseline-only"],
      modPath: values.cli ? resolve(values.cli) : undefined,
      extraCliArgs: values["cli-args"]?.split(" ").filter(Boolean),
      verbose: !values.quiet,
    });
    printSummary(report.summary);
    console.log(`report: ${report.reportPath}\nresults: ${report.jsonPath}, ${report.csvPath}`);
    console.log(
      `evaluated ${report.results.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    console.error(`eval: ${(error as Error).message}`);
    Deno.exit(2);
  }
}
