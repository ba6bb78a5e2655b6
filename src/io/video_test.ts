import assert from "node:assert/strict";
import { join } from "node:path";
import { CorruptFileError, ReadError, TooLargeError } from "../errors.ts";
import { createVolume, type Volume } from "../volume.ts";
import { cleanFfmpegLine, findFfmpeg } from "./ffmpeg.ts";
import { looksLikeVideo, parseProbe, readVideo, writeMp4 } from "./video.ts";

const VIDEO = new URL("../../../shared/data/public/video/", import.meta.url);
const MP4 = new URL("sonosite_echo_pla_30f_derived.mp4", VIDEO).pathname;
const AVI = new URL("sonosite_echo_pla_30f_derived.avi", VIDEO).pathname;

function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "logik_video_test_" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("findFfmpeg: returns an executable ffmpeg", async () => {
  const ffmpeg = findFfmpeg();
  const { success, stdout } = await new Deno.Command(ffmpeg, { args: ["-hide_banner", "-version"] }).output();
  assert.ok(success);
  assert.match(new TextDecoder().decode(stdout), /ffmpeg version/);
});

Deno.test("looksLikeVideo: recognises the samples and rejects other content", () => {
  assert.ok(looksLikeVideo(Deno.readFileSync(MP4)));
  assert.ok(looksLikeVideo(Deno.readFileSync(AVI)));
  assert.ok(looksLikeVideo(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0])));
  const heif = new Uint8Array(16);
  heif.set(new TextEncoder().encode("ftypheic"), 4);
  assert.equal(looksLikeVideo(heif), false);
  const nifti = Deno.readFileSync(new URL("../nifti/anatomical.nii", VIDEO));
  assert.equal(looksLikeVideo(nifti), false);
  assert.equal(looksLikeVideo(new Uint8Array(3)), false);
});

Deno.test("parseProbe: reads size, rate, duration and codec; swaps size for a 90° rotation", () => {
  const stream =
    "    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 320x240 [SAR 1:1 DAR 4:3], " +
    "408 kb/s, 29.97 fps, 29.97 tbr, 15360 tbn, 60 tbc (default)";
  const text = `Input #0, mov\n  Duration: 00:01:02.50, start: 0.000000\n${stream}\n`;
  assert.deepEqual(parseProbe(text), {
    width: 320,
    height: 240,
    frameRate: 29.97,
    durationSeconds: 62.5,
    codec: "h264",
  });
  const rotated = parseProbe(`${text}      displaymatrix: rotation of -90.00 degrees\n`);
  assert.deepEqual([rotated?.width, rotated?.height], [240, 320]);
  assert.equal(parseProbe("Input #0\n    Stream #0:0: Audio: aac, 44100 Hz"), undefined);
});

Deno.test("cleanFfmpegLine: drops the demuxer prefix and replaces the real path", () => {
  assert.equal(
    cleanFfmpegLine("[mov,mp4 @ 0x55d0] /tmp/x/a.mp4: moov atom not found", "/tmp/x/a.mp4", "a.mp4"),
    "a.mp4: moov atom not found",
  );
});

let mp4Volume: Volume | undefined;

for (const [label, path] of [["mp4 (H.264)", MP4], ["avi (MJPEG)", AVI]]) {
  Deno.test(`readVideo: the ${label} sample is 30 RGB frames of 240x320 at 30 fps`, async () => {
    const volume = await readVideo(path, { path: label });
    assert.deepEqual([volume.frames, volume.rows, volume.cols, volume.channels], [30, 240, 320, 3]);
    assert.ok(volume.data instanceof Uint8Array);
    assert.equal(volume.data.length, 30 * 240 * 320 * 3);
    assert.equal(volume.meta.format, "video");
    assert.equal(volume.meta.frameRate, 30);
    assert.ok(Math.abs(volume.meta.frameTimeMs! - 1000 / 30) < 1e-9);
    if (path === MP4) mp4Volume = volume;
  });
}

Deno.test("readVideo: the MP4 and AVI samples hold the same frames (lossy codecs, small difference)", async () => {
  const mp4 = mp4Volume ?? await readVideo(MP4, { path: "a.mp4" });
  const avi = await readVideo(AVI, { path: "a.avi" });
  const difference = meanAbsDiff(mp4.data, avi.data);
  assert.ok(difference < 4, `mean abs diff ${difference}`);
  // Not trivially equal to something blank: the frames have content.
  assert.ok(mp4.data.some((value) => value > 100));
});

