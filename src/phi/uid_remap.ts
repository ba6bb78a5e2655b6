/**
 * Deterministic UID replacement: HMAC-SHA256 of the UID under a site key, first 128 bits as a
 * "2.25." UUID-derived UID (PS3.5 B.2). Same UID and key give the same result in every run and file.
 * @module
 */

import { createHmac } from "node:crypto";

/**
 * Replace one UID with its keyed "2.25.<decimal>" form.
 *
 * @example
 * ```ts
 * const uid = remapUid("1.2.3.4", "site-secret");
 * uid.startsWith("2.25."); // true
 * remapUid("1.2.3.4", "site-secret") === uid; // true
 * ```
 */
export function remapUid(uid: string, siteKey: string): string {
  const digest = createHmac("sha256", siteKey).update("uid:" + normalizeUid(uid)).digest();
  let value = 0n;
  for (let i = 0; i < 16; i++) value = (value << 8n) | BigInt(digest[i]);
  return "2.25." + value.toString(10);
}

/** UID value without the trailing NUL/space padding some writers leave. */
export function normalizeUid(uid: string): string {
  return uid.replace(/[\0 ]+$/, "").trim();
}

// Class, transfer-syntax and coding UIDs name kinds of things, never a patient or an instance.
const CLASS_UID_TAGS = new Set([
  "00020002", // Media Storage SOP Class UID
  "00020010", // Transfer Syntax UID
  "00020012", // Implementation Class UID
  "00041510", // Referenced SOP Class UID in File
  "00041512", // Referenced Transfer Syntax UID in File
  "00080016", // SOP Class UID
  "0008001A", // Related General SOP Class UID
  "0008001B", // Original Specialized SOP Class UID
  "0008010C", // Coding Scheme UID
  "00080117", // Context UID
  "00080118", // Mapping Resource UID
  "00081150", // Referenced SOP Class UID
  "0008115A", // SOP Classes Supported
]);

/**
 * Whether a UI element's values should be remapped: every UID except class/transfer-syntax UIDs
 * and the standard's own well-known UIDs (root 1.2.840.10008).
 *
 * @example
 * ```ts
 * isInstanceUid("00080016", "1.2.840.10008.5.1.4.1.1.6.1"); // false (SOP Class UID)
 * isInstanceUid("00080018", "1.2.3.4"); // true
 * ```
 */
export function isInstanceUid(tag: string, uid: string): boolean {
  if (CLASS_UID_TAGS.has(tag.toUpperCase())) return false;
  return !normalizeUid(uid).startsWith("1.2.840.10008.");
}
