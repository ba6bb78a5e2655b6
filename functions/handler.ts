/**
 * The HTTP face of the worker: a `fetch` handler for `Deno.serve` or a serverless platform. It takes S3
 * event notifications (MinIO webhook, Ceph RGW push, AWS), checks the bearer token in constant time,
 * bounds request size, concurrency and queue, and exposes `/healthz` and `/readyz`.
 * @module
 */
import { HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { createHash, timingSafeEqual } from "node:crypto";
import { ConfigError, type WorkerConfig } from "./config.ts";
import { createJsonLogger, type Logger } from "./json_log.ts";
import { createS3Client } from "./object_store.ts";
import { createPipelinePool, type ProcessJob } from "./pipeline_pool.ts";
import { type ObjectRef, type ObjectResult, processObject, type WorkerContext } from "./process_object.ts";
import { EventFormatError, parseS3Event } from "./s3_event.ts";
import { createWorkQueue } from "./work_queue.ts";

/** How many times a busy object is looked at again (each after about one lease period). */
const MAX_RECHECKS = 10;

/** Replaceable parts, for tests and embedding. */
export interface HandlerDependencies {
  s3?: S3Client;
  /** Runs the pipeline on one downloaded file; default: `src/file_worker.ts` threads. */
  processJob?: ProcessJob;
  log?: Logger;
}

/** A fetch handler that also owns a queue and pipeline threads. */
export type WorkerHandler = ((request: Request) => Promise<Response>) & {
  /** Resolves when no object is running or queued. */
  idle(): Promise<void>;
  /** Stop the pipeline threads (call after `idle`). */
  close(): void;
};

/**
 * Build the worker's fetch handler.
 *
 * @example
 * ```ts
 * const handler = createHandler(workerConfigFromEnv(Deno.env.toObject()));
 * Deno.serve({ hostname: "127.0.0.1", port: 8787 }, handler);
 * ```
 */
export function createHandler(config: WorkerConfig, dependencies: HandlerDependencies = {}): WorkerHandler {
  if (!config.authToken) throw new ConfigError("authToken: required by the HTTP handler");
  const log = dependencies.log ?? createJsonLogger();
  const s3 = dependencies.s3 ?? createS3Client(config);
  const pool = dependencies.processJob ? null : createPipelinePool(config.concurrency);
  const context: WorkerContext = { config, s3, log, processJob: dependencies.processJob ?? pool!.process };
  const queue = createWorkQueue(config.concurrency, config.queueSize);
  const expectedToken = digest(config.authToken);
  let storageCheckedAt = -Infinity;
  let storageReady = false;

  // A claim held by a replica that then died would strand the object (its event was already answered),
  // so a busy object is looked at again once the claim could have expired.
  const recheckLater = (ref: ObjectRef, attempt: number) => {
    if (attempt > MAX_RECHECKS) return;
    const delay = config.leaseSeconds * 1000 * (1 + Math.random() * 0.2);
    const timer = setTimeout(() => {
      const accepted = queue.tryAddAll([() => processWithRecheck(ref, attempt + 1)]);
      if (accepted === null) recheckLater(ref, attempt + 1);
      else accepted[0].catch(() => {});
    }, delay);
    Deno.unrefTimer(timer);
  };
  const processWithRecheck = async (ref: ObjectRef, attempt = 0) => {
    const outcome = await processObject(context, ref);
    if (outcome.result === "busy") recheckLater(ref, attempt);
    return outcome;
  };

  const authorised = (request: Request, url: URL): boolean => {
    const header = request.headers.get("authorization") ?? "";
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    const token = bearer ?? (config.allowQueryToken ? url.searchParams.get("token") : null);
    return token !== null && token !== undefined && timingSafeEqual(digest(token), expectedToken);
  };

  const readiness = async (): Promise<boolean> => {
    if (performance.now() - storageCheckedAt > 5000) {
      storageCheckedAt = performance.now();
      storageReady = await s3.send(new HeadBucketCommand({ Bucket: config.destBucket })).then(
        () => true,
        () => false,
      );
    }
    return storageReady && queue.free > 0;
  };

  const events = async (request: Request, url: URL): Promise<Response> => {
    if (request.method !== "POST") return json(405, { error: "method not allowed" }, { allow: "POST" });
    if (!authorised(request, url)) {
      return json(401, { error: "unauthorised" }, { "www-authenticate": 'Bearer realm="logik"' });
    }
    const body = await readLimited(request, config.maxRequestBytes);
    if (body === null) return json(413, { error: `body exceeds ${config.maxRequestBytes} bytes` });
    let refs;
    try {
      refs = parseS3Event(JSON.parse(new TextDecoder().decode(body)));
    } catch (error) {
      const message = error instanceof EventFormatError ? error.message : "body is not JSON";
      return json(400, { error: message });
    }
    const tasks = refs.map((ref) => () => processWithRecheck(ref));
    const accepted = queue.tryAddAll(tasks);
    if (accepted === null) {
      return json(429, { error: "queue full" }, { "retry-after": "5" });
    }
    if (config.ack === "queued") {
      for (const promise of accepted) promise.catch(() => {});
      return json(202, { accepted: accepted.length });
    }
    const results = (await Promise.all(accepted)).map((outcome) => outcome.result);
    const counts = countResults(results);
    // A failure makes the sender retry; everything else is final (a retry would be a duplicate).
    return json(counts.failed ? 503 : 200, { accepted: accepted.length, results: counts });
  };

  const handler = async (request: Request): Promise<Response> => {
    const started = performance.now();
    const url = new URL(request.url);
    let response: Response;
    try {
      if (url.pathname === "/healthz") response = json(200, { status: "ok" });
      else if (url.pathname === "/readyz") {
        response = await readiness()
          ? json(200, { status: "ready", active: queue.active, waiting: queue.waiting })
          : json(503, { status: "not ready", active: queue.active, waiting: queue.waiting });
      } else response = await events(request, url);
    } catch (error) {
      log("error", "request.error", { kind: error instanceof Error ? error.name : "Error" });
      response = json(500, { error: "internal error" });
    }
    if (url.pathname !== "/healthz" && url.pathname !== "/readyz") {
      log("info", "request", {
        method: request.method,
        path: url.pathname,
        status: response.status,
        ms: Math.round(performance.now() - started),
        active: queue.active,
        waiting: queue.waiting,
      });
    }
    return response;
  };

  return Object.assign(handler, {
    idle: () => queue.idle(),
    close: () => pool?.close(),
  });
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function countResults(results: ObjectResult[]): Partial<Record<ObjectResult, number>> {
  const counts: Partial<Record<ObjectResult, number>> = {};
  for (const result of results) counts[result] = (counts[result] ?? 0) + 1;
  return counts;
}

/** The body, or null as soon as it passes `limit` bytes (declared or streamed). */
async function readLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await request.body?.cancel().catch(() => {});
    return null;
  }
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}
