/**
 * Worker entry: holds one set of engines for its lifetime and processes the jobs posted to it.
 * @module
 */
import { createEngines, type EngineOptions } from "./create_engines.ts";
import { type FileJob, runJob } from "./file_pool.ts";

const scope = self as unknown as Worker;
let engineOptions: EngineOptions = { threads: 1 };
let engines: Awaited<ReturnType<typeof createEngines>> | null = null;

scope.onmessage = async (event: MessageEvent<FileJob | { init: EngineOptions }>) => {
  if ("init" in event.data) {
    engineOptions = event.data.init;
    return;
  }
  try {
    engines ??= await createEngines(engineOptions);
  } catch (error) {
    scope.postMessage({ startupError: (error as Error).message });
    return;
  }
  scope.postMessage(await runJob(event.data, engines));
};
