/**
 * `deno task fuzz --n 10000 [--seed S] [--jobs 2] [--out DIR] [--batch 200] [--no-keep] [--keep-logs]`:
 * seeded structural mutations of the public samples (and repo fixtures) run through `logik deid` in
 * batches, checking for crashes, slow files, InternalErrors, unspecific reasons and leftover outputs.
 * `--keep-logs` keeps every batch's skipped_files.log and a mutants.tsv (name, source, mutator, mutation
 * seed, detail) under OUT/logs, so that all skip reasons can be read and each mutant replayed.
 * Findings are kept under fixtures/fuzz/ (see scripts/fuzz_regression_test.ts).
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { signature } from "./fuzz/check_batch.ts";
import { type BatchResult, fuzzBatch } from "./fuzz/fuzz_batch.ts";
import { keepFinding, packNote, readNotes } from "./fuzz/keep_findings.ts";
import { applyMutator, makeMutant, type Mutant } from "./fuzz/make_mutant.ts";
import { runCli } from "./fuzz/run_cli.ts";
import { describeSeed, loadCorpus } from "./fuzz/seed_file.ts";

const PUBLIC = "/work/shared/data/public";
const FIXTURES = new URL("../fixtures", import.meta.url).pathname;
const KEEP_ROOT = join(FIXTURES, "fuzz");

/** Totals over a run, as printed and written to OUT/report.json. */
export interface FuzzReport {
  seed: number;
  n: number;
  jobs: number;
  mutants: number;
  ok: number;
  skipped: number;
  skippedByKind: Record<string, number>;
  processCrashes: number;
  findingsByType: Record<string, number>;
  /** Distinct bugs: signature → count, one example mutant and the mutators that trigger it. */
  distinct: Record<string, { count: number; example: string; detail: string; mutators: string[] }>;
  maxFileSeconds: number;
  maxFileSecondsName: string;
  mutatorCounts: Record<string, number>;
  seconds: number;
  kept: number;
}

/**
 * Run the fuzzer.
 *
 * @example
 * ```ts
 * const report = await runFuzz({ n: 200, seed: 1, jobs: 2, out: "/tmp/fuzz", batch: 100, keep: false });
 * // with keepLogs: true, /tmp/fuzz/logs holds batch_000000_skipped_files.log and batch_000000_mutants.tsv
 * ```
 */
export async function runFuzz(settings: {
  n: number;
  seed: number;
  jobs: number;
  out: string;
  batch: number;
  keep: boolean;
  keepLogs?: boolean;
}): Promise<FuzzReport> {
  const started = performance.now();
  const corpus = await loadCorpus([PUBLIC, FIXTURES], [KEEP_ROOT]);
  if (!corpus.length) throw new Error(`no corpus files under ${PUBLIC} or ${FIXTURES}`);
  await Deno.mkdir(settings.out, { recursive: true });
  const baselineMs = await measureBaseline(settings.out);
  const sourceSeconds = new Map<string, number>();
  console.error(
    `corpus: ${corpus.length} files; single-file start-up ${
      (baselineMs / 1000).toFixed(1)
    } s; out: ${settings.out}`,
  );
  const report: FuzzReport = {
    seed: settings.seed,
    n: settings.n,
    jobs: settings.jobs,
    mutants: 0,
    ok: 0,
    skipped: 0,
    skippedByKind: {},
    processCrashes: 0,
    findingsByType: {},
    distinct: {},
    maxFileSeconds: 0,
    maxFileSecondsName: "",
    mutatorCounts: {},
    seconds: 0,
    kept: 0,
  };
  for (let first = 0; first < settings.n; first += settings.batch) {
    const mutants: Mutant[] = [];
    for (let index = first; index < Math.min(settings.n, first + settings.batch); index++) {
      mutants.push(makeMutant(corpus, settings.seed, index));
    }
    const dir = join(settings.out, `batch_${String(first).padStart(6, "0")}`);
    const result = await fuzzBatch(dir, mutants, { jobs: settings.jobs, baselineMs, sourceSeconds });
    await accumulate(report, result, mutants, settings);
    if (settings.keepLogs) await keepLogs(settings.out, dir, mutants);
    if (!result.findings.length) await Deno.remove(dir, { recursive: true });
    else await Deno.remove(join(dir, "out"), { recursive: true }).catch(() => {});
    report.seconds = Math.round((performance.now() - started) / 1000);
    await Deno.writeTextFile(join(settings.out, "report.json"), JSON.stringify(report, null, 2) + "\n");
    console.error(
      `[${report.mutants}/${settings.n}] ok ${report.ok}, skipped ${report.skipped}, findings ${
        JSON.stringify(report.findingsByType)
      }, max ${report.maxFileSeconds.toFixed(1)} s, ${report.seconds} s`,
    );
  }
  return report;
}