Deno.test("writeMp4: round trip keeps 30 frames at 30 fps, pixels close, no temp file left", async () => {
  const source = mp4Volume ?? await readVideo(MP4, { path: "a.mp4" });
  await withTempDir(async (dir) => {
    const out = join(dir, "clip.mp4");
    await writeMp4(source, out, { crf: 18 });
    assert.deepEqual(Array.from(Deno.readDirSync(dir), (entry) => entry.name), ["clip.mp4"]);
    const bytes = Deno.readFileSync(out);
    assert.ok(looksLikeVideo(bytes));
    assert.ok(!new TextDecoder("latin1").decode(bytes).includes("Lavf"), "muxer version string left in");
    const again = await readVideo(out, { path: "clip.mp4" });
    assert.deepEqual([again.frames, again.rows, again.cols, again.meta.frameRate], [30, 240, 320, 30]);
    const difference = meanAbsDiff(again.data, source.data);
    assert.ok(difference < 2, `mean abs diff ${difference}`);
  });
});

Deno.test("writeMp4: odd-sized grey frames are padded to even; frame rate from frameTimeMs", async () => {
  const volume = createVolume({
    frames: 4,
    rows: 17,
    cols: 23,
    channels: 1,
    type: "uint8",
    meta: { format: "dicom", frameTimeMs: 50 },
  });
  // A bright left half, dark right half.
  volume.data.forEach((_, i) => volume.data[i] = i % 23 < 11 ? 200 : 30);
  await withTempDir(async (dir) => {
    const out = join(dir, "odd.mp4");
    await writeMp4(volume, out, { crf: 10 });
    const again = await readVideo(out, { path: "odd.mp4" });
    assert.deepEqual([again.frames, again.rows, again.cols, again.meta.frameRate], [4, 18, 24, 20]);
    const pixel = (x: number, y: number) => again.data[(y * 24 + x) * 3];
    assert.ok(Math.abs(pixel(2, 8) - 200) < 8 && Math.abs(pixel(20, 8) - 30) < 8);
  });
});

Deno.test("readVideo: truncated and garbage videos are CorruptFileError naming the path", async () => {
  await withTempDir(async (dir) => {
    const cutMp4 = join(dir, "cut.mp4");
    Deno.writeFileSync(cutMp4, Deno.readFileSync(MP4).subarray(0, 30000));
    const cutAvi = join(dir, "cut.avi");
    Deno.writeFileSync(cutAvi, Deno.readFileSync(AVI).subarray(0, 100000));
    const garbage = join(dir, "garbage.mp4");
    Deno.writeFileSync(garbage, Uint8Array.from({ length: 500 }, (_, i) => (i * 37) % 256));
    for (const path of [cutMp4, cutAvi, garbage]) {
      await assert.rejects(
        () => readVideo(path, { path: "shown/name.mp4" }),
        (error: unknown) =>
          error instanceof CorruptFileError && error.message.startsWith("shown/name.mp4: ") &&
          !error.message.includes(dir),
      );
    }
    // The reason names the box or chunk that the cut broke, not ffmpeg's words.
    await assert.rejects(
      () => readVideo(cutMp4, { path: "cut.mp4" }),
      /^CorruptFileError: cut\.mp4: MP4 box "mdat" at byte 1165 declares 51057 bytes, but the file ends 28835 bytes after its start$/,
    );
    await assert.rejects(
      () => readVideo(cutAvi, { path: "cut.avi" }),
      /^CorruptFileError: cut\.avi: AVI chunk "RIFF" at byte 0 declares 182260 bytes, but the file ends 99992 bytes after its header$/,
    );
    // Tolerated on request: the partial frames of the truncated MP4 are returned.
    const partial = await readVideo(cutMp4, { path: "cut.mp4", tolerateErrors: true });
    assert.ok(partial.frames > 0 && partial.frames < 30);
  });
});

Deno.test("readVideo: over maxBytes is a TooLargeError; a missing file is a ReadError", async () => {
  await assert.rejects(() => readVideo(MP4, { path: "a.mp4", maxBytes: 1_000_000 }), TooLargeError);
  await assert.rejects(() => readVideo("/nonexistent/x.mp4", { path: "x.mp4" }), ReadError);
});
