/**
 * NIfTI mutators: negative, zero or huge dims, wrong datatype/bitpix, absurd vox_offset and scaling,
 * truncation at the header and data boundaries; written back gzipped or not.
 * @module
 */
import { gzipSync } from "node:zlib";
import type { Mutation, Mutator } from "./mutation.ts";
import type { Random } from "./prng.ts";
import type { SeedFile } from "./seed_file.ts";

const DIM_VALUES_16 = [-1, -32768, 0, 1, 7, 8, 9, 255, 32767];
const DIM_VALUES_64 = [-1, 0, 2 ** 31 - 1, 2 ** 40, 2 ** 53, -(2 ** 40)];
const DATATYPES = [
  0,
  1,
  2,
  4,
  8,
  16,
  32,
  64,
  128,
  256,
  512,
  768,
  1024,
  1280,
  1536,
  1792,
  2048,
  2304,
  9999,
  -1,
];

function finish(seed: SeedFile, raw: Uint8Array, detail: string, random: Random): Mutation {
  const gzip = seed.nifti!.gzipped ? random.next() < 0.8 : random.next() < 0.2;
  return {
    bytes: gzip ? new Uint8Array(gzipSync(raw)) : raw,
    detail: `${detail}${gzip ? " (gzipped)" : " (uncompressed)"}`,
    extension: gzip ? ".nii.gz" : ".nii",
  };
}

/** Set dim[0..7] entries to negative, zero or huge values. */
export const niftiDims: Mutator = {
  name: "nifti-dims",
  kinds: ["nifti"],
  mutate(seed, random) {
    const { header } = seed.nifti!;
    const raw = seed.nifti!.raw.slice();
    const view = new DataView(raw.buffer);
    const changes: string[] = [];
    const count = 1 + random.int(3);
    for (let i = 0; i < count; i++) {
      const index = random.int(8);
      const at = header.dimOffset + index * header.dimBytes;
      if (header.dimBytes === 2) {
        const value = random.pick(DIM_VALUES_16);
        view.setInt16(at, value, header.littleEndian);
        changes.push(`dim[${index}]=${value}`);
      } else {
        const value = random.pick([...DIM_VALUES_64, ...DIM_VALUES_16]);
        view.setBigInt64(at, BigInt(value), header.littleEndian);
        changes.push(`dim[${index}]=${value}`);
      }
    }
    return finish(seed, raw, changes.join(", "), random);
  },
};

/** Wrong datatype/bitpix, absurd vox_offset, NaN/Inf/0 scl_slope. */
export const niftiFields: Mutator = {
  name: "nifti-fields",
  kinds: ["nifti"],
  mutate(seed, random) {
    const { header } = seed.nifti!;
    const raw = seed.nifti!.raw.slice();
    const view = new DataView(raw.buffer);
    const field = random.pick(["datatype", "bitpix", "vox_offset", "scl_slope", "pixdim"] as const);
    let detail: string;
    if (field === "datatype" || field === "bitpix") {
      const value = field === "datatype"
        ? random.pick(DATATYPES)
        : random.pick([0, 1, 7, 8, 12, 16, 24, 32, 64, 128, 255, -8]);
      view.setInt16(
        field === "datatype" ? header.datatypeOffset : header.bitpixOffset,
        value,
        header.littleEndian,
      );
      detail = `${field}=${value}`;
    } else if (field === "vox_offset") {
      const value = random.pick([-1, 0, 1, 347, raw.length, raw.length + 4096, 1e10, NaN]);
      if (header.version === 1) view.setFloat32(header.voxOffset, value, header.littleEndian);
      else {view.setBigInt64(
          header.voxOffset,
          BigInt(Number.isFinite(value) ? Math.trunc(value) : -1),
          header.littleEndian,
        );}
      detail = `vox_offset=${value}`;
    } else if (field === "pixdim") {
      // pixdim[1..4]: voxel size and, for 4D, the repetition time that frame selection may divide by.
      const index = 1 + random.int(4);
      const value = random.pick([NaN, Infinity, -1, 0, 1e-30, 1e30]);
      if (header.version === 1) view.setFloat32(76 + index * 4, value, header.littleEndian);
      else view.setFloat64(104 + index * 8, value, header.littleEndian);
      detail = `pixdim[${index}]=${value}`;
    } else {
      const value = random.pick([NaN, Infinity, -Infinity, 0, 1e38, -1e-38]);
      if (header.version === 1) view.setFloat32(header.sclSlopeOffset, value, header.littleEndian);
      else view.setFloat64(header.sclSlopeOffset, value, header.littleEndian);
      detail = `scl_slope=${value}`;
    }
    return finish(seed, raw, detail, random);
  },
};

/** Truncate inside the header, at its end, at vox_offset, or part way through the voxels. */
export const niftiTruncate: Mutator = {
  name: "nifti-truncate",
  kinds: ["nifti"],
  mutate(seed, random) {
    const raw = seed.nifti!.raw;
    const size = seed.nifti!.header.headerSize;
    const at = Math.min(
      raw.length - 1,
      random.pick([size - 1, size, size + 4, size + 1, 200, Math.floor(raw.length * random.next())]),
    );
    return finish(
      seed,
      raw.slice(0, Math.max(0, at)),
      `uncompressed stream truncated at ${at} of ${raw.length}`,
      random,
    );
  },
};

/** The NIfTI mutators. */
export const NIFTI_MUTATORS: Mutator[] = [niftiDims, niftiFields, niftiTruncate];
