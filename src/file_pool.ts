/**
 * A fixed pool of Deno workers, each holding its own engines (OCR sessions, codecs) for its lifetime.
 * With one job the work runs in this thread, which is also what a compiled single binary prefers.
 * @module
 */
import { createEngines, type EngineOptions } from "./create_engines.ts";
import { errorKind, errorLine } from "./errors.ts";
import type { Manifest } from "./manifest.ts";
import type { ProcessOptions } from "./options.ts";
import { processFile } from "./pipeline.ts";
import { createSpreadBroker } from "./spread_broker.ts";
import {
  type HelpedMessage,
  type HelperFailedMessage,
  type HelpMessage,
  isMessage,
  type SpreadCloseMessage,
  type SpreadJobMessage,
  type SpreadOpenMessage,
} from "./spread_messages.ts";
import type { SpreadOffer, StreamContext } from "./stream_spread.ts";

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

/**
 * The result of one job. `helperFrames`: frames of a streamed file that other workers wrote (a
 * batch figure, not part of the manifest).
 */
export type FileOutcome =
  | { ok: true; manifest: Manifest; helperFrames?: number }
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
 * Run one job with the given engines, turning any failure into an outcome (never a throw). With a
 * `spread` host, idle workers of the pool may write some of a streamed file's frames.
 *
 * @example
 * ```ts
 * const outcome = await runJob(job, await createEngines());
 * ```
 */
export async function runJob(
  job: FileJob,
  engines: Awaited<ReturnType<typeof createEngines>>,
  spread?: StreamContext["spread"],
): Promise<FileOutcome> {
  let helperFrames = 0;
  try {
    const manifest = await processFile(
      job.path,
      job.options,
      {
        outRoot: job.outRoot,
        relativePath: job.relativePath,
        outputName: job.outputName,
      },
      engines,
      { spread, onHelped: (frames) => (helperFrames = frames) },
    );
    return { ok: true, manifest, ...(helperFrames ? { helperFrames } : {}) };
  } catch (error) {
    return { ok: false, kind: errorKind(error), message: errorLine(error) };
  }
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
  // A crashed worker is replaced so one bad file never stalls the rest of the batch.
  const replace = (slot: number, event: ErrorEvent) => {
    event.preventDefault();
    workers[slot].terminate();
    workers[slot] = spawn();
  };
  return {
    async run(jobs, onDone, signals = {}) {
      let next = 0;
      const notDone: FileJob[] = [];
      const abandoned = aborted(signals.abandon);
      const halts = [signals.stop, signals.abandon].filter((signal) => signal !== undefined);
      const halt = halts.length ? AbortSignal.any(halts) : undefined;
      // Idle workers take chunks of streamed files still running (see stream_spread.ts).
      const broker = createSpreadBroker();
      const toOwner = (message: HelperFailedMessage) => {
        const owner = broker.ownerOf(message.helperFailed.id);
        if (owner !== undefined) workers[owner].postMessage(message);
      };
      const runJobOn = (slot: number, job: FileJob) =>
        new Promise<FileOutcome>((resolve, reject) => {
          const worker = workers[slot];
          worker.onmessage = (event: MessageEvent<unknown>) => {
            const data = event.data;
            if (isMessage<SpreadOpenMessage>(data, "spreadOpen")) broker.open(slot, data.spreadOpen);
            else if (isMessage<SpreadCloseMessage>(data, "spreadClose")) broker.close(data.spreadClose);
            else if (isMessage<{ startupError: string }>(data, "startupError")) {
              reject(new StartupError(data.startupError));
            } else resolve(data as FileOutcome);
          };
          worker.onerror = (event) => {
            replace(slot, event);
            resolve({ ok: false, kind: "InternalError", message: `worker crashed: ${event.message}` });
          };
          worker.postMessage({ spreadJob: job } satisfies SpreadJobMessage);
        });
      const helpOn = (slot: number, offer: SpreadOffer) =>
        new Promise<void>((resolve) => {
          const worker = workers[slot];
          worker.onmessage = (event: MessageEvent<unknown>) => {
            const data = event.data;
            if (!isMessage<HelpedMessage>(data, "helped")) return;
            const { id, result } = data.helped;
            if (!result.ok) toOwner({ helperFailed: { id, failure: result.failure } });
            resolve();
          };
          worker.onerror = (event) => {
            replace(slot, event);
            // Its chunks may be half written: the file fails rather than waits for them.
            toOwner({
              helperFailed: {
                id: offer.id,
                failure: {
                  kind: "InternalError",
                  message: `${offer.path}: a worker writing some of its frames crashed: ${event.message}`,
                },
              },
            });
            resolve();
          };
          worker.postMessage({ help: offer } satisfies HelpMessage);
        });
      const drive = async (slot: number) => {
        while (!signals.stop?.aborted && !signals.abandon?.aborted) {
          if (next >= jobs.length) {
            // No file left to start: help a streamed one still running, or stop when none runs.
            const offer = await broker.next(halt);
            if (!offer) return;
            if (await Promise.race([helpOn(slot, offer), abandoned]) === "abandoned") {
              workers[slot].terminate();
              return;
            }
            continue;
          }
          const job = jobs[next++];
          broker.jobStarted();
          let outcome: FileOutcome | "abandoned";
          try {
            outcome = await Promise.race([runJobOn(slot, job), abandoned]);
          } finally {
            broker.jobEnded(slot);
          }
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
