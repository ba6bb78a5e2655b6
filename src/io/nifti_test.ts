import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import * as niftiReader from "nifti-reader-js";
import { CorruptFileError, TooLargeError, UnsupportedFormatError } from "../errors.ts";
import { looksLikeNifti, NiftiDatatype, readNifti, readNiftiHeader, readNiftiWithHeader } from "./nifti.ts";

const DATA = new URL("../../../shared/data/public/", import.meta.url);
const niftiBytes = (name: string) => Deno.readFileSync(new URL(`nifti/${name}`, DATA));

/** Shapes and storage from the sample MANIFEST: [file, cols, rows, frames, array type, version]. */
const SAMPLES: [string, number, number, number, string, number][] = [
  ["anatomical.nii", 33, 41, 25, "Int16Array", 1],
  ["functional.nii", 17, 21, 3 * 20, "Int16Array", 1],
  ["example4d.nii.gz", 128, 96, 24 * 2, "Int16Array", 1],
  ["example_nifti2.nii.gz", 32, 20, 12 * 2, "Int16Array", 2],
  ["standard.nii.gz", 4, 5, 7, "Uint8Array", 1],
];

for (const [name, cols, rows, frames, arrayType, version] of SAMPLES) {
  Deno.test(`readNifti: ${name} has the shape and sample type of the manifest`, () => {
    const bytes = niftiBytes(name);
    assert.ok(looksLikeNifti(bytes));
    const { volume, header } = readNiftiWithHeader(bytes, { path: name });
    assert.deepEqual([volume.cols, volume.rows, volume.frames, volume.channels], [cols, rows, frames, 1]);
    assert.equal(volume.data.constructor.name, arrayType);
    assert.equal(volume.data.length, cols * rows * frames);
    assert.equal(volume.meta.format, "nifti");
    assert.equal(header.version, version);
    assert.equal(header.gzipped, name.endsWith(".gz"));
  });

  Deno.test(`readNifti: ${name} voxels equal nifti-reader-js's decoding`, () => {
    const bytes = niftiBytes(name);
    let buffer: ArrayBuffer = bytes.slice().buffer;
    if (niftiReader.isCompressed(buffer)) buffer = niftiReader.decompress(buffer) as ArrayBuffer;
    const reference = niftiReader.readHeader(buffer)!;
    const image = new DataView(niftiReader.readImage(reference, buffer));
    const volume = readNifti(bytes, { path: name });
    for (let i = 0; i < volume.data.length; i++) {
      const expected = reference.datatypeCode === NiftiDatatype.int16
        ? image.getInt16(2 * i, reference.littleEndian)
        : image.getUint8(i);
      if (volume.data[i] !== expected) assert.fail(`voxel ${i}: ${volume.data[i]} != ${expected}`);
    }
  });
}

Deno.test("readNifti: big-endian anatomical.nii decodes to plausible values, not byte-swapped noise", () => {
  const bytes = niftiBytes("anatomical.nii");
  const volume = readNifti(bytes, { path: "anatomical.nii" });
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const voxOffset = view.getFloat32(108, false);
  // A manual big-endian parse of a few voxels, including the centre of the brain.
  const centre = 12 * 41 * 33 + 20 * 33 + 16;
  for (const index of [0, 1000, centre, volume.data.length - 1]) {
    assert.equal(volume.data[index], view.getInt16(voxOffset + 2 * index, false));
  }
  assert.ok(volume.data[centre] > 0);
  assert.ok(volume.meta.notes?.includes("big-endian"));
  assert.deepEqual(volume.meta.pixelSpacing, [2, 2]);
});

Deno.test("readNifti: functional.nii carries scl_slope/scl_inter into the rescale metadata", () => {
  const bytes = niftiBytes("functional.nii");
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const volume = readNifti(bytes, { path: "functional.nii" });
  assert.equal(volume.meta.rescaleSlope, view.getFloat32(112, true));
  assert.equal(volume.meta.rescaleIntercept, view.getFloat32(116, true));
  assert.notEqual(volume.meta.rescaleSlope, 1);
});

Deno.test("readNiftiHeader: reports the extensions of example4d.nii.gz but no free text", () => {
  const header = readNiftiHeader(niftiBytes("example4d.nii.gz"), { path: "example4d.nii.gz" });
  assert.equal(header.hasExtensions, true);
  assert.deepEqual(header.dim.slice(0, 5), [4, 128, 96, 24, 2]);
  assert.ok(!JSON.stringify(header).includes("extcomment"));
});

