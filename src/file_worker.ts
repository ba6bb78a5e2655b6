/**
 * Worker entry: holds one set of engines for its lifetime and processes the jobs posted to it.
 * @module
 */
import { createEngines } from "./create_engines.ts";
import { type FileJob, runJob } from "./file_pool.ts";

const scope = self as unknown as Worker;
let threads = 1;
let engines: Awaited<ReturnType<typeof createEngines>> | null = null;

scope.onmessage = async (event: MessageEvent<FileJob | { init: { threads: number } }>) => {
  if ("init" in event.data) {
    threads = event.data.init.threads;
    return;
  }
  try {
    engines ??= await createEngines({ threads });
  } catch (error) {
    scope.postMessage({ startupError: (error as Error).message });
    return;
  }
  scope.postMessage(await runJob(event.data, engines));
};
