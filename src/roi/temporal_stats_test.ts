import assert from "node:assert/strict";
import { createVolume } from "../volume.ts";
import { anyChange, temporalExtremes, temporalMeanSampler, temporalStats } from "./temporal_stats.ts";

Deno.test("temporalStats: max, min, mean and std over frames, colour by brightest channel", () => {
  const volume = createVolume({
    frames: 4,
    rows: 1,
    cols: 2,
    channels: 3,
    type: "uint8",
    meta: { format: "image" },
  });
  // Pixel 0 alternates 0 / 10 (red channel), pixel 1 is a static grey 50.
  for (let frame = 0; frame < 4; frame++) {
    volume.data.set([frame % 2 ? 10 : 0, 0, 0, 50, 50, 50], frame * 6);
  }
  const stats = temporalStats(volume);
  assert.deepEqual([...stats.max.data], [10, 50]);
  assert.deepEqual([...stats.min.data], [0, 50]);
  assert.deepEqual([...stats.mean.data], [5, 50]);
  assert.deepEqual([...stats.std.data], [5, 0]);
  assert.deepEqual([...anyChange(stats, 2).data], [1, 0]);
  assert.deepEqual([...temporalExtremes(volume).max.data], [10, 50]);
});

Deno.test("temporalExtremes samples at most maxFrames frames, first and last included", () => {
  const volume = createVolume({
    frames: 10,
    rows: 1,
    cols: 1,
    channels: 1,
    type: "uint8",
    meta: { format: "image" },
  });
  volume.data.set([5, 200, 200, 200, 200, 200, 200, 200, 200, 9]);
  const extremes = temporalExtremes(volume, 2);
  assert.equal(extremes.frames, 2);
  assert.deepEqual([...extremes.max.data], [9]);
  assert.deepEqual([...extremes.min.data], [5]);
});

Deno.test("temporalStats refuses 16-bit volumes", () => {
  const volume = createVolume({
    frames: 1,
    rows: 1,
    cols: 1,
    channels: 1,
    type: "uint16",
    meta: { format: "dicom" },
  });
  assert.throws(() => temporalStats(volume), TypeError);
});

Deno.test("temporalMeanSampler reads the same values from temporalExtremes' sums as from the loop", () => {
  // 10 frames: means like 37/10 are not 32-bit floats, so a first read (exact) and a later one
  // (cached) differ, and both paths must give the same sequence.
  const volume = createVolume({
    frames: 10,
    rows: 7,
    cols: 9,
    channels: 3,
    type: "uint8",
    meta: { format: "image" },
  });
  for (let i = 0; i < volume.data.length; i++) volume.data[i] = (i * 7919 + (i >> 5) * 31) % 256;
  const stats = temporalExtremes(volume, 16, true);
  assert.ok(stats.sums, "sums asked for");
  const fromLoop = temporalMeanSampler(volume), fromSums = temporalMeanSampler(volume, 16, stats.sums);
  const pixels = [5, 40, 5, 62, 0, 40, 17, 17];
  const read = (sample: (pixel: number) => number) => pixels.map((pixel) => sample(pixel));
  const expected = read(fromLoop);
  assert.notEqual(expected[0], expected[2], "first read exact, second cached");
  assert.deepEqual(read(fromSums), expected);
  // Sums over other frames are not used.
  const fewer = temporalExtremes(volume, 4, true);
  assert.deepEqual(read(temporalMeanSampler(volume, 16, fewer.sums)), read(temporalMeanSampler(volume)));
  assert.equal(temporalExtremes(volume).sums, undefined);
});
