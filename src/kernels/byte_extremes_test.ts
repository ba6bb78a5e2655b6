import assert from "node:assert/strict";
import { readVolume } from "../io/read.ts";
import { frameLength } from "../volume.ts";
import {
  brightestChannel,
  brightestExtremes,
  chromaAbove,
  rangeAbove,
  sampleMinimum,
} from "./byte_extremes.ts";

/** The plain loops the kernels replace. */
function referenceExtremes(data: Uint8Array, pixels: number, channels: number, frames: number[]) {
  const low = new Uint8Array(pixels).fill(255), high = new Uint8Array(pixels);
  for (const frame of frames) {
    for (let p = 0; p < pixels; p++) {
      let value = 0;
      for (let c = 0; c < channels; c++) value = Math.max(value, data[(frame * pixels + p) * channels + c]);
      low[p] = Math.min(low[p], value);
      high[p] = Math.max(high[p], value);
    }
  }
  return { low, high };
}

Deno.test("brightestExtremes equals the per-pixel loop on a real colour loop and its grey channel", async () => {
  // 300x400: 120,000 pixels, a multiple of 16, so a 7-pixel crop below also exercises the scalar tail.
  const loop = await readVolume("fixtures/inputs/case_0000.dcm");
  const data = loop.data as Uint8Array;
  const pixels = loop.rows * loop.cols;
  const frames = [0, 3, 4, 9];
  const colour = brightestExtremes(data, pixels, 3, frames);
  assert.deepEqual(colour, referenceExtremes(data, pixels, 3, frames));
  assert.ok(colour.high.some((value, p) => value > colour.low[p]), "the anatomy moves between these frames");

  const odd = pixels - 7;
  const grey = new Uint8Array(odd * loop.frames);
  for (let f = 0; f < loop.frames; f++) {
    for (let p = 0; p < odd; p++) grey[f * odd + p] = data[(f * pixels + p) * 3 + 1];
  }
  assert.deepEqual(brightestExtremes(grey, odd, 1, frames), referenceExtremes(grey, odd, 1, frames));
  assert.throws(() => brightestExtremes(data, pixels, 2, frames), RangeError);
});

Deno.test("sampleMinimum equals the per-sample loop on a real 800x600 loop, after a smaller one", async () => {
  // The smaller call first: the shared instance must grow for the larger frame.
  const small = await readVolume("fixtures/inputs/case_0003.dcm");
  const large = await readVolume("../shared/data/public/dicom/OBXXXX1A_rle_2frame.dcm");
  for (const loop of [small, large]) {
    const data = loop.data as Uint8Array;
    const samples = frameLength(loop);
    const frames = [...Array(loop.frames).keys()];
    const expected = new Uint8Array(samples).fill(255);
    for (const frame of frames) {
      for (let i = 0; i < samples; i++) expected[i] = Math.min(expected[i], data[frame * samples + i]);
    }
    assert.deepEqual(sampleMinimum(data, samples, frames), expected);
  }
  assert.ok(sampleMinimum(small.data as Uint8Array, frameLength(small), []).every((value) => value === 255));
});

Deno.test("sampleMinimum from a start array equals the minimum with that array as one more frame", async () => {
  const loop = await readVolume("fixtures/inputs/case_0000.dcm");
  const data = loop.data as Uint8Array;
  const samples = frameLength(loop);
  // A minimum taken already over frames 6-9, as a streamed loop's spread summary is.
  const start = sampleMinimum(data, samples, [6, 7, 8, 9]);
  assert.deepEqual(
    sampleMinimum(data, samples, [0, 3], start),
    sampleMinimum(data, samples, [0, 3, 6, 7, 8, 9]),
  );
});

