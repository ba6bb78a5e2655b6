import assert from "node:assert/strict";
import { openFrameSource } from "./frame_source.ts";
import { readVolume } from "./read.ts";

const NIFTI = new URL("../../../shared/data/public/nifti/", import.meta.url);

function assertSameSamples(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let index = 0; index < actual.length; index++) {
    if (actual[index] !== expected[index]) assert.fail(`${label}: sample ${index} differs`);
  }
}

for (const name of ["example4d.nii.gz", "functional.nii", "anatomical.nii"]) {
  Deno.test(`nifti source ${name}: ranges in any order give readVolume's slices`, async () => {
    const path = new URL(name, NIFTI).pathname;
    const whole = await readVolume(path);
    const sliceSamples = whole.rows * whole.cols * whole.channels;
    const source = await openFrameSource(path, { label: name });
    try {
      const last = source.frames;
      for (const [start, end] of [[last - 8, last], [2, 5], [0, 1], [5, 7], [last - 1, last]]) {
        const range = await source.readFrames(start, end);
        assert.equal(range.data.constructor, whole.data.constructor);
        assertSameSamples(
          range.data,
          whole.data.subarray(start * sliceSamples, end * sliceSamples),
          `${name} [${start}, ${end})`,
        );
      }
    } finally {
      await source.close();
    }
  });
}

Deno.test("nifti source reports truncated files as CorruptFile, as readVolume does", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const name of ["example4d.nii.gz", "functional.nii"]) {
      const bytes = await Deno.readFile(new URL(name, NIFTI));
      const path = `${dir}/${name}`;
      await Deno.writeFile(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const wholeError = await readVolume(path, { label: "cut" }).catch((error) => error);
      const streamError = await (async () => {
        const source = await openFrameSource(path, { label: "cut" });
        try {
          await source.readFrames(0, source.frames);
        } finally {
          await source.close();
        }
      })().catch((error) => error);
      assert.equal(wholeError?.kind, "CorruptFile", name);
      assert.equal(streamError?.kind, "CorruptFile", name);
      assert.match(streamError.message, /^cut: (truncated|corrupt)/, name);
      if (!name.endsWith(".gz")) assert.equal(streamError.message, wholeError.message);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
