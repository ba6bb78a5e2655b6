/**
 * Run one batch of mutants through the CLI and turn everything that went wrong into findings:
 * crashes and hangs are isolated to single files by re-running the unreported ones.
 * @module
 */
import { join } from "node:path";
import { checkBatch, type Finding } from "./check_batch.ts";
import type { Mutant } from "./make_mutant.ts";
import { fileDurations, runCli } from "./run_cli.ts";

/** Seconds after which a file is too slow (issue 8). */
export const SLOW_SECONDS = 10;

const HEALTH_FILE = "/work/shared/data/public/dicom/SC_rgb_small_odd.dcm";

/** Counts and findings of one batch. */
export interface BatchResult {
  mutants: number;
  ok: number;
  skipped: number;
  byKind: Record<string, number>;
  findings: Finding[];
  maxSeconds: number;
  maxSecondsFile: string;
  processCrashes: number;
  wallSeconds: number;
}

/** How to run batches. */
export interface BatchSettings {
  jobs: number;
  /** Wall time of a single-file CLI run on a trivial file: start-up cost to subtract when timing one file. */
  baselineMs: number;
  /** Seconds each unmutated source takes alone (filled lazily), to tell slow mutants from slow sources. */
  sourceSeconds: Map<string, number>;
}

/**
 * Write the mutants into `dir/in`, run them into `dir/out`, check, and isolate crashes.
 *
 * @example
 * ```ts
 * const result = await fuzzBatch("/tmp/fuzz/b0", mutants, { jobs: 2, baselineMs: 1500 });
 * ```
 */
