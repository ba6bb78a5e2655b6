/**
 * Poll mode (`logik watch s3://bucket/prefix`) for stores without notifications: list the prefix, process
 * objects modified since the checkpoint object with the same idempotent per-object step as the HTTP
 * worker, then move the checkpoint forward.
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { WorkerConfig } from "./config.ts";
import type { HandlerDependencies } from "./handler.ts";
import { createJsonLogger } from "./json_log.ts";
import { keyHash } from "./key_hash.ts";
import { createS3Client, getJson, putJson } from "./object_store.ts";
import { createPipelinePool } from "./pipeline_pool.ts";
import { type ObjectResult, processObject, type WorkerContext } from "./process_object.ts";
import { createWorkQueue } from "./work_queue.ts";

/** Poll settings on top of the worker configuration. */
export interface WatchSettings {
  /** Seconds between passes (default 30). */
  intervalSeconds?: number;
  /** One pass, then return. */
  once?: boolean;
  /** Stops the loop after the current pass. */
  signal?: AbortSignal;
  /** Objects modified this long before the checkpoint are looked at again (clock skew, slow commits). */
  overlapSeconds?: number;
}

/** Totals over all passes. */
export interface WatchSummary {
  passes: number;
  listed: number;
  results: Partial<Record<ObjectResult, number>>;
}

interface Checkpoint {
  /** Every object modified before this instant (ms) has a final result. */
  since: number;
  updatedAt: string;
}

/**
 * Split `s3://bucket/prefix` into its parts.
 *
 * @example
 * ```ts
 * parseS3Url("s3://raw/scans/2024"); // { bucket: "raw", prefix: "scans/2024" }
 * ```
 */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new RangeError(`not an s3:// URL: ${url}`);
  return { bucket: match[1], prefix: match[2] };
}

/**
 * Watch `config.sourceBucket`/`config.sourcePrefix` and process new objects into the destination.
 *
 * @example
 * ```ts
 * const { bucket, prefix } = parseS3Url("s3://raw/scans/");
 * const config = workerConfigFromEnv({ ...Deno.env.toObject(), LOGIK_SOURCE_BUCKET: bucket, LOGIK_SOURCE_PREFIX: prefix });
 * const summary = await watchBucket({ ...config, once: true });
 * console.log(summary.results.ok);
 * ```
 */
export async function watchBucket(
  config: WorkerConfig & WatchSettings,
  dependencies: HandlerDependencies = {},
): Promise<WatchSummary> {
  const log = dependencies.log ?? createJsonLogger();
  const s3 = dependencies.s3 ?? createS3Client(config);
  const pool = dependencies.processJob ? null : createPipelinePool(config.concurrency);
  const context: WorkerContext = { config, s3, log, processJob: dependencies.processJob ?? pool!.process };
  const checkpointKey = `${config.destPrefix}.logik/checkpoint/${
    keyHash(config.keyHashSecret, config.sourceBucket, config.sourcePrefix)
  }.json`;
  const summary: WatchSummary = { passes: 0, listed: 0, results: {} };
  const overlapMs = (config.overlapSeconds ?? 60) * 1000;
  try {
    while (true) {
      const checkpoint = await getJson<Checkpoint>(s3, config.destBucket, checkpointKey);
      const passStarted = Date.now();
      const candidates = await listModifiedSince(s3, config, (checkpoint?.since ?? 0) - overlapMs);
      summary.listed += candidates.length;
      const queue = createWorkQueue(config.concurrency, candidates.length);
      const outcomes = await Promise.all(
        queue.tryAddAll(
          candidates.map((item) => () =>
            processObject(context, { bucket: config.sourceBucket, key: item.key })
          ),
        )!,
      );
      let since = passStarted;
      outcomes.forEach((outcome, index) => {
        summary.results[outcome.result] = (summary.results[outcome.result] ?? 0) + 1;
        // Unfinished work holds the checkpoint back so the next pass sees it again.
        if (outcome.result === "busy" || outcome.result === "failed" || outcome.result === "lost-lease") {
          since = Math.min(since, candidates[index].modified);
        }
      });
      await putJson(s3, config.destBucket, checkpointKey, { since, updatedAt: new Date().toISOString() });
      summary.passes++;
      log("info", "watch.pass", {
        listed: candidates.length,
        ...countsAsFields(outcomes.map((o) => o.result)),
      });
      if (config.once || config.signal?.aborted) break;
      await sleep((config.intervalSeconds ?? 30) * 1000, config.signal);
      if (config.signal?.aborted) break;
    }
  } finally {
    pool?.close();
  }
  return summary;
}

async function listModifiedSince(
  s3: S3Client,
  config: WorkerConfig,
  since: number,
): Promise<{ key: string; modified: number }[]> {
  const found: { key: string; modified: number }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: config.sourceBucket,
        Prefix: config.sourcePrefix,
        ContinuationToken: token,
      }),
    );
    for (const item of page.Contents ?? []) {
      const modified = item.LastModified?.getTime() ?? Date.now();
      if (item.Key && modified >= since) found.push({ key: item.Key, modified });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

function countsAsFields(results: ObjectResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) counts[result] = (counts[result] ?? 0) + 1;
  return counts;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
