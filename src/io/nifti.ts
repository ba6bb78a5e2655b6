/**
 * NIfTI-1 and NIfTI-2 reader (.nii and .nii.gz, either byte order) into a Volume.
 *
 * The header is parsed here rather than with nifti-reader-js: it is a fixed layout, and parsing it
 * ourselves lets us gunzip only the header to sniff, refuse oversized volumes before decompressing
 * the rest, and never touch the free-text fields (descrip, aux_file, db_name, intent_name), so
 * {@link NiftiHeader} carries geometry only and is safe to hand to the writer.
 * @module
 */
import { constants as zlibConstants, gunzipSync } from "node:zlib";
import { CorruptFileError, TooLargeError, UnsupportedFormatError } from "../errors.ts";
import type { PixelArray, Volume, VolumeMeta } from "../volume.ts";

/** Default refusal threshold for the decoded pixel size: 4 GiB. */
export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;

/** NIfTI datatype codes (nifti1.h) that we read. */
export const NiftiDatatype = {
  uint8: 2,
  int16: 4,
  int32: 8,
  float32: 16,
  float64: 64,
  rgb24: 128,
  int8: 256,
  uint16: 512,
  uint32: 768,
  int64: 1024,
  uint64: 1280,
  rgba32: 2304,
} as const;

/** Bytes per voxel for each supported datatype code. */
const VOXEL_BYTES: Record<number, number> = {
  2: 1,
  4: 2,
  8: 4,
  16: 4,
  64: 8,
  128: 3,
  256: 1,
  512: 2,
  768: 4,
  1024: 8,
  1280: 8,
  2304: 4,
};

/**
 * The geometry part of a NIfTI header: everything the writer needs, and none of the free-text
 * fields (descrip, aux_file, db_name, intent_name) or extensions, which may hold PHI.
 */
export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** True when the source was gzip-compressed. */
  gzipped: boolean;
  /** True when the source has header extensions (they are never copied). */
  hasExtensions: boolean;
  /** dim[0..7]: dim[0] is the number of dimensions, dim[1] = nx, dim[2] = ny, dim[3] = nz, dim[4] = nt. */
  dim: number[];
  datatype: number;
  bitpix: number;
  /** pixdim[0..7]: pixdim[0] is qfac, pixdim[1..3] voxel size, pixdim[4] TR. */
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  calMax: number;
  calMin: number;
  sliceDuration: number;
  toffset: number;
  sliceStart: number;
  sliceEnd: number;
  sliceCode: number;
  dimInfo: number;
  xyztUnits: number;
  intentCode: number;
  intentP1: number;
  intentP2: number;
  intentP3: number;
  qformCode: number;
  sformCode: number;
  quaternB: number;
  quaternC: number;
  quaternD: number;
  qoffsetX: number;
  qoffsetY: number;
  qoffsetZ: number;
  srowX: number[];
  srowY: number[];
  srowZ: number[];
}

/** Options shared by the NIfTI readers. */
export interface NiftiReadOptions {
  /** Path used in error messages (the file is not read from it). */
  path: string;
  /** Refuse volumes whose decoded pixels exceed this many bytes (default 4 GiB). */
  maxBytes?: number;
}

