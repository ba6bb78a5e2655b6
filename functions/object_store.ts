/**
 * The few S3 calls the worker makes, over @aws-sdk/client-s3 (path-style, checksums only when required,
 * because with default settings some servers store the SDK's chunked-checksum framing as the object).
 * @module
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** Connection settings. */
export interface S3Settings {
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** What HEAD tells about an object. */
export interface ObjectHead {
  eTag: string;
  size: number;
}

/**
 * An S3 client configured for S3-compatible servers (MinIO, Ceph RGW) as well as AWS.
 *
 * @example
 * ```ts
 * const s3 = createS3Client({ endpoint: "http://127.0.0.1:7480", region: "us-east-1",
 *   accessKeyId: "k", secretAccessKey: "s" });
 * ```
 */
export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    region: settings.region,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/**
 * HTTP status of an S3 error (404, 412, ...), or undefined for non-S3 errors.
 *
 * @example
 * ```ts
 * try { await s3.send(command); } catch (error) { if (s3Status(error) === 412) console.log("lost the race"); }
 * ```
 */
export function s3Status(error: unknown): number | undefined {
  if (error instanceof S3ServiceException) return error.$metadata?.httpStatusCode;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata;
  return metadata?.httpStatusCode;
}

/**
 * HEAD an object; null when it does not exist.
 *
 * @example
 * ```ts
 * const head = await headObject(s3, "raw", "a.dcm"); // { eTag: "\"9b2c…\"", size: 1234 } | null
 * ```
 */
export async function headObject(s3: S3Client, bucket: string, key: string): Promise<ObjectHead | null> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { eTag: head.ETag ?? "", size: head.ContentLength ?? 0 };
  } catch (error) {
    if (s3Status(error) === 404) return null;
    throw error;
  }
}

/**
 * GET a JSON object; null when it does not exist.
 *
 * @example
 * ```ts
 * const status = await getJson(s3, "deid", ".logik/status/3f0c.json");
 * ```
 */
export async function getJson<T>(s3: S3Client, bucket: string, key: string): Promise<T | null> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await object.Body!.transformToString()) as T;
  } catch (error) {
    if (s3Status(error) === 404) return null;
    throw error;
  }
}

/**
 * PUT a JSON object. With `ifNoneMatch` the put only succeeds if the key is new (returns false on 412).
 *
 * @example
 * ```ts
 * const won = await putJson(s3, "deid", ".logik/lease/3f0c/g000000", { workerId: "a" }, { ifNoneMatch: true });
 * ```
 */
export async function putJson(
  s3: S3Client,
  bucket: string,
  key: string,
  value: unknown,
  conditions: { ifNoneMatch?: boolean } = {},
): Promise<boolean> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: "application/json",
        ...(conditions.ifNoneMatch ? { IfNoneMatch: "*" } : {}),
      }),
    );
    return true;
  } catch (error) {
    // 409 ConditionalRequestConflict: a concurrent conditional write to the same key (AWS).
    if (conditions.ifNoneMatch && (s3Status(error) === 412 || s3Status(error) === 409)) return false;
    throw error;
  }
}

/**
 * Stream an object into a file, only if its ETag is still `eTag` (so we process the version we claimed).
 *
 * @example
 * ```ts
 * await downloadToFile(s3, "raw", "a.dcm", "\"9b2c…\"", "/tmp/job/input.dcm");
 * ```
 */
export async function downloadToFile(
  s3: S3Client,
  bucket: string,
  key: string,
  eTag: string,
  path: string,
): Promise<void> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: eTag }));
  const body = object.Body;
  if (!body) throw new Error("empty response body");
  const source = body instanceof Readable ? body : Readable.fromWeb(body.transformToWebStream() as never);
  await pipeline(source, createWriteStream(path));
}

/**
 * Upload a local file.
 *
 * @example
 * ```ts
 * await uploadFile(s3, "deid", "out/a/a_0000.jpeg", "/tmp/job/out/a/a_0000.jpeg");
 * ```
 */
export async function uploadFile(s3: S3Client, bucket: string, key: string, path: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await Deno.readFile(path) }));
}

/**
 * List keys under a prefix in key order, starting after `startAfter`, one page at a time.
 *
 * @example
 * ```ts
 * for await (const page of listKeys(s3, "raw", "scans/", "")) console.log(page.length);
 * ```
 */
export async function* listKeys(
  s3: S3Client,
  bucket: string,
  prefix: string,
  startAfter: string,
  pageSize = 1000,
): AsyncGenerator<{ key: string; eTag: string; size: number }[]> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        MaxKeys: pageSize,
        ...(token ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}),
      }),
    );
    yield (page.Contents ?? []).map((item) => ({
      key: item.Key!,
      eTag: item.ETag ?? "",
      size: item.Size ?? 0,
    }));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/**
 * Delete keys one by one (DeleteObjects needs a Content-MD5 that some servers insist on; these lists are short).
 *
 * @example
 * ```ts
 * await deleteKeys(s3, "deid", [".logik/lease/3f0c/e/g000000"]);
 * ```
 */
export async function deleteKeys(s3: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (const key of keys) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
