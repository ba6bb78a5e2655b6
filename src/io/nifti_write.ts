/**
 * NIfTI-1 writer (.nii or .nii.gz bytes) from a Volume plus the source's geometry header.
 *
 * The header is built field by field from {@link NiftiHeader}, which holds geometry only, so the
 * free-text fields (descrip, aux_file, db_name, intent_name) come out zeroed and no extension is
 * ever written: those are where NIfTI files carry names, dates and scanner notes.
 * @module
 */
import { gzipSync } from "node:zlib";
import type { Volume } from "../volume.ts";
import { NiftiDatatype, type NiftiHeader } from "./nifti.ts";

/** Options for {@link writeNifti}. */
export interface NiftiWriteOptions {
  /** Gzip the output (.nii.gz). Default false. */
  gzip?: boolean;
  /**
   * Where output voxel (0,0) was in the source, in voxels (a crop's x/y), so the qform/sform
   * origin still maps voxels to the same world positions. Default {x: 0, y: 0}.
   */
  cropOffset?: { x: number; y: number };
}

const HEADER_SIZE = 348;
/** Header plus the 4-byte extension flag (all zero: no extensions). */
const VOX_OFFSET = 352;
const MAX_DIM = 32767;

function datatypeOf(volume: Volume): { code: number; bitpix: number } {
  const { data, channels } = volume;
  if (data instanceof Uint8Array) {
    return channels === 3
      ? { code: NiftiDatatype.rgb24, bitpix: 24 }
      : { code: NiftiDatatype.uint8, bitpix: 8 };
  }
  if (channels !== 1) {
    throw new TypeError("writeNifti: only 8-bit volumes can be written with 3 channels (RGB24)");
  }
  if (data instanceof Int16Array) return { code: NiftiDatatype.int16, bitpix: 16 };
  if (data instanceof Uint16Array) return { code: NiftiDatatype.uint16, bitpix: 16 };
  return { code: NiftiDatatype.float32, bitpix: 32 };
}

/** Dimensions: keep the source's z/t split when the frame count still matches it. */
function dimsFor(volume: Volume, header: NiftiHeader | undefined): number[] {
  if (header) {
    const rank = header.dim[0];
    const outer = header.dim.slice(3, rank + 1);
    const sourceFrames = outer.reduce((product, size) => product * size, 1);
    if (rank >= 3 && sourceFrames === volume.frames) {
      const dim = [rank, volume.cols, volume.rows, ...outer];
      while (dim.length < 8) dim.push(1);
      return dim;
    }
  }
  return [3, volume.cols, volume.rows, volume.frames, 1, 1, 1, 1];
}

