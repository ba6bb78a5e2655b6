import assert from "node:assert/strict";
import { decodeEventKey, EventFormatError, parseS3Event } from "./s3_event.ts";

// Shapes as sent by each server (trimmed real payloads).
const cephRecord = {
  eventVersion: "2.2",
  eventSource: "ceph:s3",
  eventName: "ObjectCreated:Put",
  s3: {
    bucket: { name: "raw" },
    object: { key: "dir/a b+é.dcm", size: 5, eTag: "5d41402abc4b2a76b9719d911017c592" },
  },
};
const minioRecord = {
  eventVersion: "2.0",
  eventSource: "minio:s3",
  eventName: "s3:ObjectCreated:Put",
  s3: { bucket: { name: "raw" }, object: { key: "dir%2Fa+b%2B%C3%A9.dcm", size: 5, eTag: "5d41" } },
};

Deno.test("parseS3Event reads Ceph keys raw and keeps the decoded reading as the alternate", () => {
  const [event] = parseS3Event({ Records: [cephRecord] });
  assert.equal(event.bucket, "raw");
  assert.equal(event.key, "dir/a b+é.dcm");
  assert.equal(event.alternateKey, "dir/a b é.dcm");
  assert.equal(event.eTag, "5d41402abc4b2a76b9719d911017c592");
});

Deno.test("parseS3Event URL-decodes MinIO/AWS keys with + as space", () => {
  const [event] = parseS3Event({ EventName: "s3:ObjectCreated:Put", Key: "raw/x", Records: [minioRecord] });
  assert.equal(event.key, "dir/a b+é.dcm");
  assert.equal(event.alternateKey, "dir%2Fa+b%2B%C3%A9.dcm");
});

Deno.test("parseS3Event drops deletes and AWS test events, reads EventBridge", () => {
  const removed = { ...minioRecord, eventName: "s3:ObjectRemoved:Delete" };
  assert.deepEqual(parseS3Event({ Records: [removed] }), []);
  assert.deepEqual(parseS3Event({ Service: "Amazon S3", Event: "s3:TestEvent" }), []);
  const bridge = parseS3Event({
    "detail-type": "Object Created",
    source: "aws.s3",
    detail: { bucket: { name: "raw" }, object: { key: "a/b.dcm", etag: "e1", size: 3 } },
  });
  assert.deepEqual(bridge, [{
    bucket: "raw",
    key: "a/b.dcm",
    eTag: "e1",
    size: 3,
    eventName: "Object Created",
  }]);
});

Deno.test("parseS3Event rejects bodies that are not notifications", () => {
  assert.throws(() => parseS3Event({ hello: 1 }), EventFormatError);
  assert.throws(() => parseS3Event({ Records: [{ eventName: "ObjectCreated:Put" }] }), EventFormatError);
});

Deno.test("decodeEventKey returns undefined for malformed escapes", () => {
  assert.equal(decodeEventKey("a%E0%A4%A.dcm"), undefined);
  assert.equal(decodeEventKey("a+b%2Fc"), "a b/c");
});
