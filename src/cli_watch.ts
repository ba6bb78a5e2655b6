/**
 * `logik watch s3://raw/prefix s3://deid/prefix`: poll a bucket for stores without event notifications.
 * Credentials and the endpoint come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * LOGIK_S3_ENDPOINT, LOGIK_KEY_HASH_SECRET), so no secret ever sits in a shell history.
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError, workerConfigFromEnv } from "../functions/config.ts";
import { parseS3Url, watchBucket } from "../functions/watch.ts";

/** Help for the watch subcommand. */
export const WATCH_HELP = `Usage:
  logik watch s3://SOURCE-BUCKET/prefix s3://DEST-BUCKET/prefix [--mode us] [--interval 30] [--once]

Environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, LOGIK_KEY_HASH_SECRET (16+ chars), optional
LOGIK_S3_ENDPOINT (e.g. http://127.0.0.1:7480 for Ceph RGW or MinIO), AWS_REGION, LOGIK_OPTIONS (JSON of
pipeline options such as {"format":"png"}), LOGIK_CONCURRENCY.
Objects already processed (same key and ETag) are never processed again; a checkpoint object in the
destination records progress, so any number of watchers may run.`;

/**
 * Run the watch subcommand; returns the exit code.
 *
 * @example
 * ```ts
 * const code = await runWatch(["s3://raw/us/", "s3://deid/us/", "--once"]);
 * ```
 */
export async function runWatch(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        mode: { type: "string" },
        interval: { type: "string" },
        once: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(WATCH_HELP);
    return 0;
  }
  const [sourceUrl, destUrl] = parsed.positionals;
  if (!sourceUrl || !destUrl) return usage("watch needs a source and a destination s3:// URL");
  let source, dest;
  try {
    source = parseS3Url(sourceUrl);
    dest = parseS3Url(destUrl);
  } catch (error) {
    return usage((error as Error).message);
  }
  const interval = parsed.values.interval === undefined ? 30 : Number(parsed.values.interval);
  if (!Number.isFinite(interval) || interval < 1) return usage("--interval: expected seconds ≥ 1");
  let config;
  try {
    config = workerConfigFromEnv({
      ...Deno.env.toObject(),
      LOGIK_SOURCE_BUCKET: source.bucket,
      LOGIK_SOURCE_PREFIX: source.prefix,
      LOGIK_DEST_BUCKET: dest.bucket,
      LOGIK_DEST_PREFIX: dest.prefix,
      ...(parsed.values.mode ? { LOGIK_MODE: parsed.values.mode } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) return usage(error.message);
    throw error;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    const summary = await watchBucket({
      ...config,
      intervalSeconds: interval,
      once: parsed.values.once,
      signal: stop.signal,
    });
    console.error(
      `logik watch: ${summary.passes} pass(es), ${summary.listed} object(s) listed, ${
        JSON.stringify(summary.results)
      }`,
    );
    return (summary.results.skipped ?? 0) > 0 ? 1 : 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

function usage(message: string): number {
  console.error(`logik watch: ${message}\n${WATCH_HELP}`);
  return 2;
}
