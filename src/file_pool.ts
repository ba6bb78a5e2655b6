/**
 * A fixed pool of Deno workers, each holding its own engines (OCR sessions, codecs) for its lifetime.
 * With one job the work runs in this thread, which is also what a compiled single binary prefers.
 * @module
 */
import { createEngines } from "./create_engines.ts";
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

/** A pool that runs jobs and reports each outcome in completion order. */
export interface FilePool {
  run(jobs: FileJob[], onDone: (job: FileJob, outcome: FileOutcome) => Promise<void>): Promise<void>;
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
 * const pool = await createFilePool(2);
 * await pool.run(jobs, async (job, outcome) => console.log(job.path, outcome.ok));
 * await pool.close();
 * ```
 */
export function createFilePool(size: number, threads = 1): Promise<FilePool> {
  if (size <= 1) return Promise.resolve(inThreadPool(threads));
  return Promise.resolve(workerPool(size, threads));
}

/** A worker could not start (e.g. the OCR models are missing): the whole run stops with this. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

function inThreadPool(threads: number): FilePool {
  let engines: Awaited<ReturnType<typeof createEngines>> | null = null;
  return {
    async run(jobs, onDone) {
      for (const job of jobs) {
        try {
          engines ??= await createEngines({ threads });
        } catch (error) {
          throw new StartupError((error as Error).message);
        }
        await onDone(job, await runJob(job, engines));
      }
    },
    async close() {
      await engines?.close();
    },
  };
}

function workerPool(size: number, threads: number): FilePool {
  const spawn = () => {
    const worker = new Worker(new URL("./file_worker.ts", import.meta.url), { type: "module" });
    worker.postMessage({ init: { threads } });
    return worker;
  };
  const workers: Worker[] = Array.from({ length: size }, spawn);
  return {
    async run(jobs, onDone) {
      let next = 0;
      const drive = async (slot: number) => {
        while (next < jobs.length) {
          const job = jobs[next++];
          const outcome = await new Promise<FileOutcome>((resolve, reject) => {
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
          await onDone(job, outcome);
        }
      };
      await Promise.all(workers.map((_, slot) => drive(slot)));
    },
    close() {
      for (const worker of workers) worker.terminate();
      return Promise.resolve();
    },
  };
}
