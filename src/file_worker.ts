/**
 * Worker entry: holds one set of engines for its lifetime and processes the jobs posted to it. In the
 * CLI's pool it also offers its streamed files' frames to idle workers, and helps write theirs.
 * @module
 */
import { createEngines, type EngineOptions } from "./create_engines.ts";
import { type FileJob, runJob } from "./file_pool.ts";
import {
  createMessageSpreadHost,
  type HelpedMessage,
  type HelperFailedMessage,
  type HelpMessage,
  isMessage,
  type SpreadJobMessage,
} from "./spread_messages.ts";
import { helpWithFrames } from "./stream_helper.ts";

const scope = self as unknown as Worker;
let engineOptions: EngineOptions = { threads: 1 };
let engines: Awaited<ReturnType<typeof createEngines>> | null = null;
const spread = createMessageSpreadHost((message) => scope.postMessage(message));

scope.onmessage = async (event: MessageEvent<unknown>) => {
  const data = event.data;
  if (isMessage<{ init: EngineOptions }>(data, "init")) {
    engineOptions = data.init;
    return;
  }
  // Arrives while this worker's own file is running: routed to that file's pass 2.
  if (isMessage<HelperFailedMessage>(data, "helperFailed")) {
    spread.deliver(data);
    return;
  }
  // Helping needs no OCR, so a worker that only ever helps never loads the models.
  if (isMessage<HelpMessage>(data, "help")) {
    const result = await helpWithFrames(data.help);
    scope.postMessage({ helped: { id: data.help.id, result } } satisfies HelpedMessage);
    return;
  }
  const spreading = isMessage<SpreadJobMessage>(data, "spreadJob");
  const job = spreading ? data.spreadJob : data as FileJob;
  try {
    engines ??= await createEngines(engineOptions);
  } catch (error) {
    scope.postMessage({ startupError: (error as Error).message });
    return;
  }
  try {
    scope.postMessage(await runJob(job, engines, spreading ? spread.host : undefined));
  } finally {
    spread.clear();
  }
};
