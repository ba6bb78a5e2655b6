import assert from "node:assert/strict";
import { HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { parseWorkerConfig } from "./config.ts";
import { createHandler } from "./handler.ts";

const TOKEN = "handler-test-token-0123456789";

function config(overrides: Record<string, unknown> = {}) {
  return parseWorkerConfig({
    endpoint: "http://127.0.0.1:9",
    accessKeyId: "k",
    secretAccessKey: "s",
    sourceBucket: "raw",
    destBucket: "deid",
    authToken: TOKEN,
    keyHashSecret: "handler-test-secret-0123",
    concurrency: 1,
    queueSize: 1,
    maxRequestBytes: 4096,
    ...overrides,
  });
}

/** S3 that answers HeadBucket and holds every object call until `release`, then fails it. */
function heldS3() {
  const { promise: gate, resolve: release } = Promise.withResolvers<void>();
  const s3 = {
    send(command: unknown) {
      if (command instanceof HeadBucketCommand) return Promise.resolve({});
      return gate.then(() =>
        Promise.reject(Object.assign(new Error("held"), { $metadata: { httpStatusCode: 503 } }))
      );
    },
  } as unknown as S3Client;
  return { s3, release };
}

function event(keys: string[]) {
  return JSON.stringify({
    Records: keys.map((key) => ({
      eventName: "ObjectCreated:Put",
      eventSource: "ceph:s3",
      s3: { bucket: { name: "raw" }, object: { key, eTag: "e" } },
    })),
  });
}

function post(
  body: string,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
  path = "/events",
) {
  return new Request(`http://127.0.0.1${path}`, { method: "POST", body, headers });
}

const noJob = () => Promise.reject(new Error("the pipeline must not run in these tests"));

Deno.test("handler answers health and readiness, and refuses bad tokens and bodies", async () => {
  const { s3, release } = heldS3();
  const logs: string[] = [];
  const handler = createHandler(config(), {
    s3,
    processJob: noJob,
    log: (_level, name, fields) => logs.push(JSON.stringify({ name, ...fields })),
  });
  assert.equal((await handler(new Request("http://127.0.0.1/healthz"))).status, 200);
  assert.equal((await handler(new Request("http://127.0.0.1/readyz"))).status, 200);
  assert.equal((await handler(post(event(["a"]), {}))).status, 401);
  assert.equal(
    (await handler(post(event(["a"]), { authorization: "Bearer wrong-token-0123456789" }))).status,
    401,
  );
  assert.equal((await handler(post(event(["a"]), {}, `/events?token=${TOKEN}x`))).status, 401);
  assert.equal((await handler(post("not json"))).status, 400);
  assert.equal((await handler(post(JSON.stringify({ hello: 1 })))).status, 400);
  assert.equal((await handler(post(event(["x".repeat(5000)])))).status, 413);
  assert.equal((await handler(new Request("http://127.0.0.1/events"))).status, 405);
  // Query token for senders that cannot set headers (Ceph RGW push endpoints).
  assert.equal((await handler(post(event(["Jane Doe.dcm"]), {}, `/events?token=${TOKEN}`))).status, 202);
  release();
  await handler.idle();
  assert.ok(!logs.join("\n").includes("Jane"), "logs carry key hashes, not keys");
  handler.close();
});

Deno.test("handler answers 429 when the queue is full and 413 for a streamed body over the limit", async () => {
  const { s3, release } = heldS3();
  const handler = createHandler(config(), { s3, processJob: noJob, log: () => {} });
  assert.equal(
    (await handler(post(event(["a", "b", "c"])))).status,
    429,
    "3 objects do not fit in 1 running + 1 queued",
  );
  assert.equal((await handler(post(event(["a", "b"])))).status, 202);
  const full = await handler(post(event(["c"])));
  assert.equal(full.status, 429);
  assert.equal(full.headers.get("retry-after"), "5");
  assert.equal((await handler(new Request("http://127.0.0.1/readyz"))).status, 503, "not ready while full");
  const chunks = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let index = 0; index < 10; index++) controller.enqueue(new Uint8Array(1000).fill(32));
      controller.close();
    },
  });
  const streamed = new Request("http://127.0.0.1/events", {
    method: "POST",
    body: chunks,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal((await handler(streamed)).status, 413);
  release();
  await handler.idle();
  handler.close();
});

Deno.test("handler in processed mode reports storage failures with 503 so the sender retries", async () => {
  const { s3, release } = heldS3();
  const handler = createHandler(config({ ack: "processed" }), { s3, processJob: noJob, log: () => {} });
  const pending = handler(post(event(["a"])));
  release();
  const response = await pending;
  assert.equal(response.status, 503);
  assert.deepEqual((await response.json()).results, { failed: 1 });
  handler.close();
});

Deno.test("parseWorkerConfig refuses overlapping source and destination and short secrets", () => {
  assert.throws(() => config({ destBucket: "raw", destPrefix: "" }), /overlap/);
  assert.doesNotThrow(() => config({ destBucket: "raw", sourcePrefix: "in/", destPrefix: "out/" }));
  assert.throws(() => config({ keyHashSecret: "short" }), /keyHashSecret/);
  assert.throws(() => config({ options: { format: "bmp" } }), /format/);
});