/** Rotation matrix of a NIfTI quaternion (b, c, d; a derived), as in nifti1_io's quatern_to_mat44. */
function quaternionMatrix(b: number, c: number, d: number): number[][] {
  const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
  return [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
}

/**
 * Encode a Volume as NIfTI-1 (little-endian, single file, vox_offset 352, no extensions, free-text
 * fields cleared). Geometry (pixdim, qform, sform, units, slice timing, intent code) comes from `header`
 * when given; scl_slope/scl_inter come from volume.meta.rescaleSlope/Intercept.
 * Uint8 → uint8 (RGB24 with 3 channels), Int16 → int16, Uint16 → uint16, Float32 → float32.
 *
 * @example
 * ```ts
 * const { volume, header } = readNiftiWithHeader(Deno.readFileSync("example4d.nii.gz"), { path: "in" });
 * Deno.writeFileSync("out.nii.gz", writeNifti(volume, header, { gzip: true }));
 * ```
 */
export function writeNifti(
  volume: Volume,
  header: NiftiHeader | undefined,
  options: NiftiWriteOptions = {},
): Uint8Array {
  const { code, bitpix } = datatypeOf(volume);
  const dim = dimsFor(volume, header);
  if (dim.some((size) => size > MAX_DIM)) {
    throw new RangeError(`writeNifti: a dimension exceeds NIfTI-1's limit of ${MAX_DIM}`);
  }
  const sampleBytes = volume.data.BYTES_PER_ELEMENT;
  const dataBytes = volume.data.length * sampleBytes;
  const out = new Uint8Array(VOX_OFFSET + dataBytes);
  const view = new DataView(out.buffer);
  const i16 = (offset: number, value: number) => view.setInt16(offset, value, true);
  const f32 = (offset: number, value: number) => view.setFloat32(offset, value, true);

  view.setInt32(0, HEADER_SIZE, true);
  out[38] = 0x72; // regular = 'r', as the spec asks for compatibility with old readers.
  out[39] = header?.dimInfo ?? 0;
  dim.forEach((size, i) => i16(40 + 2 * i, size));
  f32(56, header?.intentP1 ?? 0);
  f32(60, header?.intentP2 ?? 0);
  f32(64, header?.intentP3 ?? 0);
  i16(68, header?.intentCode ?? 0);
  i16(70, code);
  i16(72, bitpix);
  i16(74, header?.sliceStart ?? 0);

  const pixdim = header ? [...header.pixdim] : [1, 1, 1, 1, 0, 0, 0, 0];
  if (!header && volume.meta.pixelSpacing) [pixdim[2], pixdim[1]] = volume.meta.pixelSpacing;
  if (pixdim[0] !== -1) pixdim[0] = 1; // qfac is ±1; anything else means 1.
  pixdim.forEach((value, i) => f32(76 + 4 * i, value));
  f32(108, VOX_OFFSET);
  f32(112, volume.meta.rescaleSlope ?? 0);
  f32(116, volume.meta.rescaleIntercept ?? 0);
  i16(120, header?.sliceEnd ?? 0);
  out[122] = header?.sliceCode ?? 0;
  out[123] = header?.xyztUnits ?? 0;
  const sameType = header?.datatype === code;
  f32(124, sameType ? header.calMax : 0);
  f32(128, sameType ? header.calMin : 0);
  f32(132, header?.sliceDuration ?? 0);
  f32(136, header?.toffset ?? 0);
  // 140..147 glmax/glmin unused; 148..251 descrip and aux_file stay zero.

  if (header) {
    const { x, y } = options.cropOffset ?? { x: 0, y: 0 };
    i16(252, header.qformCode);
    i16(254, header.sformCode);
    f32(256, header.quaternB);
    f32(260, header.quaternC);
    f32(264, header.quaternD);
    // Moving the origin by (x, y) voxels: world shift = R · diag(pixdim) · (x, y, 0).
    const rotation = quaternionMatrix(header.quaternB, header.quaternC, header.quaternD);
    const shift = rotation.map((row) => row[0] * header.pixdim[1] * x + row[1] * header.pixdim[2] * y);
    f32(268, header.qoffsetX + shift[0]);
    f32(272, header.qoffsetY + shift[1]);
    f32(276, header.qoffsetZ + shift[2]);
    [header.srowX, header.srowY, header.srowZ].forEach((row, r) => {
      const moved = [row[0], row[1], row[2], row[3] + row[0] * x + row[1] * y];
      moved.forEach((value, c) => f32(280 + 16 * r + 4 * c, value));
    });
  }
  // 328..343 intent_name stays zero.
  out.set([0x6e, 0x2b, 0x31, 0x00], 344); // magic "n+1\0"
  // 348..351: extension flag all zero, so readers expect no extensions.

  const samples = new Uint8Array(volume.data.buffer, volume.data.byteOffset, dataBytes);
  out.set(samples, VOX_OFFSET);
  if (sampleBytes > 1 && new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    // Big-endian host: the header above is little-endian, so the samples must be too.
    for (let start = VOX_OFFSET; start < out.length; start += sampleBytes) {
      out.subarray(start, start + sampleBytes).reverse();
    }
  }
  return options.gzip ? new Uint8Array(gzipSync(out)) : out;
}
