/**
 * Run a mode over a file or folder tree: resumable, bounded-parallel, one bad file never stops the rest.
 * @module
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import { sweepTemporaries, writeFileAtomic } from "./io/atomic.ts";
import {
  appendLine,
  escapeField,
  fileKey,
  PROCESSED_LOG,
  readKeys,
  SKIPPED_KEYS,
  SKIPPED_LOG,
} from "./batch_log.ts";
import type { Manifest } from "./manifest.ts";
import type { ProcessOptions } from "./options.ts";
import { outputStem, shouldStream } from "./pipeline.ts";
import { outputFolder } from "./pipeline_common.ts";
import { createFilePool, type FileJob, type FileOutcome } from "./file_pool.ts";
import { type WalkEntry, walkInputs } from "./walk.ts";

/** Cores above which a batch with fewer files than --jobs still starts every worker for a streamed file. */
const SPREAD_MIN_CORES = 2;

/** Batch-level settings (per-file ones are in ProcessOptions). */
export interface BatchOptions {
  jobs: number;
  /** Print one JSON line per file on stdout. */
  json?: boolean;
  /** Show a progress bar on stderr (only when it is a TTY). */
  progress?: boolean;
  /** With --rename, where to write the original → new name table (it links back to PHI). */
  mapping?: string;
  /** Called after each file, e.g. by tests. */
  onFile?: (outcome: FileOutcome) => void;
  /** ONNX Runtime threads per worker (`--threads`). Default: cores / workers, at least 1. */
  threads?: number;
  /** Slower OCR detection for less memory per worker (`--low-memory`). */
  lowMemory?: boolean;
  /** Aborted: start no new file, finish the ones in flight (first Ctrl-C). */
  stop?: AbortSignal;
  /** Aborted: drop the files in flight and remove their partial outputs (second Ctrl-C). */
  abandon?: AbortSignal;
}

/** summary.json. */
export interface BatchSummary {
  mode: string;
  filesSeen: number;
  ok: number;
  skipped: number;
  alreadyDone: number;
  bytesIn: number;
  bytesOut: number;
  ratio: number | null;
  /** Files whose leak check still found text. */
  residualText: number;
  /** Files where no ROI was found and the full frame was kept. */
  roiNone: number;
  /** True when a stop or abandon signal cut the run short. */
  cancelled: boolean;
  /** Files left for the next run (never started or abandoned); a rerun picks them up. */
  notDone: number;
  /** Frames of streamed files written by a worker other than the file's own (idle workers helping). */
  helperFrames: number;
  seconds: number;
}

/**
 * Process every input under `input` into `outRoot` and write the batch logs and summary.json.
 *
 * @example
 * ```ts
 * const summary = await runBatch("../shared/data/public/dicom", "/tmp/out", parseProcessOptions({ mode: "us" }), { jobs: 2 });
 * console.log(summary.ok, summary.skipped);
 * ```
 */
