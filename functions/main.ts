/**
 * Run the worker under `Deno.serve`, configured from the environment (see functions/README.md).
 *
 * ```sh
 * LOGIK_PORT=8787 LOGIK_S3_ENDPOINT=http://127.0.0.1:7480 ... deno run -A functions/main.ts
 * ```
 * @module
 */
import { workerConfigFromEnv } from "./config.ts";
import { createHandler } from "./handler.ts";
import { sweepStaleJobFolders } from "./job_folders.ts";
import { createJsonLogger } from "./json_log.ts";

if (import.meta.main) {
  const log = createJsonLogger();
  const config = workerConfigFromEnv(Deno.env.toObject());
  const swept = await sweepStaleJobFolders(config.tempDir);
  if (swept > 0) log("warn", "swept", { staleJobFolders: swept });
  const handler = createHandler(config, { log });
  const controller = new AbortController();
  const server = Deno.serve({
    hostname: Deno.env.get("LOGIK_HOSTNAME") ?? "127.0.0.1",
    port: Number(Deno.env.get("LOGIK_PORT") ?? "8787"),
    signal: controller.signal,
    onListen: ({ hostname, port }) =>
      log("info", "listening", {
        hostname,
        port,
        workerId: config.workerId,
        concurrency: config.concurrency,
      }),
  }, handler);
  const stop = async () => {
    // Stop taking events, finish what was accepted, then exit.
    controller.abort();
    await server.finished;
    await handler.idle();
    handler.close();
    log("info", "stopped", { workerId: config.workerId });
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}
