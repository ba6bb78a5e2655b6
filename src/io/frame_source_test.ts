import assert from "node:assert/strict";
import { CorruptFileError, ReadError, UnsupportedFormatError } from "../errors.ts";
import type { PixelArray, Volume } from "../volume.ts";
import { checkFrameRange, type FrameSource, openFrameSource } from "./frame_source.ts";
import { readVolume } from "./read.ts";

const PUBLIC = new URL("../../../shared/data/public/", import.meta.url);

function samples(folder: string): string[] {
  const dir = new URL(`${folder}/`, PUBLIC);
  return [...Deno.readDirSync(dir)].map((entry) => new URL(entry.name, dir).pathname).sort();
}

function assertSamePixels(actual: PixelArray, expected: PixelArray, label: string): void {
  assert.equal(actual.constructor, expected.constructor, `${label}: sample type`);
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let index = 0; index < actual.length; index++) {
    if (actual[index] !== expected[index]) {
      assert.fail(`${label}: sample ${index} is ${actual[index]}, expected ${expected[index]}`);
    }
  }
}

/** Streamed frames (all at once and one by one) against the whole-file reader, pixel for pixel. */
async function assertStreamsLikeWholeFile(path: string): Promise<FrameSource> {
  const name = path.split("/").at(-1)!;
  const whole = await readVolume(path, { label: name });
  const source = await openFrameSource(path, { label: name });
  try {
    assert.deepEqual(
      [source.frames, source.rows, source.cols, source.channels],
      [whole.frames, whole.rows, whole.cols, whole.channels],
      `${name}: shape`,
    );
    assert.deepEqual(source.meta, whole.meta, `${name}: meta`);
    const all = await source.readFrames(0, source.frames);
    assert.equal(all.frames, whole.frames);
    assertSamePixels(all.data, whole.data, `${name} all frames`);
    const frameSamples = whole.rows * whole.cols * whole.channels;
    for (let frame = 0; frame < source.frames; frame++) {
      const one: Volume = await source.readFrames(frame, frame + 1);
      assert.equal(one.frames, 1);
      assertSamePixels(
        one.data,
        whole.data.subarray(frame * frameSamples, (frame + 1) * frameSamples),
        `${name} frame ${frame}`,
      );
    }
    return source;
  } finally {
    await source.close();
  }
}

const readableDicom = samples("dicom").filter((path) => !/MR_truncated|no_meta/.test(path));

for (const path of readableDicom) {
  Deno.test(`openFrameSource streams ${path.split("/").at(-1)} exactly as readVolume reads it`, async () => {
    const source = await assertStreamsLikeWholeFile(path);
    // Deflated datasets are one deflate stream: they are the one DICOM case read whole.
    assert.equal(source.streaming, !path.endsWith("image_dfl.dcm"));
  });
}

for (const path of [...samples("nifti"), ...samples("video")]) {
  Deno.test(`openFrameSource streams ${path.split("/").at(-1)} exactly as readVolume reads it`, async () => {
    const source = await assertStreamsLikeWholeFile(path);
    assert.equal(source.streaming, true);
  });
}

Deno.test("openFrameSource reports broken and foreign files as the whole-file reader does", async () => {
  for (const name of ["MR_truncated.dcm", "no_meta.dcm"]) {
    const path = new URL(`dicom/${name}`, PUBLIC).pathname;
    const wholeError = await readVolume(path, { label: name }).then(() => undefined, (error) => error);
    const streamError = await openFrameSource(path, { label: name }).then(() => undefined, (error) => error);
    assert.ok(wholeError instanceof Error, `${name}: whole-file reader should fail`);
    assert.equal(streamError?.constructor, wholeError.constructor, name);
    assert.equal(streamError.message, wholeError.message, name);
  }
  assert.ok(
    (await openFrameSource(new URL("dicom/no_meta.dcm", PUBLIC).pathname).catch((error) => error)) instanceof
      UnsupportedFormatError,
  );
  await assert.rejects(openFrameSource("/nonexistent/scan.dcm", { label: "scan.dcm" }), ReadError);
  await assert.rejects(openFrameSource(new URL("dicom/", PUBLIC).pathname, { label: "dicom" }), ReadError);
});

Deno.test("openFrameSource names the label, not the path, in errors", async () => {
  const path = new URL("dicom/MR_truncated.dcm", PUBLIC).pathname;
  const error = await openFrameSource(path, { label: "case-17" }).catch((caught) => caught);
  assert.ok(error instanceof CorruptFileError);
  assert.match(error.message, /^case-17: /);
  assert.ok(!error.message.includes("MR_truncated"));
});

Deno.test("openFrameSource applies maxBytes to the declared total and maxFrameBytes to one frame", async () => {
  const path = new URL("dicom/examples_ybr_color.dcm", PUBLIC).pathname; // 30 × 240 × 320 × 3
  await assert.rejects(openFrameSource(path, { maxBytes: 29 * 240 * 320 * 3 }), { kind: "TooLarge" });
  await assert.rejects(openFrameSource(path, { maxFrameBytes: 240 * 320 * 3 - 1 }), { kind: "TooLarge" });
  const source = await openFrameSource(path, { maxBytes: 30 * 240 * 320 * 3, maxFrameBytes: 240 * 320 * 3 });
  assert.equal(source.frames, 30);
  await source.close();
});

Deno.test("readFrames rejects empty, reversed and out-of-range requests", async () => {
  const source = await openFrameSource(new URL("dicom/OBXXXX1A_2frame.dcm", PUBLIC).pathname);
  try {
    for (const [start, end] of [[0, 0], [1, 0], [-1, 1], [0, 3], [0.5, 1]]) {
      await assert.rejects(() => source.readFrames(start, end), RangeError);
    }
  } finally {
    await source.close();
    await source.close(); // closing twice is harmless
  }
  assert.throws(() => checkFrameRange(2, 3, 2), RangeError);
});

Deno.test("a still image is served whole as one frame", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/frame.png`;
    const sharp = (await import("sharp")).default;
    const pixels = new Uint8Array(6 * 4 * 3).map((_, index) => index);
    await sharp(pixels, { raw: { width: 4, height: 6, channels: 3 } }).png().toFile(path);
    const source = await openFrameSource(path, { label: "frame.png" });
    assert.equal(source.streaming, false);
    assert.equal(source.frames, 1);
    assertSamePixels((await source.readFrames(0, 1)).data, (await readVolume(path)).data, "png");
    await source.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
