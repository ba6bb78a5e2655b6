import assert from "node:assert/strict";
import sharp from "sharp";
import { CorruptFileError, TooLargeError, UnsupportedFormatError } from "../errors.ts";
import { type EncodableFrame, encodeFrame, looksLikeImage, readImage } from "./image.ts";
import { readNifti } from "./nifti.ts";
import { readVideo } from "./video.ts";

const DATA = new URL("../../../shared/data/public/", import.meta.url);

/** Frame 0 of the echo sample video: real RGB ultrasound content with burned-in text. */
const echo = await readVideo(new URL("video/sonosite_echo_pla_30f_derived.avi", DATA).pathname, {
  path: "echo",
});
const rgbFrame: EncodableFrame = {
  rows: echo.rows,
  cols: echo.cols,
  channels: 3,
  data: (echo.data as Uint8Array).slice(0, echo.rows * echo.cols * 3),
};
const greyFrame: EncodableFrame = {
  rows: echo.rows,
  cols: echo.cols,
  channels: 1,
  data: Uint8Array.from({ length: echo.rows * echo.cols }, (_, i) => rgbFrame.data[3 * i + 1]),
};
/** A slice of example4d.nii.gz shifted to unsigned: real 16-bit MR content. */
const mr = readNifti(Deno.readFileSync(new URL("nifti/example4d.nii.gz", DATA)), { path: "mr" });
const mrSlice = (mr.data as Int16Array).subarray(12 * mr.rows * mr.cols, 13 * mr.rows * mr.cols);
const wideFrame: EncodableFrame = {
  rows: mr.rows,
  cols: mr.cols,
  channels: 1,
  data: Uint16Array.from(mrSlice, (value) => value + 1000),
};

function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return 10 * Math.log10(255 ** 2 / (sum / a.length));
}

/** Sample-by-sample equality that reports the first mismatch (deepEqual's diff of big arrays is too slow). */
function assertSameSamples(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  assert.equal(actual.length, expected.length, "sample count");
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) assert.fail(`sample ${i}: ${actual[i]} !== ${expected[i]}`);
  }
}

const latin1 = new TextDecoder("latin1");

Deno.test("encodeFrame/readImage: PNG round trips exactly for grey, RGB and 16-bit grey", async () => {
  for (const frame of [greyFrame, rgbFrame, wideFrame]) {
    const png = await encodeFrame(frame, "png");
    assert.ok(looksLikeImage(png));
    const volume = await readImage(png, { path: "f.png" });
    assert.deepEqual([volume.frames, volume.rows, volume.cols, volume.channels], [
      1,
      frame.rows,
      frame.cols,
      frame.channels,
    ]);
    assert.equal(volume.data.constructor, frame.data.constructor);
    assertSameSamples(volume.data, frame.data);
    assert.equal(volume.meta.bitsStored, frame.data instanceof Uint16Array ? 16 : 8);
  }
  assert.ok(wideFrame.data.some((value) => value > 255), "the 16-bit sample really uses 16 bits");
});

Deno.test("encodeFrame: 16-bit RGB PNG round trips exactly; lossless PNG is no bigger", async () => {
  const rgb16: EncodableFrame = {
    ...rgbFrame,
    data: Uint16Array.from(rgbFrame.data, (value) => value * 257),
  };
  const volume = await readImage(await encodeFrame(rgb16, "png"), { path: "rgb16.png" });
  assertSameSamples(volume.data, rgb16.data);
  const normal = await encodeFrame(rgbFrame, "png");
  const smallest = await encodeFrame(rgbFrame, "png", { lossless: true });
  assert.ok(smallest.length <= normal.length);
});

Deno.test("encodeFrame: JPEG at the stated quality, default 95, without metadata", async () => {
  const q95 = await encodeFrame(rgbFrame, "jpeg", {});
  const q50 = await encodeFrame(rgbFrame, "jpeg", { quality: 50 });
  assert.ok(q50.length < q95.length);
  const decoded = await readImage(q95, { path: "f.jpeg" });
  assert.equal(decoded.channels, 3);
  assert.ok(psnr(decoded.data, rgbFrame.data) > 35);
  assert.ok(
    psnr(decoded.data, rgbFrame.data) > psnr((await readImage(q50, { path: "q50" })).data, rgbFrame.data),
  );
  const text = latin1.decode(q95);
  for (const marker of ["Exif", "ICC_PROFILE", "http://ns.adobe.com"]) assert.ok(!text.includes(marker));
  const grey = await readImage(await encodeFrame(greyFrame, "jpeg"), { path: "g.jpeg" });
  assert.equal(grey.channels, 1);
  await assert.rejects(() => encodeFrame(wideFrame, "jpeg"), TypeError);
});

Deno.test("encodeFrame: PNG carries no text or profile chunks", async () => {
  const text = latin1.decode(await encodeFrame(rgbFrame, "png"));
  for (const chunk of ["tEXt", "iTXt", "zTXt", "eXIf", "iCCP", "tIME"]) assert.ok(!text.includes(chunk));
});

