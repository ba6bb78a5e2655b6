/**
 * A fixed pool of Deno workers, each holding its own engines (OCR sessions, codecs) for its lifetime.
 * With one job the work runs in this thread, which is also what a compiled single binary prefers.
 * @module
 */
import { createEngines, type EngineOptions } from "./create_engines.ts";
import { errorKind } from "./errors.ts";
import type { Manifest } from "./manifest.ts";
import type { ProcessOptions } from "./options.ts";
import { processFile } from "./pipeline.ts";

/** One input to process. */
export interface FileJob {
  path: string;
  relativePath: string;
  outRoot: string;
  outputName?: string;
  options: ProcessOptions;
  /** Resume key (path, size, mtime). */
  key: string;
}

/** The result of one job. */
export type FileOutcome =
  | { ok: true; manifest: Manifest }
  | { ok: false; kind: string; message: string };

/**
 * How a run is cut short: after `stop` no new job starts; after `abandon` the jobs in flight are
 * dropped (their staging folders are left for the caller to sweep) and reported as not done.
 */
export interface PoolSignals {
  stop?: AbortSignal;
  abandon?: AbortSignal;
}

/** A pool that runs jobs and reports each outcome in completion order. */
export interface FilePool {
  /** Resolves with the jobs that did not complete (never started, or abandoned). */
  run(
    jobs: FileJob[],
    onDone: (job: FileJob, outcome: FileOutcome) => Promise<void>,
    signals?: PoolSignals,
  ): Promise<FileJob[]>;
  close(): Promise<void>;
}

/**
 * Run one job with the given engines, turning any failure into an outcome (never a throw).
 *
 * @example
 * ```ts
 * const outcome = await runJob(job, await createEngines());
 * ```
 */
export async function runJob(
  job: FileJob,
  engines: Awaited<ReturnType<typeof createEngines>>,
): Promise<FileOutcome> {
  try {
    const manifest = await processFile(job.path, job.options, {
      outRoot: job.outRoot,
      relativePath: job.relativePath,
      outputName: job.outputName,
    }, engines);
    return { ok: true, manifest };
  } catch (error) {
    return { ok: false, kind: errorKind(error), message: describe(error) };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0].slice(0, 300);
  return String(error).slice(0, 300);
}

/**
 * Create a pool of `size` workers (in-thread when size is 1).
 *
 * @example
 * ```ts
 * const pool = await createFilePool(2, { threads: 1 });
 * const notDone = await pool.run(jobs, async (job, outcome) => console.log(job.path, outcome.ok));
 * await pool.close();
 * ```
 */
export function createFilePool(size: number, engineOptions: EngineOptions = {}): Promise<FilePool> {
  if (size <= 1) return Promise.resolve(inThreadPool(engineOptions));
  return Promise.resolve(workerPool(size, engineOptions));
}

/** A worker could not start (e.g. the OCR models are missing): the whole run stops with this. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

/** Resolves when `signal` aborts (never, without one). */
function aborted(signal: AbortSignal | undefined): Promise<"abandoned"> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve("abandoned");
    signal?.addEventListener("abort", () => resolve("abandoned"), { once: true });
  });
}

function inThreadPool(engineOptions: EngineOptions): FilePool {
  let engines: Awaited<ReturnType<typeof createEngines>> | null = null;
  return {
    async run(jobs, onDone, signals = {}) {
      const abandoned = aborted(signals.abandon);
      for (const [index, job] of jobs.entries()) {
        if (signals.stop?.aborted || signals.abandon?.aborted) return jobs.slice(index);
        try {
          engines ??= await createEngines(engineOptions);
        } catch (error) {
          throw new StartupError((error as Error).message);
        }
        // The file keeps running in this thread until its next await; the caller exits soon after.
        const outcome = await Promise.race([runJob(job, engines), abandoned]);
        if (outcome === "abandoned") return jobs.slice(index);
        await onDone(job, outcome);
      }
      return [];
    },
    async close() {
      await engines?.close();
    },
  };
}

function workerPool(size: number, engineOptions: EngineOptions): FilePool {
  const spawn = () => {
    const worker = new Worker(new URL("./file_worker.ts", import.meta.url), { type: "module" });
    worker.postMessage({ init: engineOptions });
    return worker;
  };
  const workers: Worker[] = Array.from({ length: size }, spawn);
  return {
    async run(jobs, onDone, signals = {}) {
      let next = 0;
      const notDone: FileJob[] = [];
      const abandoned = aborted(signals.abandon);
      const drive = async (slot: number) => {
        while (next < jobs.length && !signals.stop?.aborted && !signals.abandon?.aborted) {
          const job = jobs[next++];
          const finished = new Promise<FileOutcome>((resolve, reject) => {
            const worker = workers[slot];
            worker.onmessage = (event: MessageEvent<FileOutcome | { startupError: string }>) => {
              if ("startupError" in event.data) reject(new StartupError(event.data.startupError));
              else resolve(event.data);
            };
            worker.onerror = (event) => {
              // A crashed worker is replaced so one bad file never stalls the rest of the batch.
              event.preventDefault();
              worker.terminate();
              workers[slot] = spawn();
              resolve({ ok: false, kind: "InternalError", message: `worker crashed: ${event.message}` });
            };
            worker.postMessage(job);
          });
          const outcome = await Promise.race([finished, abandoned]);
          if (outcome === "abandoned") {
            workers[slot].terminate();
            notDone.push(job);
            return;
          }
          await onDone(job, outcome);
        }
      };
      await Promise.all(workers.map((_, slot) => drive(slot)));
      return [...notDone, ...jobs.slice(next)];
    },
    close() {
      for (const worker of workers) worker.terminate();
      return Promise.resolve();
    },
  };
}
