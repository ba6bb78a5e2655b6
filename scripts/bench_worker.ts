/**
 * Worker benchmark against a real radosgw: sustained objects/s and MB/s for 40-frame 800x600 echo DICOMs
 * (JPEG baseline, made from the public SonoSite clip) at 1 and 2 replicas behind a round-robin balancer,
 * p50/p99 latency from the end of the PUT to the status object while all objects of a run are queued, and
 * the latency of one object on an idle worker.
 *
 * ```sh
 * deno run -A scripts/bench_worker.ts
 * ```
 * @module
 */
import {
  CreateBucketCommand,
  HeadObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { fileURLToPath } from "node:url";
import { keyHash } from "../functions/key_hash.ts";
import { createS3Client } from "../functions/object_store.ts";
import { statusKey } from "../functions/process_object.ts";
import { cephInstalled, startRgw } from "../functions/rgw_fixture.ts";

const CLIP = fileURLToPath(
  new URL("../../shared/data/public/video/sonosite_echo_pla_30f_derived.mp4", import.meta.url),
);
const WORKER = fileURLToPath(new URL("../functions/main.ts", import.meta.url));
const TOKEN = "bench-token-0123456789abcdef";
const SECRET = "bench-key-hash-secret-01234567";
const FRAMES = 40;
const OBJECTS_PER_RUN = Number(Deno.env.get("BENCH_WORKER_OBJECTS") ?? "4");

/**
 * Run the benchmark; figures are keyed `replicas1.objectsPerSecond`, `replicas2.megabytesPerSecond`,
 * `latencyP50Ms`, `latencyP99Ms`, ... Empty when Ceph is not installed.
 *
 * @example
 * ```ts
 * const figures = await benchWorker();
 * console.log(figures["replicas2.objectsPerSecond"]);
 * ```
 */
export async function benchWorker(): Promise<Record<string, number>> {
  if (!cephInstalled()) {
    console.error("bench_worker: Ceph binaries not installed; skipped");
    return {};
  }
  const dicom = await makeEchoDicom();
  const rgw = await startRgw();
  const figures: Record<string, number> = { objectBytes: dicom.length, frames: FRAMES };
  const latencies: number[] = [];
  try {
    const s3 = createS3Client({ ...rgw, region: "us-east-1" });
    const sns = new SNSClient({
      endpoint: rgw.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    });
    await s3.send(new CreateBucketCommand({ Bucket: "deid" }));
    for (const replicas of [1, 2]) {
      const bucket = `raw${replicas}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const ports = Array.from({ length: replicas }, freePort);
      const workers = ports.map((port, index) =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", WORKER],
          env: {
            LOGIK_PORT: String(port),
            LOGIK_S3_ENDPOINT: rgw.endpoint,
            AWS_ACCESS_KEY_ID: rgw.accessKeyId,
            AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey,
            LOGIK_AUTH_TOKEN: TOKEN,
            LOGIK_KEY_HASH_SECRET: SECRET,
            LOGIK_SOURCE_BUCKET: bucket,
            LOGIK_DEST_BUCKET: "deid",
            LOGIK_DEST_PREFIX: `r${replicas}`,
            LOGIK_MODE: "us",
            LOGIK_CONCURRENCY: "1",
            LOGIK_WORKER_ID: `bench-${replicas}-${index}`,
          },
          stdout: "null",
          stderr: "inherit",
        }).spawn()
      );
      // A round-robin balancer in front of the replicas, as a load balancer would be.
      let turn = 0;
      const balancer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
        const port = ports[turn++ % ports.length];
        const url = new URL(request.url);
        return await fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, {
          method: request.method,
          headers: request.headers,
          body: await request.arrayBuffer(),
        });
      });
      try {
        for (const port of ports) await waitHealthy(port);
        const topic = await sns.send(
          new CreateTopicCommand({
            Name: `bench${replicas}`,
            Attributes: { "push-endpoint": `http://127.0.0.1:${balancer.addr.port}/events?token=${TOKEN}` },
          }),
        );
        await s3.send(
          new PutBucketNotificationConfigurationCommand({
            Bucket: bucket,
            NotificationConfiguration: {
              TopicConfigurations: [{
                Id: "bench",
                TopicArn: topic.TopicArn!,
                Events: ["s3:ObjectCreated:*"],
              }],
            },
          }),
        );
        // One warm-up object per replica loads the OCR models before timing.
        const warmKeys = ports.map((_, index) => `warm/${index}.dcm`);
        await Promise.all(
          warmKeys.map((key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: dicom }))),
        );
        await Promise.all(warmKeys.map((key) => waitStatus(s3, bucket, `r${replicas}/`, key)));

        const keys = Array.from({ length: OBJECTS_PER_RUN }, (_, index) => `echo/${index}.dcm`);
        const cpuBefore = workers.reduce((sum, worker) => sum + cpuSeconds(worker.pid), 0);
        const started = performance.now();
        const done = await Promise.all(keys.map(async (key) => {
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: dicom }));
          const putAt = performance.now();
          const seenAt = await waitStatus(s3, bucket, `r${replicas}/`, key);
          latencies.push(seenAt - putAt);
          return seenAt;
        }));
        const seconds = (Math.max(...done) - started) / 1000;
        figures[`replicas${replicas}.objectsPerSecond`] = round(keys.length / seconds);
        figures[`replicas${replicas}.megabytesPerSecond`] = round(
          (keys.length * dicom.length) / 1e6 / seconds,
        );
        figures[`replicas${replicas}.seconds`] = round(seconds);
        // CPU per object does not depend on how busy the machine is: 1 / this = objects/s per free core.
        const cpu = workers.reduce((sum, worker) => sum + cpuSeconds(worker.pid), 0) - cpuBefore;
        figures[`replicas${replicas}.cpuSecondsPerObject`] = round(cpu / keys.length);
        if (replicas === 1) {
          // One object at a time on an idle worker: the latency floor.
          const idle: number[] = [];
          for (let index = 0; index < 2; index++) {
            const key = `idle/${index}.dcm`;
            await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: dicom }));
            const putAt = performance.now();
            idle.push((await waitStatus(s3, bucket, `r${replicas}/`, key)) - putAt);
          }
          figures.idleLatencyMs = Math.round(Math.min(...idle));
        }
      } finally {
        await balancer.shutdown();
        for (const worker of workers) {
          worker.kill("SIGTERM");
          await worker.status;
        }
      }
    }
  } finally {
    await rgw.stop();
  }
  latencies.sort((a, b) => a - b);
  figures.latencyP50Ms = Math.round(percentile(latencies, 0.5));
  figures.latencyP99Ms = Math.round(percentile(latencies, 0.99));
  figures.latencySamples = latencies.length;
  return figures;
}