Deno.test("looksLikeNifti: rejects other content, including gzip of non-NIfTI bytes", () => {
  assert.equal(looksLikeNifti(new Uint8Array(0)), false);
  assert.equal(
    looksLikeNifti(Deno.readFileSync(new URL("video/sonosite_echo_pla_30f_derived.mp4", DATA))),
    false,
  );
  assert.equal(looksLikeNifti(Deno.readFileSync(new URL("dicom/CT_small.dcm", DATA))), false);
  assert.equal(looksLikeNifti(new Uint8Array(gzipSync(new Uint8Array(2000).fill(7)))), false);
  assert.equal(looksLikeNifti(new Uint8Array([0x1f, 0x8b, 1, 2, 3])), false);
});

Deno.test("readNifti: a truncated .nii is a CorruptFileError naming the path", () => {
  const bytes = niftiBytes("anatomical.nii");
  assert.throws(
    () => readNifti(bytes.subarray(0, bytes.length - 100), { path: "cut/anatomical.nii" }),
    (error: unknown) =>
      error instanceof CorruptFileError && /truncated/.test(error.message) &&
      error.message.startsWith("cut/anatomical.nii"),
  );
  assert.throws(() => readNifti(bytes.subarray(0, 200), { path: "x.nii" }), UnsupportedFormatError);
});

Deno.test("readNifti: a truncated .nii.gz is a CorruptFileError", () => {
  const bytes = niftiBytes("example4d.nii.gz");
  assert.ok(looksLikeNifti(bytes.subarray(0, 5000)));
  assert.throws(() => readNifti(bytes.subarray(0, 5000), { path: "cut.nii.gz" }), CorruptFileError);
});

/** A copy of functional.nii with header edits applied (little-endian). */
function editedFunctional(edit: (view: DataView) => void): Uint8Array {
  const bytes = niftiBytes("functional.nii").slice();
  edit(new DataView(bytes.buffer));
  return bytes;
}

Deno.test("readNifti: negative or zero dimensions are CorruptFileError", () => {
  const negative = editedFunctional((view) => view.setInt16(42, -17, true));
  assert.throws(() => readNifti(negative, { path: "neg.nii" }), CorruptFileError);
  const zero = editedFunctional((view) => view.setInt16(48, 0, true));
  assert.throws(() => readNifti(zero, { path: "zero.nii" }), CorruptFileError);
  const badRank = editedFunctional((view) => view.setInt16(40, 9, true));
  assert.throws(() => readNifti(badRank, { path: "rank.nii" }), CorruptFileError);
});

Deno.test("readNifti: a declared size over maxBytes is a TooLargeError, also for huge gzipped dims", () => {
  const bytes = niftiBytes("functional.nii");
  assert.throws(() => readNifti(bytes, { path: "f.nii", maxBytes: 1000 }), TooLargeError);
  const huge = editedFunctional((view) =>
    [42, 44, 46].forEach((offset) => view.setInt16(offset, 32767, true))
  );
  assert.throws(() => readNifti(huge, { path: "huge.nii" }), TooLargeError);
  // gzipped: refused from the header alone, before inflating the body.
  assert.throws(() => readNifti(new Uint8Array(gzipSync(huge)), { path: "huge.nii.gz" }), TooLargeError);
});

Deno.test("readNifti: a two-file (ni1) header is recognised but refused as unsupported", () => {
  const pair = editedFunctional((view) => {
    view.setUint8(345, "i".charCodeAt(0));
    view.setUint8(346, "1".charCodeAt(0));
  });
  assert.ok(looksLikeNifti(pair));
  assert.throws(() => readNifti(pair, { path: "pair.hdr" }), UnsupportedFormatError);
});

Deno.test("readNifti: an unsupported datatype is an UnsupportedFormatError", () => {
  const complex = editedFunctional((view) => view.setInt16(70, 32, true));
  assert.throws(() => readNifti(complex, { path: "c.nii" }), UnsupportedFormatError);
});

/** A minimal single-file NIfTI-1 with the given datatype and raw voxel bytes. */
function syntheticNifti(
  datatype: number,
  dims: number[],
  voxels: Uint8Array,
  littleEndian: boolean,
): Uint8Array {
  const bytes = new Uint8Array(352 + voxels.length);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, 348, littleEndian);
  view.setInt16(40, dims.length, littleEndian);
  dims.forEach((size, i) => view.setInt16(42 + 2 * i, size, littleEndian));
  view.setInt16(70, datatype, littleEndian);
  view.setFloat32(80, 0.5, littleEndian);
  view.setFloat32(84, 0.25, littleEndian);
  view.setFloat32(108, 352, littleEndian);
  bytes.set([0x6e, 0x2b, 0x31, 0], 344);
  bytes.set(voxels, 352);
  return bytes;
}