export async function runBatch(
  input: string,
  outRoot: string,
  options: ProcessOptions,
  batchOptions: BatchOptions,
): Promise<BatchSummary> {
  const started = performance.now();
  assertOutputOutsideInput(input, outRoot);
  await Deno.mkdir(outRoot, { recursive: true });
  await sweepTemporaries(outRoot);
  const processed = await readKeys(outRoot, PROCESSED_LOG);
  const skippedBefore = await readKeys(outRoot, SKIPPED_KEYS);

  const entries = await Array.fromAsync(walkInputs(input));
  const names = outputNames(entries.filter((entry) => !entry.error));
  const summary: BatchSummary = {
    mode: options.mode,
    filesSeen: entries.length,
    ok: 0,
    skipped: 0,
    alreadyDone: 0,
    bytesIn: 0,
    bytesOut: 0,
    ratio: null,
    residualText: 0,
    roiNone: 0,
    cancelled: false,
    notDone: 0,
    helperFrames: 0,
    seconds: 0,
  };
  const mapping: string[] = [];
  const jobs: FileJob[] = [];
  for (const entry of entries) {
    const key = fileKey(entry.relativePath, entry.size, entry.mtimeMs);
    if (processed.has(key) || skippedBefore.has(key)) {
      summary.alreadyDone++;
      continue;
    }
    if (entry.error) {
      await logSkip(outRoot, entry.path, entry.error.kind, reasonText(entry.error.message, entry.path), null);
      summary.skipped++;
      continue;
    }
    const outputName = options.rename ? randomName() : names.get(entry.relativePath);
    if (options.rename && outputName) mapping.push(`${csvCell(entry.relativePath)},${outputName}`);
    jobs.push({ path: entry.path, relativePath: entry.relativePath, outRoot, outputName, options, key });
  }

  // Largest first: a big file started last would run alone at the end on one worker's share of the
  // cores while the others idle; started first, the small files fill the other workers around it.
  const sizes = new Map(entries.map((entry) => [entry.path, entry.size]));
  jobs.sort((a, b) => (sizes.get(b.path) ?? 0) - (sizes.get(a.path) ?? 0));
  const progress = batchOptions.progress && Deno.stderr.isTerminal() ? progressBar(jobs.length) : null;
  const cores = navigator.hardwareConcurrency ?? 1;
  // A streamed file's pass 2 can be shared by idle workers (jobs are sorted largest first). With
  // fewer files than --jobs, extra workers are started for that only above SPREAD_MIN_CORES: a lone
  // streamed file already keeps about 1.6 cores busy, and on two cores a helper made the 2 GiB
  // DICOM no faster and its peak 150-200 MB higher. With more files the workers exist anyway.
  const spreads = batchOptions.jobs > 1 && cores > SPREAD_MIN_CORES && options.mode !== "text" &&
    jobs.length > 0 && await shouldStream(jobs[0].path, options);
  const busy = Math.max(1, Math.min(batchOptions.jobs, jobs.length || 1));
  const workers = spreads ? batchOptions.jobs : busy;
  // Workers running files × ONNX threads ≤ cores: one busy file gets both cores, two files get one
  // each. A worker that only helps runs no OCR.
  const pool = await createFilePool(workers, {
    threads: batchOptions.threads ?? Math.max(1, Math.floor(cores / busy)),
    lowMemory: batchOptions.lowMemory,
  });
  const onDone = async (job: FileJob, outcome: FileOutcome) => {
    if (outcome.ok) {
      await appendLine(outRoot, PROCESSED_LOG, job.key);
      countManifest(summary, outcome.manifest);
      summary.helperFrames += outcome.helperFrames ?? 0;
    } else {
      await logSkip(outRoot, job.path, outcome.kind, reasonText(outcome.message, job.path), job.key);
      summary.skipped++;
    }
    if (batchOptions.json) console.log(JSON.stringify(jsonLine(job, outcome)));
    batchOptions.onFile?.(outcome);
    progress?.tick();
  };
  const runStartedAt = Date.now();
  let notDone: FileJob[] = [];
  try {
    notDone = await pool.run(jobs, onDone, { stop: batchOptions.stop, abandon: batchOptions.abandon });
    if (batchOptions.abandon?.aborted) {
      // A worker can commit its folder in the instant between the second signal and its end: that
      // file is finished, so it is logged as processed rather than left on disk unlisted.
      const unfinished: FileJob[] = [];
      for (const job of notDone) {
        const manifest = await committedSince(job, runStartedAt);
        if (manifest) await onDone(job, { ok: true, manifest });
        else unfinished.push(job);
      }
      notDone = unfinished;
    }
  } finally {
    await pool.close();
    progress?.done();
  }
  summary.notDone = notDone.length;
  summary.cancelled = Boolean(batchOptions.stop?.aborted || batchOptions.abandon?.aborted);
  // Abandoned files leave only staging folders behind; remove them now rather than at the next start.
  if (batchOptions.abandon?.aborted) await sweepTemporaries(outRoot);

  if (options.rename && batchOptions.mapping && mapping.length) {
    const existing = await Deno.readTextFile(batchOptions.mapping).catch(() => "original,renamed\n");
    await writeFileAtomic(batchOptions.mapping, existing + mapping.join("\n") + "\n");
  }
  summary.ratio = summary.bytesIn ? round(summary.bytesOut / summary.bytesIn, 4) : null;
  summary.seconds = round((performance.now() - started) / 1000, 2);
  await writeFileAtomic(`${outRoot}/summary.json`, JSON.stringify(summary, null, 2) + "\n");
  return summary;
}

