/**
 * End to end against a real Ceph radosgw (started by scripts/rgw_start.sh) with real bucket notifications
 * pushed over HTTP to worker subprocesses running functions/main.ts and the real pipeline.
 */
import assert from "node:assert/strict";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { fileURLToPath } from "node:url";
import { parseWorkerConfig } from "./config.ts";
import { keyHash } from "./key_hash.ts";
import { createS3Client, putJson } from "./object_store.ts";
import type { ObjectStatus } from "./process_object.ts";
import { statusKey } from "./process_object.ts";
import { cephInstalled, type RgwServer, startRgw } from "./rgw_fixture.ts";
import { createPipelinePool } from "./pipeline_pool.ts";
import { watchBucket } from "./watch.ts";

const PUBLIC = fileURLToPath(new URL("../../shared/data/public/", import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL("./main.ts", import.meta.url));
const TOKEN = "test-token-0123456789abcdef";
const SECRET = "test-key-hash-secret-0123456789";
const LEASE_SECONDS = 3;
// Killed workers leave their job folders behind; all of them live here and go at the end.
const jobTemp = Deno.makeTempDirSync({ prefix: "logik-worker-test-" });

// Small valid inputs of several kinds, reused under different keys to make 50 objects.
const VALID = [
  "dicom/MR_small.dcm",
  "dicom/CT_small.dcm",
  "dicom/color-px.dcm",
  "dicom/color-pl.dcm",
  "dicom/SC_rgb_dcmtk_eb_cy_np.dcm",
  "dicom/MR_small_RLE.dcm",
  "dicom/ExplVR_BigEnd.dcm",
  "dicom/OBXXXX1A.dcm",
  "dicom/US1_UNCR.dcm",
  "nifti/standard.nii.gz",
];

interface Upload {
  key: string;
  bytes: Uint8Array;
  expect: "ok" | "skipped";
}

async function sampleUploads(count: number, prefix: string): Promise<Upload[]> {
  const uploads: Upload[] = [
    {
      key: `${prefix}broken/MR_truncated.dcm`,
      bytes: await Deno.readFile(`${PUBLIC}dicom/MR_truncated.dcm`),
      expect: "skipped",
    },
    { key: `${prefix}empty/zero.dcm`, bytes: new Uint8Array(), expect: "skipped" },
    {
      key: `${prefix}a/../../escape.dcm`,
      bytes: await Deno.readFile(`${PUBLIC}dicom/MR_small.dcm`),
      expect: "ok",
    },
    {
      key: `${prefix}Jane Doe/é ü 漢字+1.dcm`,
      bytes: await Deno.readFile(`${PUBLIC}dicom/CT_small.dcm`),
      expect: "ok",
    },
  ];
  for (let index = 0; uploads.length < count; index++) {
    const sample = VALID[index % VALID.length];
    const name = sample.split("/")[1];
    uploads.push({
      key: `${prefix}study${String(index).padStart(2, "0")}/${name}`,
      bytes: await Deno.readFile(`${PUBLIC}${sample}`),
      expect: "ok",
    });
  }
  return uploads;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

interface WorkerProcess {
  id: string;
  port: number;
  lines: Record<string, unknown>[];
  child: Deno.ChildProcess;
  done: Promise<void>;
}

async function spawnWorker(
  rgw: RgwServer,
  id: string,
  port: number,
  env: Record<string, string>,
): Promise<WorkerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER_ENTRY],
    env: {
      LOGIK_PORT: String(port),
      LOGIK_S3_ENDPOINT: rgw.endpoint,
      AWS_ACCESS_KEY_ID: rgw.accessKeyId,
      AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey,
      AWS_REGION: "us-east-1",
      LOGIK_AUTH_TOKEN: TOKEN,
      LOGIK_KEY_HASH_SECRET: SECRET,
      LOGIK_MODE: "deid",
      LOGIK_CONCURRENCY: "2",
      LOGIK_LEASE_SECONDS: String(LEASE_SECONDS),
      LOGIK_WORKER_ID: id,
      LOGIK_TEMP_DIR: jobTemp,
      ...env,
    },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines: Record<string, unknown>[] = [];
  const { promise: ready, resolve: listening } = Promise.withResolvers<void>();
  const done = (async () => {
    let buffered = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      for (const part of parts) {
        if (!part.trim()) continue;
        const line = JSON.parse(part);
        if (Deno.env.get("LOGIK_TEST_VERBOSE")) console.error(id, part);
        lines.push(line);
        if (line.event === "listening") listening();
      }
    }
  })();
  await Promise.race([
    ready,
    done.then(() => Promise.reject(new Error(`worker ${id} exited before listening`))),
  ]);
  return { id, port, lines, child, done };
}

