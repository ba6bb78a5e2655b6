/**
 * Stored-sample handling shared by native and compressed pixel data: byte order, masking to BitsStored
 * and sign extension.
 * @module
 */

/** Samples as the Volume keeps them. */
export type StoredSamples = Uint8Array | Uint16Array | Int16Array;

/**
 * Swap every byte pair in place: Explicit VR Big Endian stores OW data as 16-bit big-endian words,
 * so 8-bit samples in OW come out pairwise swapped.
 *
 * @example
 * ```ts
 * swapBytePairs(new Uint8Array([1, 2, 3, 4])); // [2, 1, 4, 3]
 * ```
 */
export function swapBytePairs(bytes: Uint8Array): Uint8Array {
  for (let index = 0; index + 1 < bytes.length; index += 2) {
    const first = bytes[index];
    bytes[index] = bytes[index + 1];
    bytes[index + 1] = first;
  }
  return bytes;
}

/**
 * Read `count` 16-bit words from bytes in the given byte order (a copy, so odd offsets are fine).
 *
 * @example
 * ```ts
 * readWords(new Uint8Array([0, 1]), 0, 1, false); // Uint16Array [1]
 * ```
 */
export function readWords(
  bytes: Uint8Array,
  offset: number,
  count: number,
  littleEndian: boolean,
): Uint16Array {
  const output = new Uint16Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 2);
  for (let index = 0; index < count; index++) output[index] = view.getUint16(index * 2, littleEndian);
  return output;
}

/**
 * Keep the BitsStored low bits and, for signed data, sign-extend them. 8-bit signed data widens to Int16.
 * Bits above BitsStored are not pixel data (old files keep overlays there), so they are cleared.
 *
 * @example
 * ```ts
 * storedSamples(new Uint16Array([0x0fff]), 12, true); // Int16Array [-1]
 * ```
 */
export function storedSamples(
  raw: Uint8Array | Uint16Array,
  bitsStored: number,
  signed: boolean,
): StoredSamples {
  const containerBits = raw instanceof Uint8Array ? 8 : 16;
  const mask = bitsStored >= 32 ? 0xffffffff : (2 ** bitsStored) - 1;
  if (!signed) {
    if (bitsStored >= containerBits) return raw;
    for (let index = 0; index < raw.length; index++) raw[index] &= mask;
    return raw;
  }
  const output = new Int16Array(raw.length);
  const signBit = 2 ** (bitsStored - 1);
  const range = 2 ** bitsStored;
  for (let index = 0; index < raw.length; index++) {
    const value = raw[index] & mask;
    output[index] = value >= signBit ? value - range : value;
  }
  return output;
}

/**
 * Widen 8-bit samples into 16-bit words (a codec gave 8-bit output for BitsAllocated 16).
 *
 * @example
 * ```ts
 * widenTo16(new Uint8Array([255])); // Uint16Array [255]
 * ```
 */
export function widenTo16(samples: Uint8Array): Uint16Array {
  return Uint16Array.from(samples);
}
