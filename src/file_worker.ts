/**
 * Worker entry: holds one set of engines for its lifetime and processes the jobs posted to it.
 * @module
 */
import { createEngines } from "./create_engines.ts";
import { type FileJob, runJob } from "./file_pool.ts";

const scope = self as unknown as Worker;
let engines: Awaited<ReturnType<typeof createEngines>> | null = null;

scope.onmessage = async (event: MessageEvent<FileJob>) => {
  engines ??= await createEngines();
  scope.postMessage(await runJob(event.data, engines));
};