async function accumulate(
  report: FuzzReport,
  result: BatchResult,
  mutants: Mutant[],
  settings: { seed: number; keep: boolean },
) {
  report.mutants += result.mutants;
  report.ok += result.ok;
  report.skipped += result.skipped;
  report.processCrashes += result.processCrashes;
  for (const [kind, count] of Object.entries(result.byKind)) {
    report.skippedByKind[kind] = (report.skippedByKind[kind] ?? 0) + count;
  }
  for (const mutant of mutants) {
    report.mutatorCounts[mutant.mutator] = (report.mutatorCounts[mutant.mutator] ?? 0) + 1;
  }
  if (result.maxSeconds > report.maxFileSeconds) {
    report.maxFileSeconds = Math.round(result.maxSeconds * 10) / 10;
    report.maxFileSecondsName = result.maxSecondsFile;
  }
  const byName = new Map(mutants.map((mutant) => [mutant.fileName, mutant]));
  for (const finding of result.findings) {
    report.findingsByType[finding.type] = (report.findingsByType[finding.type] ?? 0) + 1;
    const key = signature(finding.type, finding.message);
    const mutant = byName.get(finding.fileName);
    const entry = report.distinct[key] ??= {
      count: 0,
      example: finding.fileName,
      detail: mutant?.detail ?? "",
      mutators: [],
    };
    entry.count++;
    if (mutant && !entry.mutators.includes(mutant.mutator)) entry.mutators.push(mutant.mutator);
    if (settings.keep && mutant && finding.type !== "slow-source") {
      if (await keepFinding(KEEP_ROOT, finding, mutant, settings.seed)) report.kept++;
    }
  }
}

/**
 * Store seeds for notes kept without one (too big raw), gzipped when that fits the limits.
 *
 * @example
 * ```ts
 * const packed = await repackNotes();
 * ```
 */
export async function repackNotes(): Promise<number> {
  let packed = 0;
  for (const note of await readNotes(KEEP_ROOT)) {
    if (note.seedFile) continue;
    const path = [join(PUBLIC, note.source), join(FIXTURES, note.source)].find((candidate) => {
      try {
        return Deno.statSync(candidate).isFile;
      } catch {
        return false;
      }
    });
    if (!path) continue;
    const mutation = applyMutator(
      describeSeed(note.source, path, await Deno.readFile(path)),
      note.mutator,
      note.mutationSeed,
    );
    if (!mutation) continue;
    if ((await packNote(KEEP_ROOT, note, mutation.bytes, note.noteFile)).seedFile) packed++;
  }
  return packed;
}

/** Copy a batch's skipped_files.log and a replay table of its mutants under OUT/logs. */
async function keepLogs(out: string, dir: string, mutants: Mutant[]) {
  const logs = join(out, "logs");
  await Deno.mkdir(logs, { recursive: true });
  const name = dir.split("/").pop()!;
  const log = await Deno.readTextFile(join(dir, "out", "skipped_files.log")).catch(() => "");
  await Deno.writeTextFile(join(logs, `${name}_skipped_files.log`), log);
  const rows = mutants.map((mutant) =>
    [
      mutant.fileName,
      mutant.source,
      mutant.mutator,
      mutant.mutationSeed,
      mutant.detail.replace(/[\t\n]/g, " "),
    ]
      .join("\t")
  );
  await Deno.writeTextFile(join(logs, `${name}_mutants.tsv`), rows.join("\n") + "\n");
}

async function measureBaseline(out: string): Promise<number> {
  const times: number[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const target = join(out, `baseline_${attempt}`);
    const run = await runCli(`${PUBLIC}/dicom/SC_rgb_small_odd.dcm`, target, {
      jobs: 1,
      idleSeconds: 60,
      totalSeconds: 60,
    });
    await Deno.remove(target, { recursive: true }).catch(() => {});
    times.push(run.wallMs);
  }
  return Math.min(...times);
}

function printReport(report: FuzzReport) {
  console.log(
    `\nLogik fuzz: seed ${report.seed}, ${report.mutants} mutants, --jobs ${report.jobs}, ${report.seconds} s`,
  );
  console.log(`  processed ok:        ${report.ok}`);
  console.log(`  skipped:             ${report.skipped} ${JSON.stringify(report.skippedByKind)}`);
  console.log(
    `  process crashes:     ${report.processCrashes} batch(es) with an abnormal exit or unreported files`,
  );
  console.log(`  findings by type:    ${JSON.stringify(report.findingsByType)}`);
  console.log(`  slowest file:        ${report.maxFileSeconds} s (${report.maxFileSecondsName})`);
  console.log(`  kept under fixtures/fuzz: ${report.kept}`);
  const distinct = Object.entries(report.distinct).sort((a, b) => b[1].count - a[1].count);
  if (distinct.length) console.log(`\nDistinct findings (${distinct.length}):`);
  for (const [key, entry] of distinct) {
    console.log(
      `  ${entry.count}x ${key}\n      e.g. ${entry.example}: ${entry.detail} [${entry.mutators.join(", ")}]`,
    );
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      n: { type: "string", default: "10000" },
      seed: { type: "string", default: "1" },
      jobs: { type: "string", default: "2" },
      out: { type: "string" },
      batch: { type: "string", default: "200" },
      "no-keep": { type: "boolean", default: false },
      "keep-logs": { type: "boolean", default: false },
      repack: { type: "boolean", default: false },
    },
  });
  if (values.repack) {
    console.log(`stored ${await repackNotes()} more seeds under fixtures/fuzz/seeds`);
    Deno.exit(0);
  }
  const seed = Number(values.seed);
  const out = values.out ?? await Deno.makeTempDir({ prefix: `logik-fuzz-${seed}-` });
  const report = await runFuzz({
    n: Number(values.n),
    seed,
    jobs: Number(values.jobs),
    out,
    batch: Number(values.batch),
    keep: !values["no-keep"],
    keepLogs: values["keep-logs"],
  });
  printReport(report);
  console.log(`\nreport: ${join(out, "report.json")}`);
  const bad = (report.findingsByType["crash"] ?? 0) + (report.findingsByType["hang"] ?? 0) +
    (report.findingsByType["slow"] ?? 0) +
    (report.findingsByType["internal-error"] ?? 0) + (report.findingsByType["leftover-output"] ?? 0);
  Deno.exit(bad ? 1 : 0);
}