/**
 * A 40-frame 800x600 JPEG-baseline US multi-frame DICOM made from the public SonoSite echo clip
 * (the clip's burned-in text is kept, scaled up).
 *
 * @example
 * ```ts
 * await Deno.writeFile("/tmp/echo40.dcm", await makeEchoDicom());
 * ```
 */
export async function makeEchoDicom(): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "logik-bench-echo-" });
  try {
    const ffmpeg = (ffmpegInstaller as { path: string }).path;
    const output = await new Deno.Command(ffmpeg, {
      args: [
        "-v",
        "error",
        "-stream_loop",
        "1",
        "-i",
        CLIP,
        "-frames:v",
        String(FRAMES),
        "-vf",
        "scale=800:600",
        "-pix_fmt",
        "yuvj422p",
        "-q:v",
        "3",
        `${dir}/f%03d.jpg`,
      ],
    }).output();
    if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
    const frames: Uint8Array[] = [];
    for (let index = 1; index <= FRAMES; index++) {
      frames.push(await Deno.readFile(`${dir}/f${String(index).padStart(3, "0")}.jpg`));
    }
    return encapsulatedDicom(frames, 600, 800);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Minimal explicit-VR little-endian writer: enough tags for a JPEG-baseline US multi-frame object. */
function encapsulatedDicom(frames: Uint8Array[], rows: number, cols: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const element = (group: number, tag: number, vr: string, value: Uint8Array) => {
    const padded = value.length % 2
      ? concat([value, new Uint8Array([vr === "UI" || vr === "OB" ? 0 : 32])])
      : value;
    const long = ["OB", "OW", "SQ", "UN", "UT"].includes(vr);
    const head = new DataView(new ArrayBuffer(long ? 12 : 8));
    head.setUint16(0, group, true);
    head.setUint16(2, tag, true);
    head.setUint8(4, vr.charCodeAt(0));
    head.setUint8(5, vr.charCodeAt(1));
    if (long) head.setUint32(8, padded.length, true);
    else head.setUint16(6, padded.length, true);
    return concat([new Uint8Array(head.buffer), padded]);
  };
  const text = (value: string) => new TextEncoder().encode(value);
  const u16 = (value: number) => new Uint8Array(new Uint16Array([value]).buffer);
  const sop = "1.2.840.10008.5.1.4.1.1.3.1";
  const instance = `2.25.${BigInt("0x" + crypto.randomUUID().replaceAll("-", ""))}`;
  const meta = concat([
    element(0x0002, 0x0001, "OB", new Uint8Array([0, 1])),
    element(0x0002, 0x0002, "UI", text(sop)),
    element(0x0002, 0x0003, "UI", text(instance)),
    element(0x0002, 0x0010, "UI", text("1.2.840.10008.1.2.4.50")),
    element(0x0002, 0x0012, "UI", text("1.2.826.0.1.3680043.10.1")),
  ]);
  parts.push(new Uint8Array(128), text("DICM"));
  parts.push(element(0x0002, 0x0000, "UL", new Uint8Array(new Uint32Array([meta.length]).buffer)), meta);
  parts.push(
    element(0x0008, 0x0016, "UI", text(sop)),
    element(0x0008, 0x0018, "UI", text(instance)),
    element(0x0008, 0x0060, "CS", text("US")),
    element(0x0010, 0x0010, "PN", text("Bench^Echo")),
    element(0x0028, 0x0002, "US", u16(3)),
    element(0x0028, 0x0004, "CS", text("YBR_FULL_422")),
    element(0x0028, 0x0006, "US", u16(0)),
    element(0x0028, 0x0008, "IS", text(String(frames.length))),
    element(0x0028, 0x0010, "US", u16(rows)),
    element(0x0028, 0x0011, "US", u16(cols)),
    element(0x0028, 0x0100, "US", u16(8)),
    element(0x0028, 0x0101, "US", u16(8)),
    element(0x0028, 0x0102, "US", u16(7)),
    element(0x0028, 0x0103, "US", u16(0)),
  );
  // Pixel Data: undefined length, an empty basic offset table, one fragment per frame, then the delimiter.
  const item = (payload: Uint8Array) => {
    const padded = payload.length % 2 ? concat([payload, new Uint8Array(1)]) : payload;
    const head = new DataView(new ArrayBuffer(8));
    head.setUint16(0, 0xfffe, true);
    head.setUint16(2, 0xe000, true);
    head.setUint32(4, padded.length, true);
    return concat([new Uint8Array(head.buffer), padded]);
  };
  const pixelHead = new DataView(new ArrayBuffer(12));
  pixelHead.setUint16(0, 0x7fe0, true);
  pixelHead.setUint16(2, 0x0010, true);
  pixelHead.setUint8(4, "O".charCodeAt(0));
  pixelHead.setUint8(5, "B".charCodeAt(0));
  pixelHead.setUint32(8, 0xffffffff, true);
  parts.push(new Uint8Array(pixelHead.buffer), item(new Uint8Array()), ...frames.map(item));
  parts.push(new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]));
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function waitStatus(
  s3: ReturnType<typeof createS3Client>,
  bucket: string,
  destPrefix: string,
  key: string,
): Promise<number> {
  const target = statusKey(destPrefix, keyHash(SECRET, bucket, key));
  const deadline = performance.now() + 600_000;
  while (performance.now() < deadline) {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: "deid", Key: target }));
      return performance.now();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error("timed out waiting for a status object");
}

async function waitHealthy(port: number): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("worker did not start");
}

/** User + system CPU seconds of a process and all its threads (Linux /proc), 0 elsewhere. */
function cpuSeconds(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (import.meta.main) {
  console.log(JSON.stringify(await benchWorker(), null, 2));
}