/** The manifest of a job's output folder when that folder was committed at or after `since` (ms). */
async function committedSince(job: FileJob, since: number): Promise<Manifest | null> {
  const path = join(outputFolder(job), "manifest.json");
  try {
    const { mtime } = await Deno.stat(path);
    if (!mtime || mtime.getTime() < since) return null;
    return JSON.parse(await Deno.readTextFile(path)) as Manifest;
  } catch {
    return null; // not committed
  }
}

function countManifest(summary: BatchSummary, manifest: Manifest): void {
  summary.ok++;
  summary.bytesIn += manifest.bytesIn;
  summary.bytesOut += manifest.bytesOut;
  if ((manifest.text.residual ?? 0) > 0) summary.residualText++;
  if (manifest.roi.method === "none" && manifest.mode !== "text") summary.roiNone++;
}

async function logSkip(outRoot: string, path: string, kind: string, reason: string, key: string | null) {
  await appendLine(outRoot, SKIPPED_LOG, `${escapeField(path)}\t${kind}\t${escapeField(reason)}`);
  if (key) await appendLine(outRoot, SKIPPED_KEYS, key);
}

/** The log already names the path; keep only the reason after it. */
function reasonText(message: string, path: string): string {
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

function jsonLine(job: FileJob, outcome: FileOutcome): Record<string, unknown> {
  if (!outcome.ok) return { file: job.path, status: "skipped", error: outcome.kind, reason: outcome.message };
  const manifest = outcome.manifest;
  return {
    file: job.path,
    status: "ok",
    frames: manifest.frames,
    roi: manifest.roi.method,
    textBoxes: manifest.text.boxes.length,
    residual: manifest.text.residual,
    bytesIn: manifest.bytesIn,
    bytesOut: manifest.bytesOut,
  };
}

/**
 * Output folder names: the stem, or stem plus extension where two inputs in one folder share a stem.
 *
 * @example
 * ```ts
 * outputNames([{ path: "a.dcm", relativePath: "a.dcm", size: 1, mtimeMs: 0 }]).get("a.dcm"); // "a"
 * ```
 */
export function outputNames(entries: WalkEntry[]): Map<string, string> {
  const byFolderStem = new Map<string, string[]>();
  for (const entry of entries) {
    const folder = entry.relativePath.split("/").slice(0, -1).join("/");
    const id = `${folder}/${outputStem(entry.relativePath).toLowerCase()}`;
    byFolderStem.set(id, [...(byFolderStem.get(id) ?? []), entry.relativePath]);
  }
  const names = new Map<string, string>();
  for (const group of byFolderStem.values()) {
    for (const relativePath of group) {
      const file = relativePath.split("/").pop()!;
      names.set(relativePath, group.length > 1 ? file.replaceAll(".", "_") : outputStem(relativePath));
    }
  }
  return names;
}

function assertOutputOutsideInput(input: string, outRoot: string): void {
  const fromInput = relative(resolve(input), resolve(outRoot));
  if (fromInput === "" || (!fromInput.startsWith("..") && !isAbsolute(fromInput))) {
    throw new UsageError(
      `output folder ${outRoot} is inside the input ${input}; the input tree is never written to`,
    );
  }
}

/** A problem with how the batch was invoked (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

function randomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function progressBar(total: number) {
  let done = 0;
  const encoder = new TextEncoder();
  const draw = () => {
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    const line = `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
    Deno.stderr.writeSync(encoder.encode(line));
  };
  draw();
  return {
    tick: () => {
      done++;
      draw();
    },
    done: () => Deno.stderr.writeSync(encoder.encode("\n")),
  };
}