export async function fuzzBatch(
  dir: string,
  mutants: Mutant[],
  settings: BatchSettings,
): Promise<BatchResult> {
  const started = performance.now();
  const inDir = join(dir, "in"), outDir = join(dir, "out");
  await Deno.mkdir(inDir, { recursive: true });
  for (const mutant of mutants) await Deno.writeFile(join(inDir, mutant.fileName), mutant.bytes);
  const names = mutants.map((mutant) => mutant.fileName).sort();
  const result: BatchResult = {
    mutants: mutants.length,
    ok: 0,
    skipped: 0,
    byKind: {},
    findings: [],
    maxSeconds: 0,
    maxSecondsFile: "",
    processCrashes: 0,
    wallSeconds: 0,
  };
  let run = await runCli(inDir, outDir, {
    jobs: settings.jobs,
    idleSeconds: 90,
    totalSeconds: 120 + 4 * mutants.length,
  });
  // The tree is shared with people editing src/: when the CLI cannot even start (a half-saved module),
  // nothing is the mutants' fault. Wait for a healthy CLI and run the batch again.
  for (
    let attempt = 0;
    attempt < 10 && run.lines.length === 0 && !(await cliHealthy(dir, settings));
    attempt++
  ) {
    console.error(`CLI does not start (${run.stderrTail.trim().split("\n").pop()}); retrying in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    await Deno.remove(outDir, { recursive: true }).catch(() => {});
    run = await runCli(inDir, outDir, {
      jobs: settings.jobs,
      idleSeconds: 90,
      totalSeconds: 120 + 4 * mutants.length,
    });
  }
  // The batch hands out its largest files first, ties in name order: job order is that order.
  const sizes = new Map(mutants.map((mutant) => [mutant.fileName, mutant.bytes.length]));
  const jobOrder = [...names].sort((a, b) => sizes.get(b)! - sizes.get(a)!).map((name) => join(inDir, name));
  const durations = fileDurations(run.lines, jobOrder, settings.jobs);
  for (const line of run.lines) {
    if (line.status === "ok") result.ok++;
    else {
      result.skipped++;
      result.byKind[line.error ?? "?"] = (result.byKind[line.error ?? "?"] ?? 0) + 1;
    }
  }
  result.findings.push(...await checkBatch(inDir, outDir, names, run.lines));

  // Slow files: the batch estimate is an upper bound, so time each suspect alone before reporting it.
  for (const [path, seconds] of durations) {
    const fileName = path.slice(inDir.length + 1);
    if (seconds > SLOW_SECONDS) {
      const alone = await runSingle(dir, inDir, fileName, settings);
      if (alone.finding) result.findings.push(alone.finding);
      else if (alone.seconds > SLOW_SECONDS) {
        const mutant = mutants.find((candidate) => candidate.fileName === fileName)!;
        const source = await sourceSeconds(dir, mutant.sourcePath, settings);
        // A mutant only as slow as its untouched source is a throughput matter, not a robustness bug.
        const type = alone.seconds > 2 * source ? "slow" : "slow-source";
        const message = `took ${alone.seconds.toFixed(1)} s alone (source ${source.toFixed(1)} s)`;
        result.findings.push({ type, fileName, message, seconds: alone.seconds });
      }
      track(result, fileName, Math.min(seconds, alone.seconds));
    } else track(result, fileName, seconds);
  }

  const reported = new Set(run.lines.map((line) => line.file));
  const missing = names.filter((name) => !reported.has(join(inDir, name)));
  const clean = (run.code === 0 || run.code === 1) && !run.timedOut;
  if (!clean || missing.length) {
    result.processCrashes++;
    // Re-run each unreported file alone: the ones that crash or hang alone are the findings.
    for (const fileName of missing) {
      const alone = await runSingle(dir, inDir, fileName, settings);
      if (alone.finding) result.findings.push(alone.finding);
      else if (alone.line) {
        if (alone.line.status === "ok") result.ok++;
        else {
          result.skipped++;
          result.byKind[alone.line.error ?? "?"] = (result.byKind[alone.line.error ?? "?"] ?? 0) + 1;
          if (alone.line.error === "InternalError") {
            result.findings.push({ type: "internal-error", fileName, message: alone.line.reason ?? "" });
          }
        }
        track(result, fileName, alone.seconds);
      }
    }
    if (!missing.length) {
      result.findings.push({
        type: "crash",
        fileName: "(batch)",
        message: `batch exited ${run.code ?? run.signal}${run.timedOut ? " (timeout)" : ""}: ${
          run.stderrTail.slice(-300)
        }`,
      });
    }
  }
  result.wallSeconds = (performance.now() - started) / 1000;
  return result;
}

function track(result: BatchResult, fileName: string, seconds: number) {
  if (seconds > result.maxSeconds) {
    result.maxSeconds = seconds;
    result.maxSecondsFile = fileName;
  }
}

/** Whether the CLI processes a known-good public file. */
async function cliHealthy(dir: string, _settings: BatchSettings): Promise<boolean> {
  const outDir = join(dir, `health_${crypto.randomUUID()}`);
  const run = await runCli(HEALTH_FILE, outDir, { jobs: 1, idleSeconds: 60, totalSeconds: 60 });
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  return run.lines[0]?.status === "ok";
}

async function sourceSeconds(dir: string, sourcePath: string, settings: BatchSettings): Promise<number> {
  const known = settings.sourceSeconds.get(sourcePath);
  if (known !== undefined) return known;
  const outDir = join(dir, `source_${crypto.randomUUID()}`);
  const run = await runCli(sourcePath, outDir, { jobs: 1, idleSeconds: 60, totalSeconds: 60 });
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  const seconds = Math.max(0, run.wallMs - settings.baselineMs) / 1000;
  settings.sourceSeconds.set(sourcePath, seconds);
  return seconds;
}

async function runSingle(dir: string, inDir: string, fileName: string, settings: BatchSettings) {
  const outDir = join(dir, `single_${fileName}`);
  const run = await runCli(join(inDir, fileName), outDir, { jobs: 1, idleSeconds: 60, totalSeconds: 60 });
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  const seconds = Math.max(0, run.wallMs - settings.baselineMs) / 1000;
  const line = run.lines[0];
  let finding: Finding | null = null;
  if (run.timedOut) {
    finding = { type: "hang", fileName, message: `no result within 60 s when run alone`, seconds };
  } else if (!line || (run.code !== 0 && run.code !== 1)) {
    const stderr = run.stderrTail.trim().split("\n").filter(Boolean).slice(-2).join(" | ");
    finding = {
      type: "crash",
      fileName,
      message: `process exited ${run.code ?? run.signal}: ${stderr}`.slice(0, 400),
      seconds,
    };
  }
  return { seconds, line, finding };
}
