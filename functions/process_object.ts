/**
 * One object, end to end and idempotent: find it, skip it if its status says this ETag is done, claim it,
 * download into a private temporary folder, run the pipeline, upload the outputs under the destination
 * prefix, write the status object, release the claim. Safe to call again for the same event.
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { join, relative } from "node:path";
import type { WorkerConfig } from "./config.ts";
import { makeJobFolder } from "./job_folders.ts";
import type { Logger } from "./json_log.ts";
import { keyHash } from "./key_hash.ts";
import { acquireLease } from "./lease.ts";
import { downloadToFile, getJson, headObject, type ObjectHead, putJson, uploadFile } from "./object_store.ts";
import type { ProcessJob } from "./pipeline_pool.ts";
import { joinUnderPrefix, safeRelativePath } from "./safe_key.ts";
import { VERSION } from "../src/manifest.ts";

/** The object an event or a listing names. */
export interface ObjectRef {
  bucket: string;
  key: string;
  /** Another reading of the key, tried when `key` does not exist. */
  alternateKey?: string;
}

/**
 * What happened: `ok`/`skipped` wrote a status; `duplicate` found this ETag done; `busy` found another
 * replica's live claim; `gone` found no object; `ignored` is outside the source bucket/prefix;
 * `lost-lease` was taken over after an expiry; `failed` hit a storage error (a retry is safe).
 */
export type ObjectResult =
  | "ok"
  | "skipped"
  | "duplicate"
  | "busy"
  | "gone"
  | "ignored"
  | "lost-lease"
  | "failed";

/** The status object written for each input. */
export interface ObjectStatus {
  status: "ok" | "skipped";
  /** Error class and reason for a skipped input. */
  kind?: string;
  reason?: string;
  eTag: string;
  size: number;
  toolVersion: string;
  mode: string;
  /** Output keys in the destination bucket. */
  outputs: string[];
  keyHash: string;
  workerId: string;
  processedAt: string;
  durationMs: number;
}

/** What processObject needs. */
export interface WorkerContext {
  config: WorkerConfig;
  s3: S3Client;
  processJob: ProcessJob;
  log: Logger;
}

/**
 * The state area of the destination: `<destPrefix>.logik/`. Output paths never start with a dot segment
 * (see safeRelativePath), so no input can overwrite state.
 *
 * @example
 * ```ts
 * statusKey("deid/", "3f0c"); // "deid/.logik/status/3f0c.json"
 * ```
 */
export function statusKey(destPrefix: string, hash: string): string {
  return `${destPrefix}.logik/status/${hash}.json`;
}

/**
 * Process one object; never throws (storage errors come back as `failed`).
 *
 * @example
 * ```ts
 * const { result } = await processObject(context, { bucket: "raw", key: "scans/a.dcm" });
 * ```
 */