async function stopWorker(worker: WorkerProcess, signal: Deno.Signal): Promise<void> {
  try {
    worker.child.kill(signal);
  } catch { /* already gone */ }
  await worker.child.status;
  await worker.done;
}

async function createTopic(sns: SNSClient, name: string, port: number): Promise<string> {
  const topic = await sns.send(
    new CreateTopicCommand({
      Name: name,
      Attributes: { "push-endpoint": `http://127.0.0.1:${port}/events?token=${TOKEN}`, persistent: "false" },
    }),
  );
  return topic.TopicArn!;
}

async function uploadAll(s3: S3Client, bucket: string, uploads: Upload[], parallel = 6): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < uploads.length) {
      const upload = uploads[next++];
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: upload.key, Body: upload.bytes }));
    }
  }));
}

async function countKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((item) => item.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function waitFor(what: string, condition: () => Promise<boolean>, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function readStatus(s3: S3Client, bucket: string, key: string): Promise<ObjectStatus> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await object.Body!.transformToString());
}

/** Per key hash: how many times a worker finished it (wrote a status). */
function completions(workers: WorkerProcess[]): Map<string, string[]> {
  const done = new Map<string, string[]>();
  for (const worker of workers) {
    for (const line of worker.lines) {
      if (line.event === "object.done" && (line.result === "ok" || line.result === "skipped")) {
        const hash = String(line.keyHash);
        done.set(hash, [...(done.get(hash) ?? []), worker.id]);
      }
    }
  }
  return done;
}

function results(workers: WorkerProcess[], result: string): number {
  return workers.flatMap((worker) => worker.lines).filter((line) =>
    line.event === "object.done" && line.result === result
  )
    .length;
}