Deno.test("encodeFrame: WebP lossless round trips exactly; lossy is smaller", async () => {
  const lossless = await encodeFrame(rgbFrame, "webp", { lossless: true });
  assert.ok(looksLikeImage(lossless));
  assertSameSamples((await readImage(lossless, { path: "f.webp" })).data, rgbFrame.data);
  const lossy = await encodeFrame(rgbFrame, "webp", { quality: 80 });
  assert.ok(lossy.length < lossless.length);
});

Deno.test("readImage: TIFF reads exactly; alpha is flattened onto black and dropped", async () => {
  const raw = { raw: { width: rgbFrame.cols, height: rgbFrame.rows, channels: 3 as const } };
  const tiff = new Uint8Array(await sharp(rgbFrame.data, raw).tiff({ compression: "lzw" }).toBuffer());
  assert.ok(looksLikeImage(tiff));
  assertSameSamples((await readImage(tiff, { path: "f.tiff" })).data, rgbFrame.data);

  const rgba = Uint8Array.from([255, 128, 0, 255, 255, 128, 0, 0, 10, 20, 30, 255, 40, 50, 60, 0]);
  const png = new Uint8Array(
    await sharp(rgba, { raw: { width: 2, height: 2, channels: 4 } }).png().toBuffer(),
  );
  const volume = await readImage(png, { path: "alpha.png" });
  assert.equal(volume.channels, 3);
  assert.deepEqual(Array.from(volume.data), [255, 128, 0, 0, 0, 0, 10, 20, 30, 0, 0, 0]);
});

/** A bottom-up Windows BMP with the given bit count, palette and raw rows (already padded). */
function bmp(
  width: number,
  height: number,
  bitCount: number,
  palette: number[][],
  rows: number[][],
): Uint8Array {
  const paletteBytes = palette.length * 4;
  const rowBytes = rows[0].length;
  const offset = 54 + paletteBytes;
  const bytes = new Uint8Array(offset + rowBytes * height);
  const view = new DataView(bytes.buffer);
  bytes.set([0x42, 0x4d]);
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, bitCount, true);
  view.setUint32(46, palette.length, true);
  palette.forEach(([r, g, b], i) => bytes.set([b, g, r, 0], 54 + 4 * i));
  // Stored bottom-up: the last image row first.
  rows.slice().reverse().forEach((row, i) => bytes.set(row, offset + i * rowBytes));
  return bytes;
}

Deno.test("readImage: BMP 24-bit and 8-bit grey palette decode to the right pixels", async () => {
  const colour = bmp(2, 2, 24, [], [[0, 0, 255, 0, 255, 0, 0, 0], [255, 0, 0, 255, 255, 255, 0, 0]]);
  assert.ok(looksLikeImage(colour));
  const rgb = await readImage(colour, { path: "c.bmp" });
  assert.deepEqual([rgb.rows, rgb.cols, rgb.channels], [2, 2, 3]);
  assert.deepEqual(Array.from(rgb.data), [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
  const greys = Array.from({ length: 256 }, (_, i) => [i, i, i]);
  const grey = await readImage(bmp(3, 1, 8, greys, [[7, 100, 250, 0]]), { path: "g.bmp" });
  assert.deepEqual([grey.channels, ...grey.data], [1, 7, 100, 250]);
  const cut = colour.subarray(0, colour.length - 4);
  await assert.rejects(() => readImage(cut, { path: "cut.bmp" }), CorruptFileError);
});

Deno.test("looksLikeImage: dual DICOM/TIFF files and videos are not images", () => {
  assert.equal(looksLikeImage(Deno.readFileSync(new URL("dicom/US1_UNCR.dcm", DATA))), false);
  assert.equal(
    looksLikeImage(Deno.readFileSync(new URL("video/sonosite_echo_pla_30f_derived.mp4", DATA))),
    false,
  );
  assert.equal(looksLikeImage(new Uint8Array([0x42, 0x4d, 1, 2])), false);
});

Deno.test("readImage: truncated images are CorruptFileError, garbage UnsupportedFormatError", async () => {
  for (const format of ["png", "jpeg"] as const) {
    const bytes = await encodeFrame(rgbFrame, format);
    await assert.rejects(
      () => readImage(bytes.subarray(0, Math.floor(bytes.length / 2)), { path: `cut.${format}` }),
      (error: unknown) => error instanceof CorruptFileError && error.message.startsWith(`cut.${format}: `),
    );
  }
  await assert.rejects(
    () => readImage(new Uint8Array(100).fill(3), { path: "x.png" }),
    UnsupportedFormatError,
  );
});

Deno.test("readImage: over maxBytes is a TooLargeError", async () => {
  const png = await encodeFrame(rgbFrame, "png");
  await assert.rejects(() => readImage(png, { path: "big.png", maxBytes: 1000 }), TooLargeError);
});