export async function processObject(
  context: WorkerContext,
  ref: ObjectRef,
): Promise<{ result: ObjectResult; keyHash?: string }> {
  const { config, s3, log } = context;
  const started = performance.now();
  let hash: string | undefined;
  let result: ObjectResult = "failed";
  let kind: string | undefined;
  try {
    if (ref.bucket !== config.sourceBucket) {
      result = "ignored";
      return { result };
    }
    const found = await findObject(context, ref);
    if (found === "ignored" || found === null) {
      result = found ?? "gone";
      return { result };
    }
    const { key, head } = found;
    hash = keyHash(config.keyHashSecret, ref.bucket, key);
    const eTag = head.eTag.replace(/"/g, "");
    const statusPath = statusKey(config.destPrefix, hash);
    if ((await getJson<ObjectStatus>(s3, config.destBucket, statusPath))?.eTag === eTag) {
      result = "duplicate";
      return { result, keyHash: hash };
    }
    const lease = await acquireLease(s3, {
      bucket: config.destBucket,
      prefix: `${config.destPrefix}.logik/lease/${hash}/${eTag.replace(/[^0-9A-Za-z-]/g, "_")}/`,
      workerId: config.workerId,
      seconds: config.leaseSeconds,
    });
    if (!lease) {
      result = "busy";
      return { result, keyHash: hash };
    }
    const renewal = setInterval(() => lease.renew().catch(() => {}), (config.leaseSeconds * 1000) / 3);
    try {
      // The previous holder may have finished between our status read and our claim.
      if ((await getJson<ObjectStatus>(s3, config.destBucket, statusPath))?.eTag === eTag) {
        result = "duplicate";
        return { result, keyHash: hash };
      }
      const status = await runJob(context, key, head, hash);
      kind = status.kind;
      if (!await lease.stillHeld()) {
        result = "lost-lease";
        return { result, keyHash: hash };
      }
      status.durationMs = Math.round(performance.now() - started);
      await putJson(s3, config.destBucket, statusPath, status);
      result = status.status;
      return { result, keyHash: hash };
    } finally {
      clearInterval(renewal);
      await lease.release().catch(() => {});
    }
  } catch (error) {
    kind = error instanceof Error ? error.name : "Error";
    result = "failed";
    return { result, keyHash: hash };
  } finally {
    log(result === "failed" ? "error" : "info", "object.done", {
      keyHash: hash ?? null,
      result,
      kind: kind ?? null,
      ms: Math.round(performance.now() - started),
      workerId: config.workerId,
    });
  }
}

async function findObject(
  context: WorkerContext,
  ref: ObjectRef,
): Promise<{ key: string; head: ObjectHead } | "ignored" | null> {
  const { config } = context;
  const candidates = [ref.key, ...(ref.alternateKey !== undefined ? [ref.alternateKey] : [])]
    .filter((key) => key.startsWith(config.sourcePrefix))
    // With one bucket for both, our own outputs must not be treated as inputs.
    .filter((key) => config.sourceBucket !== config.destBucket || !key.startsWith(config.destPrefix));
  if (candidates.length === 0) return "ignored";
  for (const key of candidates) {
    const head = await headObject(context.s3, ref.bucket, key);
    if (head) return { key, head };
  }
  return null;
}

async function runJob(
  context: WorkerContext,
  key: string,
  head: ObjectHead,
  hash: string,
): Promise<ObjectStatus> {
  const { config, s3 } = context;
  const eTag = head.eTag.replace(/"/g, "");
  const relativePath = safeRelativePath(key.slice(config.sourcePrefix.length));
  const base: Omit<ObjectStatus, "status"> = {
    eTag,
    size: head.size,
    toolVersion: VERSION,
    mode: config.mode,
    outputs: [],
    keyHash: hash,
    workerId: config.workerId,
    processedAt: new Date().toISOString(),
    durationMs: 0,
  };
  if (head.size > config.maxObjectBytes) {
    return {
      ...base,
      status: "skipped",
      kind: "TooLarge",
      reason: `object is ${head.size} bytes, limit ${config.maxObjectBytes}`,
    };
  }
  const folder = await makeJobFolder(config.tempDir);
  try {
    const inputPath = join(folder, `input${safeExtension(relativePath)}`);
    const outRoot = join(folder, "out");
    await downloadToFile(s3, config.sourceBucket, key, head.eTag, inputPath);
    const outcome = await context.processJob({
      path: inputPath,
      relativePath,
      outRoot,
      options: config.processOptions,
      key: hash,
    });
    if (!outcome.ok) {
      // Reasons name the path given; show the object's relative path, not our temporary folder.
      const reason = outcome.message.split(inputPath).join(relativePath).split(folder).join("");
      return { ...base, status: "skipped", kind: outcome.kind, reason };
    }
    const outputs: string[] = [];
    for (const file of await filesUnder(outRoot)) {
      const outputKey = joinUnderPrefix(config.destPrefix, relative(outRoot, file).split("\\").join("/"));
      await uploadFile(s3, config.destBucket, outputKey, file);
      outputs.push(outputKey);
    }
    return { ...base, status: "ok", outputs: outputs.sort() };
  } finally {
    await Deno.remove(folder, { recursive: true }).catch(() => {});
  }
}

function safeExtension(relativePath: string): string {
  const match = /(\.[A-Za-z0-9]{1,8}(\.gz)?)$/.exec(relativePath);
  return match ? match[1].toLowerCase() : "";
}

async function filesUnder(root: string): Promise<string[]> {
  const files: string[] = [];
  const visit = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await visit(path);
      else if (entry.isFile) files.push(path);
    }
  };
  try {
    await visit(root);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return files;
}