async function checkStatuses(
  s3: S3Client,
  sourceBucket: string,
  destBucket: string,
  destPrefix: string,
  uploads: Upload[],
): Promise<Map<string, ObjectStatus>> {
  const statuses = new Map<string, ObjectStatus>();
  for (const upload of uploads) {
    const hash = keyHash(SECRET, sourceBucket, upload.key);
    const status = await readStatus(s3, destBucket, statusKey(destPrefix, hash));
    const head = await s3.send(new HeadObjectCommand({ Bucket: sourceBucket, Key: upload.key }));
    assert.equal(status.eTag, head.ETag!.replace(/"/g, ""), "status carries the input ETag");
    assert.equal(status.toolVersion, "0.1.0");
    assert.equal(status.status, upload.expect, `${upload.key}: ${status.kind} ${status.reason}`);
    if (status.status === "ok") {
      assert.ok(status.outputs.some((key) => key.endsWith("/manifest.json")), "manifest uploaded");
      for (const output of status.outputs) {
        assert.ok(output.startsWith(destPrefix), "output under the destination prefix");
        await s3.send(new HeadObjectCommand({ Bucket: destBucket, Key: output }));
      }
    } else {
      assert.ok(status.kind && status.reason, "skipped status has a kind and a reason");
      assert.ok(!status.reason!.includes("logik-job-"), "reason does not leak the temporary folder");
    }
    statuses.set(hash, status);
  }
  return statuses;
}

if (!cephInstalled()) {
  console.warn(
    "worker_test: skipped, Ceph binaries missing (apt-get install ceph-mon ceph-osd radosgw ceph-common)",
  );
}

Deno.test({
  name:
    "worker against real radosgw: events, outputs, status, traversal, SIGKILL + replay, two replicas, watch",
  ignore: !cephInstalled(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const rgw = await startRgw();
    const s3 = createS3Client({ ...rgw, region: "us-east-1" });
    const sns = new SNSClient({
      endpoint: rgw.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    });
    const workers: WorkerProcess[] = [];
    try {
      for (const bucket of ["raw", "raw2", "raw3", "deid"]) {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      }

      await t.step("radosgw honours If-None-Match: * on PUT (the lease relies on it)", async () => {
        assert.equal(await putJson(s3, "deid", "probe/lease", { n: 1 }, { ifNoneMatch: true }), true);
        assert.equal(await putJson(s3, "deid", "probe/lease", { n: 2 }, { ifNoneMatch: true }), false);
        await s3.send(new DeleteObjectCommand({ Bucket: "deid", Key: "probe/lease" }));
      });

      await t.step(
        "50 uploads → events → outputs and status; SIGKILL mid-run, restart, replay: each once",
        async () => {
          const port = freePort();
          const env = { LOGIK_SOURCE_BUCKET: "raw", LOGIK_DEST_BUCKET: "deid", LOGIK_DEST_PREFIX: "out" };
          const topic = await createTopic(sns, "logik-a", port);
          await s3.send(
            new PutBucketNotificationConfigurationCommand({
              Bucket: "raw",
              NotificationConfiguration: {
                TopicConfigurations: [{ Id: "deid", TopicArn: topic, Events: ["s3:ObjectCreated:*"] }],
              },
            }),
          );
          const uploads = await sampleUploads(50, "");
          const first = await spawnWorker(rgw, "w1", port, env);
          workers.push(first);
          await uploadAll(s3, "raw", uploads);
          await waitFor(
            "a few statuses",
            async () => (await countKeys(s3, "deid", "out/.logik/status/")).length >= 5,
            120,
          );
          await stopWorker(first, "SIGKILL");
          const doneAtKill = (await countKeys(s3, "deid", "out/.logik/status/")).length;
          assert.ok(doneAtKill < uploads.length, "the kill happened mid-run");

          // Replay at once: objects the killed worker had claimed are busy until its claims expire, and the
          // restarted worker looks at them again after a lease period.
          const second = await spawnWorker(rgw, "w1-restarted", port, env);
          workers.push(second);
          const leftovers = [...Deno.readDirSync(jobTemp)].filter((entry) =>
            entry.name.startsWith(`logik-job-${first.child.pid}-`)
          );
          assert.deepEqual(leftovers, [], "the restarted worker removed the killed one's job folders");
          await uploadAll(s3, "raw", uploads);
          await waitFor(
            "50 statuses",
            async () => (await countKeys(s3, "deid", "out/.logik/status/")).length >= 50,
            150,
          );
          const statuses = await checkStatuses(s3, "raw", "deid", "out/", uploads);

          const counts = completions([first, second]);
          for (const [hash, status] of statuses) {
            const by = counts.get(hash) ?? [];
            // A status written by the killed worker just before its log line counts as its one completion.
            assert.ok(
              by.length === 1 || (by.length === 0 && status.workerId === "w1"),
              `completed ${by.length} times`,
            );
          }
          assert.ok(
            results([second], "duplicate") >= doneAtKill - 2,
            "replayed finished objects were not redone",
          );

          // Nothing outside the prefix, in particular not from the `../` key.
          const everything = await countKeys(s3, "deid", "");
          assert.ok(
            everything.every((key) => key.startsWith("out/")),
            "all keys under out/",
          );
          const escaped = statuses.get(keyHash(SECRET, "raw", "a/../../escape.dcm"))!;
          assert.ok(
            escaped.outputs.every((key) => key.startsWith("out/a/escape/")),
            escaped.outputs.join(","),
          );
          const unicode = statuses.get(keyHash(SECRET, "raw", "Jane Doe/é ü 漢字+1.dcm"))!;
          assert.ok(
            unicode.outputs.includes("out/Jane Doe/é ü 漢字+1/manifest.json"),
            unicode.outputs.join(","),
          );
          // Logs carry key hashes only.
          const logText = JSON.stringify([...first.lines, ...second.lines]);
          assert.ok(!logText.includes("Jane") && !logText.includes("escape") && !logText.includes("study"));
          await stopWorker(second, "SIGTERM");
        },
      );

      await t.step("two replicas receive every event: no object is processed twice", async () => {
        const ports = [freePort(), freePort()];
        const env = {
          LOGIK_SOURCE_BUCKET: "raw2",
          LOGIK_DEST_BUCKET: "deid",
          LOGIK_DEST_PREFIX: "two",
          LOGIK_CONCURRENCY: "1",
        };
        const topics = [
          await createTopic(sns, "logik-r1", ports[0]),
          await createTopic(sns, "logik-r2", ports[1]),
        ];
        await s3.send(
          new PutBucketNotificationConfigurationCommand({
            Bucket: "raw2",
            NotificationConfiguration: {
              TopicConfigurations: topics.map((arn, index) => ({
                Id: `r${index}`,
                TopicArn: arn,
                Events: ["s3:ObjectCreated:*"],
              })),
            },
          }),
        );
        const replicas = [
          await spawnWorker(rgw, "r1", ports[0], env),
          await spawnWorker(rgw, "r2", ports[1], env),
        ];
        workers.push(...replicas);
        const uploads = (await sampleUploads(24, "")).filter((upload) => upload.key.startsWith("study"));
        await uploadAll(s3, "raw2", uploads);
        await waitFor(
          "statuses",
          async () => (await countKeys(s3, "deid", "two/.logik/status/")).length >= uploads.length,
          120,
        );
        await Promise.all(replicas.map((replica) => stopWorker(replica, "SIGTERM")));
        const statuses = await checkStatuses(s3, "raw2", "deid", "two/", uploads);
        const counts = completions(replicas);
        for (const hash of statuses.keys()) {
          assert.equal((counts.get(hash) ?? []).length, 1, "completed exactly once");
        }
        assert.ok(
          results(replicas, "busy") + results(replicas, "duplicate") >= uploads.length,
          "both got every event",
        );
        assert.ok(replicas.every((replica) => completions([replica]).size > 0), "both replicas did work");
      });

      await t.step("watch mode processes new objects once and moves its checkpoint", async () => {
        const uploads = (await sampleUploads(16, "scans/")).filter((upload) => upload.key.includes("/study"))
          .slice(0, 5);
        await uploadAll(s3, "raw3", uploads.slice(0, 4));
        const config = parseWorkerConfig({
          endpoint: rgw.endpoint,
          accessKeyId: rgw.accessKeyId,
          secretAccessKey: rgw.secretAccessKey,
          sourceBucket: "raw3",
          sourcePrefix: "scans/",
          destBucket: "deid",
          destPrefix: "watched",
          keyHashSecret: SECRET,
          concurrency: 2,
        });
        const quiet = () => {};
        const pool = createPipelinePool(2);
        const pipeline = { processJob: pool.process };
        const firstPass = await watchBucket({ ...config, once: true }, { log: quiet, ...pipeline });
        assert.equal(firstPass.results.ok, 4);
        const again = await watchBucket({ ...config, once: true }, { log: quiet, ...pipeline });
        assert.equal(again.results.ok, undefined, "nothing redone");
        await uploadAll(s3, "raw3", uploads.slice(4));
        const third = await watchBucket({ ...config, once: true }, { log: quiet, ...pipeline });
        assert.equal(third.results.ok, 1);
        await checkStatuses(s3, "raw3", "deid", "watched/", uploads);
        pool.close();
      });
    } finally {
      for (const worker of workers) await stopWorker(worker, "SIGKILL").catch(() => {});
      await rgw.stop();
      await Deno.remove(jobTemp, { recursive: true }).catch(() => {});
    }
  },
});
