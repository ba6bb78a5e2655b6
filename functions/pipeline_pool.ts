/**
 * Long-lived pipeline worker threads for a server: jobs arrive one at a time from many requests, each
 * runs on a free thread (OCR is CPU-bound and must not block the HTTP event loop).
 * @module
 */
import type { FileJob, FileOutcome } from "../src/file_pool.ts";

/** Runs one pipeline job; the worker's injectable processing dependency. */
export type ProcessJob = (job: FileJob) => Promise<FileOutcome>;

/** A fixed set of pipeline threads. */
export interface PipelinePool {
  process: ProcessJob;
  close(): void;
}

/**
 * Start `size` threads running `src/file_worker.ts` (the CLI's own per-file worker).
 *
 * @example
 * ```ts
 * const pool = createPipelinePool(2);
 * const outcome = await pool.process({ path: "/tmp/in.dcm", relativePath: "a/in.dcm", outRoot: "/tmp/out",
 *   options: parseProcessOptions({ mode: "us" }), key: "in" });
 * pool.close();
 * ```
 */
export function createPipelinePool(size: number): PipelinePool {
  const spawn = () => new Worker(new URL("../src/file_worker.ts", import.meta.url), { type: "module" });
  const workers: (Worker | null)[] = Array.from({ length: size }, () => null);
  const free: number[] = Array.from({ length: size }, (_, slot) => slot);
  const waiting: ((slot: number) => void)[] = [];

  const takeSlot = () =>
    free.length > 0 ? Promise.resolve(free.pop()!) : new Promise<number>((resolve) => waiting.push(resolve));
  const giveSlot = (slot: number) => {
    const next = waiting.shift();
    if (next) next(slot);
    else free.push(slot);
  };

  return {
    async process(job) {
      const slot = await takeSlot();
      try {
        const worker = workers[slot] ??= spawn();
        return await new Promise<FileOutcome>((resolve) => {
          worker.onmessage = (event: MessageEvent<FileOutcome>) => resolve(event.data);
          worker.onerror = (event) => {
            // A crashed thread is replaced so one bad file never stalls the worker.
            event.preventDefault();
            worker.terminate();
            workers[slot] = null;
            resolve({ ok: false, kind: "InternalError", message: "pipeline thread crashed" });
          };
          worker.postMessage(job);
        });
      } finally {
        giveSlot(slot);
      }
    },
    close() {
      for (const worker of workers) worker?.terminate();
    },
  };
}
