/**
 * Small byte-array edits shared by the mutators. All return new arrays; inputs are never modified.
 * @module
 */

/**
 * Replace bytes [start, end) with `insert`.
 *
 * @example
 * ```ts
 * splice(new Uint8Array([1, 2, 3]), 1, 2, new Uint8Array([9, 9])); // [1, 9, 9, 3]
 * ```
 */
export function splice(bytes: Uint8Array, start: number, end: number, insert: Uint8Array): Uint8Array {
  // Elements of truncated seed files may declare ends past the file: cut at the file's end.
  end = Math.min(Math.max(end, 0), bytes.length);
  start = Math.min(Math.max(start, 0), end);
  const out = new Uint8Array(bytes.length - (end - start) + insert.length);
  out.set(bytes.subarray(0, start), 0);
  out.set(insert, start);
  out.set(bytes.subarray(end), start + insert.length);
  return out;
}

/**
 * Copy with an unsigned integer written at `offset` (2 or 4 bytes, or 8 as a bigint-safe number).
 *
 * @example
 * ```ts
 * withUint(new Uint8Array(4), 0, 4, 0xffffffff, true); // [255, 255, 255, 255]
 * ```
 */
export function withUint(
  bytes: Uint8Array,
  offset: number,
  size: 2 | 4 | 8,
  value: number,
  little: boolean,
): Uint8Array {
  const out = bytes.slice();
  if (offset + size > out.length) return out;
  const view = new DataView(out.buffer);
  if (size === 2) view.setUint16(offset, value & 0xffff, little);
  else if (size === 4) view.setUint32(offset, value >>> 0, little);
  else view.setBigInt64(offset, BigInt(Math.trunc(value)), little);
  return out;
}

/**
 * Bytes of an ASCII string.
 *
 * @example
 * ```ts
 * ascii("OB"); // Uint8Array [79, 66]
 * ```
 */
export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
}

/**
 * Join byte arrays.
 *
 * @example
 * ```ts
 * join([new Uint8Array([1]), new Uint8Array([2])]); // [1, 2]
 * ```
 */
export function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