const NIFTI1_HEADER_SIZE = 348;
const NIFTI2_HEADER_SIZE = 540;
/** Compressed bytes fed to the first header-only gunzip: a 540-byte header deflates to far less. */
const GZIP_PREFIX_BYTES = 4096;
/** Trailing bytes tolerated after the voxel data in a .nii.gz, beyond which we stop inflating. */
const GZIP_TRAILING_SLACK = 16 * 1024 * 1024;
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Plain Uint8Array view of a Buffer, so `.slice` copies instead of aliasing. */
function plainBytes(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Inflate just enough of a gzip stream to get `wanted` bytes (or all of it, if shorter). */
function gunzipPrefix(bytes: Uint8Array, wanted: number): Uint8Array {
  let take = GZIP_PREFIX_BYTES;
  for (;;) {
    const out = gunzipSync(bytes.subarray(0, take), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    if (out.length >= wanted || take >= bytes.length) return plainBytes(out);
    take *= 4;
  }
}

function headerVersion(bytes: Uint8Array): { version: 1 | 2; littleEndian: boolean } | undefined {
  if (bytes.length < NIFTI1_HEADER_SIZE) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sizeLe = view.getInt32(0, true);
  const sizeBe = view.getInt32(0, false);
  const magicAt = (offset: number, text: string) =>
    bytes.length >= offset + 4 && text.split("").every((char, i) =>
      bytes[offset + i] === char.charCodeAt(0)
    ) &&
    bytes[offset + 3] === 0;
  if (
    (sizeLe === NIFTI2_HEADER_SIZE || sizeBe === NIFTI2_HEADER_SIZE) &&
    (magicAt(4, "n+2") || magicAt(4, "ni2"))
  ) {
    return { version: 2, littleEndian: sizeLe === NIFTI2_HEADER_SIZE };
  }
  if (
    (sizeLe === NIFTI1_HEADER_SIZE || sizeBe === NIFTI1_HEADER_SIZE) &&
    (magicAt(344, "n+1") || magicAt(344, "ni1"))
  ) {
    return { version: 1, littleEndian: sizeLe === NIFTI1_HEADER_SIZE };
  }
  return undefined;
}

/**
 * True when the bytes start a NIfTI-1 or NIfTI-2 header, plain or gzipped (only the header is inflated).
 *
 * @example
 * ```ts
 * looksLikeNifti(Deno.readFileSync("anatomical.nii")); // true
 * ```
 */
export function looksLikeNifti(bytes: Uint8Array): boolean {
  if (isGzip(bytes)) {
    try {
      return headerVersion(gunzipPrefix(bytes, NIFTI2_HEADER_SIZE)) !== undefined;
    } catch {
      return false;
    }
  }
  return headerVersion(bytes) !== undefined;
}

/** Header bytes (decompressed if needed) and whether the source was gzipped. */
function headerBytes(bytes: Uint8Array, path: string): { header: Uint8Array; gzipped: boolean } {
  if (!isGzip(bytes)) return { header: bytes, gzipped: false };
  try {
    return { header: gunzipPrefix(bytes, NIFTI2_HEADER_SIZE + 4), gzipped: true };
  } catch {
    throw new CorruptFileError(`${path}: gzip stream is corrupt before the end of the NIfTI header`);
  }
}

function parseHeader(bytes: Uint8Array, gzipped: boolean, path: string): NiftiHeader {
  const kind = headerVersion(bytes);
  if (kind === undefined) {
    throw new UnsupportedFormatError(`${path}: not a NIfTI file (no NIfTI-1/NIfTI-2 header magic)`);
  }
  const { version, littleEndian } = kind;
  const headerSize = version === 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
  if (bytes.length < headerSize) throw new CorruptFileError(`${path}: truncated inside the NIfTI header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const i16 = (offset: number) => view.getInt16(offset, littleEndian);
  const i32 = (offset: number) => view.getInt32(offset, littleEndian);
  const i64 = (offset: number) => Number(view.getBigInt64(offset, littleEndian));
  const f32 = (offset: number) => view.getFloat32(offset, littleEndian);
  const f64 = (offset: number) => view.getFloat64(offset, littleEndian);
  const series = (read: (offset: number) => number, offset: number, step: number, count: number) =>
    Array.from({ length: count }, (_, i) => read(offset + i * step));
  const extensionFlagAt = headerSize;
  const hasExtensions = bytes.length > extensionFlagAt && bytes[extensionFlagAt] !== 0;
  if (version === 1) {
    return {
      version,
      littleEndian,
      gzipped,
      hasExtensions,
      dim: series(i16, 40, 2, 8),
      datatype: i16(70),
      bitpix: i16(72),
      pixdim: series(f32, 76, 4, 8),
      voxOffset: f32(108),
      sclSlope: f32(112),
      sclInter: f32(116),
      calMax: f32(124),
      calMin: f32(128),
      sliceDuration: f32(132),
      toffset: f32(136),
      sliceStart: i16(74),
      sliceEnd: i16(120),
      sliceCode: bytes[122],
      dimInfo: bytes[39],
      xyztUnits: bytes[123],
      intentCode: i16(68),
      intentP1: f32(56),
      intentP2: f32(60),
      intentP3: f32(64),
      qformCode: i16(252),
      sformCode: i16(254),
      quaternB: f32(256),
      quaternC: f32(260),
      quaternD: f32(264),
      qoffsetX: f32(268),
      qoffsetY: f32(272),
      qoffsetZ: f32(276),
      srowX: series(f32, 280, 4, 4),
      srowY: series(f32, 296, 4, 4),
      srowZ: series(f32, 312, 4, 4),
    };
  }
  return {
    version,
    littleEndian,
    gzipped,
    hasExtensions,
    dim: series(i64, 16, 8, 8),
    datatype: i16(12),
    bitpix: i16(14),
    pixdim: series(f64, 104, 8, 8),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    calMax: f64(192),
    calMin: f64(200),
    sliceDuration: f64(208),
    toffset: f64(216),
    sliceStart: i64(224),
    sliceEnd: i64(232),
    sliceCode: i32(496),
    dimInfo: bytes[524],
    xyztUnits: i32(500),
    intentCode: i32(504),
    intentP1: f64(80),
    intentP2: f64(88),
    intentP3: f64(96),
    qformCode: i32(344),
    sformCode: i32(348),
    quaternB: f64(352),
    quaternC: f64(360),
    quaternD: f64(368),
    qoffsetX: f64(376),
    qoffsetY: f64(384),
    qoffsetZ: f64(392),
    srowX: series(f64, 400, 8, 4),
    srowY: series(f64, 432, 8, 4),
    srowZ: series(f64, 464, 8, 4),
  };
}

/** Shape and sizes implied by a header, validated. */
interface NiftiLayout {
  cols: number;
  rows: number;
  frames: number;
  channels: 1 | 3;
  voxels: number;
  sourceBytes: number;
  outputBytes: number;
}

function outputSampleBytes(datatype: number): number {
  if (
    datatype === NiftiDatatype.uint8 || datatype === NiftiDatatype.rgb24 || datatype === NiftiDatatype.rgba32
  ) {
    return 1;
  }
  if (datatype === NiftiDatatype.int16 || datatype === NiftiDatatype.uint16) return 2;
  return 4;
}

function layoutOf(header: NiftiHeader, path: string, maxBytes: number): NiftiLayout {
  const rank = header.dim[0];
  if (!Number.isInteger(rank) || rank < 1 || rank > 7) {
    throw new CorruptFileError(`${path}: NIfTI dim[0] (number of dimensions) = ${rank}, outside 1..7`);
  }
  const sizes = header.dim.slice(1, rank + 1);
  const bad = sizes.findIndex((size) => !Number.isSafeInteger(size) || size < 1);
  if (bad >= 0) {
    throw new CorruptFileError(
      `${path}: NIfTI dim[${bad + 1}] = ${sizes[bad]}: a dimension must be at least 1`,
    );
  }
  const huge = sizes.findIndex((size) => size > 0x7fffffff);
  if (huge >= 0) {
    throw new CorruptFileError(`${path}: NIfTI dim[${huge + 1}] = ${sizes[huge]} is implausibly large`);
  }
  const voxelBytes = VOXEL_BYTES[header.datatype];
  if (voxelBytes === undefined) {
    throw new UnsupportedFormatError(`${path}: NIfTI datatype code ${header.datatype} is not supported`);
  }
  const [cols, rows = 1, ...rest] = sizes;
  const frames = rest.reduce((product, size) => product * size, 1);
  const voxels = cols * rows * frames;
  if (!Number.isSafeInteger(voxels)) throw new CorruptFileError(`${path}: NIfTI dimensions overflow`);
  const channels = header.datatype === NiftiDatatype.rgb24 || header.datatype === NiftiDatatype.rgba32
    ? 3
    : 1;
  const sourceBytes = voxels * voxelBytes;
  const outputBytes = voxels * channels * outputSampleBytes(header.datatype);
  if (Math.max(sourceBytes, outputBytes) > maxBytes) {
    throw new TooLargeError(
      `${path}: NIfTI volume needs ${formatBytes(Math.max(sourceBytes, outputBytes))}, over the limit of ${
        formatBytes(maxBytes)
      }`,
    );
  }
  const headerSize = header.version === 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
  if (!Number.isSafeInteger(header.voxOffset) || header.voxOffset < headerSize) {
    // vox_offset is a float in NIfTI-1 but must still be a whole byte offset past the header.
    throw new CorruptFileError(
      `${path}: NIfTI vox_offset = ${header.voxOffset} does not point past the ${headerSize}-byte header`,
    );
  }
  return { cols, rows, frames, channels, voxels, sourceBytes, outputBytes };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

/**
 * Parse and validate the header of a NIfTI file (plain or gzipped; only the header is inflated).
 * The result has geometry fields only: no free text, no extensions.
 *
 * @example
 * ```ts
 * const header = readNiftiHeader(Deno.readFileSync("example4d.nii.gz"), { path: "example4d.nii.gz" });
 * header.dim.slice(0, 5); // [4, 128, 96, 24, 2]
 * ```
 */
export function readNiftiHeader(bytes: Uint8Array, options: NiftiReadOptions): NiftiHeader {
  const { header, gzipped } = headerBytes(bytes, options.path);
  const parsed = parseHeader(header, gzipped, options.path);
  layoutOf(parsed, options.path, options.maxBytes ?? DEFAULT_MAX_BYTES);
  return parsed;
}

function swapBytesInPlace(bytes: Uint8Array, width: number): void {
  for (let start = 0; start + width <= bytes.length; start += width) {
    for (let low = start, high = start + width - 1; low < high; low++, high--) {
      const byte = bytes[low];
      bytes[low] = bytes[high];
      bytes[high] = byte;
    }
  }
}

/** Convert the raw voxel bytes (a private, aligned copy) into the Volume's sample array. */
function decodeVoxels(raw: Uint8Array, datatype: number, littleEndian: boolean): PixelArray {
  const sampleWidth = datatype === NiftiDatatype.rgb24 || datatype === NiftiDatatype.rgba32
    ? 1
    : VOXEL_BYTES[datatype];
  if (sampleWidth > 1 && littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(raw, sampleWidth);
  const buffer = raw.buffer as ArrayBuffer;
  switch (datatype) {
    case NiftiDatatype.uint8:
    case NiftiDatatype.rgb24:
      return raw;
    case NiftiDatatype.rgba32: {
      // Alpha has no meaning for de-identification output; keep RGB.
      const rgb = new Uint8Array((raw.length / 4) * 3);
      for (let source = 0, target = 0; source < raw.length; source += 4, target += 3) {
        rgb[target] = raw[source];
        rgb[target + 1] = raw[source + 1];
        rgb[target + 2] = raw[source + 2];
      }
      return rgb;
    }
    case NiftiDatatype.int16:
      return new Int16Array(buffer);
    case NiftiDatatype.uint16:
      return new Uint16Array(buffer);
    case NiftiDatatype.int8:
      return Float32Array.from(new Int8Array(buffer));
    case NiftiDatatype.int32:
      return Float32Array.from(new Int32Array(buffer));
    case NiftiDatatype.uint32:
      return Float32Array.from(new Uint32Array(buffer));
    case NiftiDatatype.float32:
      return new Float32Array(buffer);
    case NiftiDatatype.float64:
      return Float32Array.from(new Float64Array(buffer));
    case NiftiDatatype.int64:
      return Float32Array.from(new BigInt64Array(buffer), Number);
    case NiftiDatatype.uint64:
      return Float32Array.from(new BigUint64Array(buffer), Number);
  }
  throw new TypeError(`unhandled NIfTI datatype ${datatype}`);
}

/** The whole decompressed file, inflating no further than the header says is needed. */
function fullBytes(bytes: Uint8Array, header: NiftiHeader, needed: number, path: string): Uint8Array {
  if (!header.gzipped) return bytes;
  try {
    return plainBytes(gunzipSync(bytes, { maxOutputLength: needed + GZIP_TRAILING_SLACK }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") {
      throw new CorruptFileError(`${path}: gzip stream inflates far past the declared NIfTI volume size`);
    }
    if (code === "Z_BUF_ERROR") {
      throw new CorruptFileError(
        `${path}: gzip stream is cut short before the end of the NIfTI data (${needed} bytes needed)`,
      );
    }
    throw new CorruptFileError(
      `${path}: gzip stream of the NIfTI file is corrupt (zlib: ${
        String((error as Error).message).slice(0, 80)
      })`,
    );
  }
}

/**
 * Read a NIfTI-1/NIfTI-2 file (.nii or .nii.gz, any byte order) into a Volume:
 * cols = nx, rows = ny, frames = nz × nt (× higher dims), slice-major within each volume.
 * uint8/RGB24 → Uint8Array, int16 → Int16Array, uint16 → Uint16Array, anything else → Float32Array.
 * scl_slope/scl_inter go to meta.rescaleSlope/Intercept when the slope is non-zero.
 *
 * @example
 * ```ts
 * const volume = readNifti(Deno.readFileSync("functional.nii"), { path: "functional.nii" });
 * [volume.frames, volume.rows, volume.cols]; // [60, 21, 17]
 * ```
 */
export function readNifti(bytes: Uint8Array, options: NiftiReadOptions): Volume {
  return readNiftiWithHeader(bytes, options).volume;
}

/**
 * Like {@link readNifti}, also returning the geometry header that writeNifti (nifti_write.ts) takes.
 *
 * @example
 * ```ts
 * const { volume, header } = readNiftiWithHeader(Deno.readFileSync("standard.nii.gz"), { path: "standard.nii.gz" });
 * header.version; // 1
 * ```
 */
export function readNiftiWithHeader(
  bytes: Uint8Array,
  options: NiftiReadOptions,
): { volume: Volume; header: NiftiHeader } {
  const { path } = options;
  const { header: headerPart, gzipped } = headerBytes(bytes, path);
  const header = parseHeader(headerPart, gzipped, path);
  if (header.version === 1 && headerPart[346] === 0x31 && headerPart[345] === 0x69) {
    throw new UnsupportedFormatError(`${path}: two-file NIfTI (.hdr/.img pair) is not supported; use .nii`);
  }
  const layout = layoutOf(header, path, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const end = header.voxOffset + layout.sourceBytes;
  const file = fullBytes(bytes, header, end, path);
  if (file.length < end) {
    throw new CorruptFileError(
      `${path}: truncated: NIfTI voxel data needs ${end} bytes, the file holds ${file.length}`,
    );
  }
  const raw = file.slice(header.voxOffset, end);
  const data = decodeVoxels(raw, header.datatype, header.littleEndian);
  const meta: VolumeMeta = {
    format: "nifti",
    photometric: layout.channels === 3 ? "RGB" : "MONOCHROME2",
    notes: [
      `nifti-${header.version}`,
      header.littleEndian ? "little-endian" : "big-endian",
      `dims ${header.dim.slice(1, header.dim[0] + 1).join("x")}`,
    ],
  };
  const [, spacingX, spacingY] = header.pixdim;
  if (spacingX > 0 && spacingY > 0) meta.pixelSpacing = [spacingY, spacingX];
  if (header.sclSlope !== 0 && Number.isFinite(header.sclSlope) && Number.isFinite(header.sclInter)) {
    meta.rescaleSlope = header.sclSlope;
    meta.rescaleIntercept = header.sclInter;
  }
  if (Number.isFinite(header.calMax) && Number.isFinite(header.calMin) && header.calMax > header.calMin) {
    meta.windowCenter = (header.calMax + header.calMin) / 2;
    meta.windowWidth = header.calMax - header.calMin;
  }
  const volume: Volume = {
    frames: layout.frames,
    rows: layout.rows,
    cols: layout.cols,
    channels: layout.channels,
    data,
    meta,
  };
  return { volume, header };
}
