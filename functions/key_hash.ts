/**
 * Keyed hashes of object keys: logs and state object names carry these, never the key (keys can hold names).
 * @module
 */
import { createHmac } from "node:crypto";

/**
 * HMAC-SHA-256 of `bucket/key`, hex, first 32 characters (128 bits).
 *
 * @example
 * ```ts
 * keyHash("a-long-secret-value", "raw", "Jane Doe/scan.dcm"); // "3f0c..." (32 hex digits)
 * ```
 */
export function keyHash(secret: string, bucket: string, key: string): string {
  return createHmac("sha256", secret).update(`${bucket}/${key}`).digest("hex").slice(0, 32);
}