Deno.test("brightestExtremes sums the brightest channel per pixel when asked, up to 257 frames", async () => {
  const loop = await readVolume("fixtures/inputs/case_0000.dcm");
  const data = loop.data as Uint8Array;
  const pixels = loop.rows * loop.cols;
  const frames = [0, 3, 4, 9];
  const sumsOf = (source: Uint8Array, count: number, channels: number, indices: number[]) => {
    const sums = new Uint16Array(count);
    for (const frame of indices) {
      for (let p = 0; p < count; p++) {
        let value = 0;
        for (let c = 0; c < channels; c++) {
          value = Math.max(value, source[(frame * count + p) * channels + c]);
        }
        sums[p] += value;
      }
    }
    return sums;
  };
  const colour = brightestExtremes(data, pixels, 3, frames, true);
  assert.deepEqual(colour.sums, sumsOf(data, pixels, 3, frames));
  assert.deepEqual({ low: colour.low, high: colour.high }, brightestExtremes(data, pixels, 3, frames));
  assert.equal(brightestExtremes(data, pixels, 3, frames).sums, undefined, "only when asked");
  // An odd pixel count (scalar tail, odd sum offset) of white frames: 257 frames sum to 65535, 258 are not summed.
  const odd = 21;
  const white = new Uint8Array(odd * 258).fill(255);
  const all = Array.from({ length: 257 }, (_, f) => f);
  assert.deepEqual(brightestExtremes(white, odd, 1, all, true).sums, new Uint16Array(odd).fill(65535));
  assert.equal(brightestExtremes(white, odd, 1, [...all, 257], true).sums, undefined);
});

Deno.test("brightestChannel equals the per-pixel maximum on a real colour frame with a scalar tail", async () => {
  const loop = await readVolume("fixtures/inputs/case_0000.dcm");
  const data = loop.data as Uint8Array;
  const pixels = loop.rows * loop.cols - 7;
  const expected = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) expected[p] = Math.max(data[3 * p], data[3 * p + 1], data[3 * p + 2]);
  assert.ok(expected.some((v, p) => v !== data[3 * p]), "some pixel is brightest outside red");
  assert.deepEqual(brightestChannel(data, pixels), expected);
});

Deno.test("chromaAbove equals the per-pixel chroma and count on a real colour frame with a scalar tail", async () => {
  const loop = await readVolume("fixtures/inputs/case_0000.dcm");
  const data = loop.data as Uint8Array;
  const pixels = loop.rows * loop.cols - 7;
  for (const threshold of [24, 1, 255]) {
    const chroma = new Uint8Array(pixels);
    let count = 0;
    for (let p = 0; p < pixels; p++) {
      const r = data[3 * p], g = data[3 * p + 1], b = data[3 * p + 2];
      const value = Math.max(r, g, b) - Math.min(r, g, b);
      if (value >= threshold) chroma[p] = value, count++;
    }
    if (threshold === 24) assert.ok(count > 0 && count < pixels, "the frame has colour and grey");
    assert.deepEqual(chromaAbove(data, pixels, threshold), { chroma, count });
  }
  assert.throws(() => chromaAbove(data, pixels, 0), RangeError);
});

Deno.test("rangeAbove equals the per-pixel test on a real loop's extremes, for any tolerance", async () => {
  const loop = await readVolume("fixtures/inputs/case_0000.dcm");
  const pixels = loop.rows * loop.cols - 7;
  const { low, high } = brightestExtremes(loop.data as Uint8Array, loop.rows * loop.cols, 3, [0, 3, 4, 9]);
  // Swapped arrays give negative differences too.
  for (const [a, b] of [[low, high], [high, low]]) {
    for (const tolerance of [24, 0, 24.5, 254, 255, -1, -0.5, -300]) {
      const expected = new Uint8Array(pixels);
      for (let p = 0; p < pixels; p++) expected[p] = b[p] - a[p] > tolerance ? 1 : 0;
      assert.deepEqual(
        rangeAbove(a.subarray(0, pixels), b.subarray(0, pixels), tolerance),
        expected,
        `${tolerance}`,
      );
    }
  }
});