const VALUES = [0, 1, 2, 100, 127, 3, 50, 7];
const DATATYPE_CASES: [
  string,
  number,
  number,
  (view: DataView, i: number, v: number, le: boolean) => void,
  string,
][] = [
  ["uint8", NiftiDatatype.uint8, 1, (d, i, v) => d.setUint8(i, v), "Uint8Array"],
  ["int8", NiftiDatatype.int8, 1, (d, i, v) => d.setInt8(i, -v), "Float32Array"],
  ["int16", NiftiDatatype.int16, 2, (d, i, v, le) => d.setInt16(2 * i, -v * 200, le), "Int16Array"],
  ["uint16", NiftiDatatype.uint16, 2, (d, i, v, le) => d.setUint16(2 * i, v * 500, le), "Uint16Array"],
  ["int32", NiftiDatatype.int32, 4, (d, i, v, le) => d.setInt32(4 * i, -v * 1000, le), "Float32Array"],
  ["uint32", NiftiDatatype.uint32, 4, (d, i, v, le) => d.setUint32(4 * i, v * 1000, le), "Float32Array"],
  ["float32", NiftiDatatype.float32, 4, (d, i, v, le) => d.setFloat32(4 * i, v / 4, le), "Float32Array"],
  ["float64", NiftiDatatype.float64, 8, (d, i, v, le) => d.setFloat64(8 * i, -v / 8, le), "Float32Array"],
];
const EXPECTED: Record<string, (v: number) => number> = {
  uint8: (v) => v,
  int8: (v) => -v,
  int16: (v) => -v * 200,
  uint16: (v) => v * 500,
  int32: (v) => -v * 1000,
  uint32: (v) => v * 1000,
  float32: (v) => v / 4,
  float64: (v) => -v / 8,
};

for (const littleEndian of [true, false]) {
  for (const [name, code, width, write, arrayType] of DATATYPE_CASES) {
    Deno.test(`readNifti: ${name} ${littleEndian ? "little" : "big"}-endian decodes exactly`, () => {
      const voxels = new Uint8Array(VALUES.length * width);
      const view = new DataView(voxels.buffer);
      VALUES.forEach((value, i) => write(view, i, value, littleEndian));
      const volume = readNifti(syntheticNifti(code, [2, 2, 2], voxels, littleEndian), { path: "s.nii" });
      assert.equal(volume.data.constructor.name, arrayType);
      assert.deepEqual([volume.cols, volume.rows, volume.frames], [2, 2, 2]);
      assert.deepEqual(
        Array.from(volume.data, (value) => value + 0),
        VALUES.map((value) => EXPECTED[name](value) + 0),
      );
      assert.deepEqual(volume.meta.pixelSpacing, [0.25, 0.5]);
    });
  }
}

Deno.test("readNifti: RGB24 gives 3 interleaved channels", () => {
  const voxels = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 5);
  const volume = readNifti(syntheticNifti(NiftiDatatype.rgb24, [3, 2], voxels, true), { path: "rgb.nii" });
  assert.deepEqual([volume.cols, volume.rows, volume.frames, volume.channels], [3, 2, 1, 3]);
  assert.deepEqual(Array.from(volume.data), Array.from(voxels));
});

Deno.test("readNifti: a bad dimension or vox_offset names the field and its value", () => {
  const bytes = niftiBytes("anatomical.nii").slice();
  const view = new DataView(bytes.buffer);
  const little = view.getInt32(0, true) === 348;
  view.setInt16(40 + 2 * 2, -5, little); // dim[2]
  assert.throws(() => readNifti(bytes, { path: "in/a.nii" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.equal(error.message, "in/a.nii: NIfTI dim[2] = -5: a dimension must be at least 1");
    return true;
  });
  const offset = niftiBytes("anatomical.nii").slice();
  new DataView(offset.buffer).setFloat32(108, 100, little); // vox_offset inside the header
  assert.throws(
    () => readNifti(offset, { path: "b.nii" }),
    /^CorruptFileError: b\.nii: NIfTI vox_offset = 100 does not point past the 348-byte header$/,
  );
});
