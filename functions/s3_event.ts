/**
 * S3 event notifications → the objects they name. One parser for MinIO webhooks, Ceph RGW HTTP push,
 * AWS S3 (SNS/SQS/Lambda `Records`) and EventBridge `Object Created` events.
 * @module
 */
import { z } from "zod";

/** One created object named by an event. */
export interface ObjectEvent {
  bucket: string;
  /** The key to try first. */
  key: string;
  /** The other reading of the key (raw vs URL-decoded) when they differ; tried if `key` is not found. */
  alternateKey?: string;
  eTag?: string;
  size?: number;
  eventName: string;
}

const recordSchema = z.object({
  eventName: z.string(),
  eventSource: z.string().optional(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      eTag: z.string().optional(),
      size: z.number().optional(),
    }),
  }),
});

const recordsSchema = z.object({ Records: z.array(z.unknown()).max(10_000) });

const eventBridgeSchema = z.object({
  "detail-type": z.string(),
  source: z.literal("aws.s3"),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1), etag: z.string().optional(), size: z.number().optional() }),
  }),
});

/** The body is not an S3 event notification. */
export class EventFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EventFormatError";
  }
}

/**
 * Created objects named by a notification body; other events (deletes, test events) are dropped.
 * AWS and MinIO URL-encode keys with `+` for spaces, Ceph RGW sends them raw, so both readings are kept.
 *
 * @example
 * ```ts
 * parseS3Event({ Records: [{ eventName: "s3:ObjectCreated:Put", eventSource: "minio:s3",
 *   s3: { bucket: { name: "raw" }, object: { key: "a+b%2Fc.dcm", eTag: "e1" } } }] });
 * // [{ bucket: "raw", key: "a b/c.dcm", alternateKey: "a+b%2Fc.dcm", eTag: "e1", ... }]
 * ```
 */
export function parseS3Event(body: unknown): ObjectEvent[] {
  const bridge = eventBridgeSchema.safeParse(body);
  if (bridge.success) {
    if (bridge.data["detail-type"] !== "Object Created") return [];
    const { bucket, object } = bridge.data.detail;
    return [{
      bucket: bucket.name,
      key: object.key,
      eTag: object.etag,
      size: object.size,
      eventName: "Object Created",
    }];
  }
  const records = recordsSchema.safeParse(body);
  if (!records.success) {
    // AWS sends `{"Event":"s3:TestEvent"}` when a notification is configured.
    if (typeof body === "object" && body !== null && "Event" in body) return [];
    throw new EventFormatError("body has no Records array");
  }
  const events: ObjectEvent[] = [];
  for (const raw of records.data.Records) {
    const record = recordSchema.safeParse(raw);
    if (!record.success) {
      throw new EventFormatError("a record lacks eventName, s3.bucket.name or s3.object.key");
    }
    const { eventName, eventSource, s3 } = record.data;
    if (!/(^|:)ObjectCreated:/.test(eventName)) continue;
    const { primary, alternate } = keyReadings(s3.object.key, eventSource ?? "");
    events.push({
      bucket: s3.bucket.name,
      key: primary,
      ...(alternate !== undefined ? { alternateKey: alternate } : {}),
      ...(s3.object.eTag ? { eTag: s3.object.eTag } : {}),
      ...(s3.object.size !== undefined ? { size: s3.object.size } : {}),
      eventName,
    });
  }
  return events;
}

/**
 * Decode an event key the AWS way: `+` is a space, then percent-decoding; undefined if malformed.
 *
 * @example
 * ```ts
 * decodeEventKey("scans/a+b%C3%A9.dcm"); // "scans/a bé.dcm"
 * ```
 */
export function decodeEventKey(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

function keyReadings(key: string, eventSource: string): { primary: string; alternate?: string } {
  const decoded = decodeEventKey(key);
  if (decoded === undefined || decoded === key) return { primary: key };
  // Ceph RGW (at least up to 16.x) puts the key in the event unencoded.
  return eventSource.startsWith("ceph:")
    ? { primary: key, alternate: decoded }
    : { primary: decoded, alternate: key };
}
