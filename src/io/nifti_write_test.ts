import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import * as niftiReader from "nifti-reader-js";
import { createVolume } from "../volume.ts";
import { readNiftiHeader, readNiftiWithHeader } from "./nifti.ts";
import { writeNifti } from "./nifti_write.ts";

const DATA = new URL("../../../shared/data/public/nifti/", import.meta.url);
const FILES = [
  "anatomical.nii",
  "functional.nii",
  "example4d.nii.gz",
  "example_nifti2.nii.gz",
  "standard.nii.gz",
];

/** Sample-by-sample equality that reports the first mismatch (deepEqual's diff of big arrays is too slow). */
function assertSameSamples(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  assert.equal(actual.length, expected.length, "sample count");
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) assert.fail(`sample ${i}: ${actual[i]} !== ${expected[i]}`);
  }
}

const latin1 = new TextDecoder("latin1");

for (const name of FILES) {
  for (const gzip of [false, true]) {
    Deno.test(`writeNifti: ${name} round-trips pixel-equal as ${gzip ? ".nii.gz" : ".nii"}, text cleared`, () => {
      const source = Deno.readFileSync(new URL(name, DATA));
      const { volume, header } = readNiftiWithHeader(source, { path: name });
      const written = writeNifti(volume, header, { gzip });
      const raw = gzip ? new Uint8Array(gunzipSync(written)) : written;
      assert.equal(written[0] === 0x1f && written[1] === 0x8b, gzip);

      const again = readNiftiWithHeader(written, { path: "out" });
      assert.deepEqual(
        [again.volume.frames, again.volume.rows, again.volume.cols, again.volume.channels],
        [volume.frames, volume.rows, volume.cols, volume.channels],
      );
      assert.equal(again.volume.data.constructor, volume.data.constructor);
      assertSameSamples(again.volume.data, volume.data);
      assert.equal(again.volume.meta.rescaleSlope, volume.meta.rescaleSlope);
      assert.equal(again.volume.meta.rescaleIntercept, volume.meta.rescaleIntercept);
      assert.deepEqual(again.header.dim, header.dim);
      assert.equal(again.header.version, 1);
      assert.equal(again.header.hasExtensions, false);
      for (let i = 0; i < 4; i++) {
        assert.ok(Math.abs(again.header.srowX[i] - header.srowX[i]) < 1e-4);
        assert.ok(Math.abs(again.header.srowZ[i] - header.srowZ[i]) < 1e-4);
      }

      // Free-text fields zeroed: db_name, descrip, aux_file, intent_name; no extension after the header.
      const zeroRanges = [[4, 32], [148, 252], [328, 344], [348, 352]];
      for (const [from, to] of zeroRanges) assert.ok(raw.subarray(from, to).every((byte) => byte === 0));
      assert.equal(raw.length, 352 + volume.data.byteLength);
      const text = latin1.decode(raw);
      for (const secret of ["extcomment1", "extlongcomment2", "spm - 3D normalized"]) {
        assert.ok(!text.includes(secret), `${secret} leaked`);
      }

      // An independent reader agrees.
      const buffer = raw.slice().buffer;
      const reference = niftiReader.readHeader(buffer)!;
      assert.equal(reference.dims[1], volume.cols);
      assert.equal(reference.description, "");
      assert.equal(niftiReader.hasExtension(reference), false);
    });
  }
}

Deno.test("writeNifti: the source really had the text we check for", () => {
  const text = latin1.decode(gunzipSync(Deno.readFileSync(new URL("example4d.nii.gz", DATA))));
  assert.ok(text.includes("extcomment1"));
});

Deno.test("writeNifti: a crop offset keeps world coordinates of the cropped voxels", () => {
  const source = Deno.readFileSync(new URL("example4d.nii.gz", DATA));
  const { volume, header } = readNiftiWithHeader(source, { path: "example4d.nii.gz" });
  const cropped = createVolume({
    frames: volume.frames,
    rows: 10,
    cols: 20,
    channels: 1,
    type: "int16",
    meta: volume.meta,
  });
  const out = readNiftiHeader(writeNifti(cropped, header, { cropOffset: { x: 7, y: 5 } }), { path: "out" });
  assert.deepEqual(out.dim.slice(0, 5), [4, 20, 10, 24, 2]);
  const world = (row: number[], i: number, j: number) => row[0] * i + row[1] * j + row[3];
  for (const key of ["srowX", "srowY", "srowZ"] as const) {
    assert.ok(Math.abs(world(out[key], 0, 0) - world(header[key], 7, 5)) < 1e-3);
  }
  // qform: origin moved by the same world vector as the sform here (both describe the same grid).
  const moved = [
    out.qoffsetX - header.qoffsetX,
    out.qoffsetY - header.qoffsetY,
    out.qoffsetZ - header.qoffsetZ,
  ];
  const expected = ["srowX", "srowY", "srowZ"].map((key) =>
    out[key as "srowX"][3] - header[key as "srowX"][3]
  );
  if (header.qformCode > 0 && header.sformCode > 0) {
    moved.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-2));
  }
});

Deno.test("writeNifti: volumes without a source header get plain dims and the pixel spacing", () => {
  const volume = createVolume({
    frames: 3,
    rows: 4,
    cols: 5,
    channels: 3,
    type: "uint8",
    meta: { format: "image", pixelSpacing: [0.3, 0.2] },
  });
  volume.data.forEach((_, i) => volume.data[i] = i % 251);
  const again = readNiftiWithHeader(writeNifti(volume, undefined), { path: "out" });
  assert.deepEqual(again.header.dim.slice(0, 4), [3, 5, 4, 3]);
  assert.equal(again.volume.channels, 3);
  assertSameSamples(again.volume.data, volume.data);
  assert.ok(Math.abs(again.header.pixdim[1] - 0.2) < 1e-6 && Math.abs(again.header.pixdim[2] - 0.3) < 1e-6);
});
