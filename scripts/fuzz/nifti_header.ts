/**
 * NIfTI-1/-2 header field positions, for header mutations (dims, datatype, vox_offset, scaling).
 * @module
 */
import { gunzipSync } from "node:zlib";

/** Where the fields the fuzzer edits lie in an uncompressed NIfTI header. */
export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** Offset of dim[0]; dims are int16 (NIfTI-1) or int64 (NIfTI-2). */
  dimOffset: number;
  dimBytes: 2 | 8;
  datatypeOffset: number;
  bitpixOffset: number;
  /** vox_offset: float32 (NIfTI-1) or int64 (NIfTI-2). */
  voxOffset: number;
  sclSlopeOffset: number;
  /** Header size: 348 or 540. */
  headerSize: number;
}

/**
 * Uncompress a .nii.gz (or return the bytes unchanged), reporting whether it was gzipped.
 *
 * @example
 * ```ts
 * const { bytes, gzipped } = maybeGunzip(await Deno.readFile("../shared/data/public/nifti/standard.nii.gz"));
 * ```
 */
export function maybeGunzip(bytes: Uint8Array): { bytes: Uint8Array; gzipped: boolean } {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return { bytes, gzipped: false };
  try {
    return { bytes: new Uint8Array(gunzipSync(bytes)), gzipped: true };
  } catch {
    return { bytes, gzipped: false };
  }
}

/**
 * Recognise a NIfTI-1 or -2 header by sizeof_hdr in either byte order.
 *
 * @example
 * ```ts
 * niftiHeader(maybeGunzip(bytes).bytes)?.version; // 1
 * ```
 */
export function niftiHeader(bytes: Uint8Array): NiftiHeader | null {
  if (bytes.length < 348) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === 348) {
      return {
        version: 1,
        littleEndian,
        dimOffset: 40,
        dimBytes: 2,
        datatypeOffset: 70,
        bitpixOffset: 72,
        voxOffset: 108,
        sclSlopeOffset: 112,
        headerSize: 348,
      };
    }
    if (size === 540 && bytes.length >= 540) {
      return {
        version: 2,
        littleEndian,
        dimOffset: 16,
        dimBytes: 8,
        datatypeOffset: 12,
        bitpixOffset: 14,
        voxOffset: 168,
        sclSlopeOffset: 176,
        headerSize: 540,
      };
    }
  }
  return null;
}
