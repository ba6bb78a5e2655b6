import assert from "node:assert/strict";
import { join } from "node:path";
import { CorruptFileError, TooLargeError } from "../errors.ts";
import type { Volume } from "../volume.ts";
import { type FfmpegBackend, findFfmpeg, selectFfmpeg } from "./ffmpeg.ts";
import { createFfmpegWasm } from "./ffmpeg_wasm.ts";
import { looksLikeVideo, readVideo, writeMp4 } from "./video.ts";

const VIDEO = new URL("../../../shared/data/public/video/", import.meta.url);
const MP4 = new URL("sonosite_echo_pla_30f_derived.mp4", VIDEO).pathname;
const AVI = new URL("sonosite_echo_pla_30f_derived.avi", VIDEO).pathname;

function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

// Decoding tests name their backend instead of setting LOGIK_FFMPEG: the environment is shared with
// test modules running in parallel, which would silently switch decoder mid-test.
const WASM: FfmpegBackend = { kind: "wasm" };
const binary = (): FfmpegBackend => ({ kind: "binary", path: findFfmpeg() });

/** Run with LOGIK_FFMPEG set (undefined = unset), restoring the previous value afterwards. */
async function withBackend<T>(choice: string | undefined, run: () => Promise<T> | T): Promise<T> {
  const previous = Deno.env.get("LOGIK_FFMPEG");
  if (choice === undefined) Deno.env.delete("LOGIK_FFMPEG");
  else Deno.env.set("LOGIK_FFMPEG", choice);
  try {
    return await run();
  } finally {
    if (previous === undefined) Deno.env.delete("LOGIK_FFMPEG");
    else Deno.env.set("LOGIK_FFMPEG", previous);
  }
}

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "logik_wasm_test_" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("selectFfmpeg: LOGIK_FFMPEG forces wasm or binary; the default prefers the binary", async () => {
  assert.deepEqual(await withBackend("wasm", selectFfmpeg), { kind: "wasm" });
  assert.deepEqual(await withBackend("binary", selectFfmpeg), { kind: "binary", path: findFfmpeg() });
  assert.deepEqual(await withBackend(undefined, selectFfmpeg), { kind: "binary", path: findFfmpeg() });
  await assert.rejects(() => withBackend("ffmpeg7", selectFfmpeg), /LOGIK_FFMPEG must be/);
});

Deno.test("selectFfmpeg: a binary on PATH that does not run falls back to ffmpeg.wasm", async () => {
  await withTempDir(async (dir) => {
    // A stand-in for a binary built for another platform: found first on PATH, fails to start.
    const fake = join(dir, "ffmpeg");
    Deno.writeTextFileSync(fake, "#!/bin/sh\nexit 126\n");
    Deno.chmodSync(fake, 0o755);
    const video = new URL("./video.ts", import.meta.url).href;
    const ffmpeg = new URL("./ffmpeg.ts", import.meta.url).href;
    const code = `import { selectFfmpeg } from "${ffmpeg}"; import { readVideo } from "${video}";
      const volume = await readVideo(${JSON.stringify(AVI)}, { path: "a.avi" });
      console.log(JSON.stringify({ backend: selectFfmpeg(), frames: volume.frames, notes: volume.meta.notes }));`;
    const env: Record<string, string> = {
      ...Deno.env.toObject(),
      PATH: `${dir}:${Deno.env.get("PATH") ?? ""}`,
    };
    delete env.LOGIK_FFMPEG;
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      cwd: new URL("../../", import.meta.url).pathname,
      env,
      clearEnv: true,
    }).output();
    const stderr = new TextDecoder().decode(result.stderr);
    assert.ok(result.success, stderr);
    const report = JSON.parse(new TextDecoder().decode(result.stdout));
    assert.deepEqual(report.backend, { kind: "wasm" });
    assert.equal(report.frames, 30);
    assert.ok(report.notes.includes("decoded by ffmpeg.wasm"));
  });
});

Deno.test("createFfmpegWasm: the core has libx264; source and sink devices pass bytes through unchanged", async () => {
  const ffmpeg = await createFfmpegWasm();
  const encoders = ffmpeg.exec(["-hide_banner", "-encoders"]);
  assert.equal(encoders.exitCode, 0);
  assert.ok(encoders.stdout.some((line) => /\blibx264\b/.test(line)), "no libx264 in this core");

  const frames = Uint8Array.from({ length: 3 * 8 * 16 }, (_, i) => (i * 7) % 256);
  ffmpeg.createSource("/in.raw", frames);
  const chunks: Uint8Array[] = [];
  ffmpeg.createSink("/out.raw", (chunk) => chunks.push(chunk));
  const run = ffmpeg.exec([
    ...["-v", "error", "-f", "rawvideo", "-pix_fmt", "gray", "-s", "16x8", "-i", "/in.raw"],
    ...["-f", "rawvideo", "-pix_fmt", "gray", "/out.raw"],
  ]);
  assert.deepEqual([run.exitCode, run.stderr, run.outOfMemory], [0, [], false]);
  const out = Uint8Array.from(chunks.flatMap((chunk) => Array.from(chunk)));
  assert.deepEqual(out, frames);
});

Deno.test("createFfmpegWasm: an error thrown by a sink stops the run and propagates", async () => {
  const ffmpeg = await createFfmpegWasm();
  ffmpeg.writeFile("/in.avi", Deno.readFileSync(AVI));
  let written = 0;
  class Enough extends Error {}
  ffmpeg.createSink("/out.raw", (chunk) => {
    written += chunk.length;
    throw new Enough();
  });
  assert.throws(
    () => ffmpeg.exec(["-i", "/in.avi", "-f", "rawvideo", "-pix_fmt", "rgb24", "/out.raw"]),
    Enough,
  );
  assert.ok(written > 0 && written < 30 * 240 * 320 * 3);
});

const binaryVolumes = new Map<string, Volume>();

for (const [label, path] of [["mp4 (H.264)", MP4], ["avi (MJPEG)", AVI]]) {
  Deno.test(`readVideo with LOGIK_FFMPEG=wasm: the ${label} sample matches the binary decode`, async () => {
    const viaWasm = await readVideo(path, { path: label, ffmpeg: WASM });
    const viaBinary = await readVideo(path, { path: label, ffmpeg: binary() });
    binaryVolumes.set(path, viaBinary);
    assert.deepEqual(
      [viaWasm.frames, viaWasm.rows, viaWasm.cols, viaWasm.channels, viaWasm.meta.frameRate],
      [30, 240, 320, 3, 30],
    );
    assert.ok(viaWasm.meta.notes?.includes("decoded by ffmpeg.wasm"));
    assert.ok(!viaBinary.meta.notes?.includes("decoded by ffmpeg.wasm"));
    // Same decoders; only swscale's SIMD vs C rounding differs.
    const difference = meanAbsDiff(viaWasm.data, viaBinary.data);
    assert.ok(difference < 1, `mean abs diff ${difference}`);
    assert.ok(viaWasm.data.some((value) => value > 100));
  });
}

Deno.test("writeMp4 with LOGIK_FFMPEG=wasm: an H.264 MP4 the binary reads back closely, no temp file", async () => {
  const source = binaryVolumes.get(MP4) ??
    await readVideo(MP4, { path: "a.mp4", ffmpeg: binary() });
  await withTempDir(async (dir) => {
    const out = join(dir, "clip.mp4");
    await writeMp4(source, out, { crf: 18, ffmpeg: WASM });
    assert.deepEqual(Array.from(Deno.readDirSync(dir), (entry) => entry.name), ["clip.mp4"]);
    const bytes = Deno.readFileSync(out);
    assert.ok(looksLikeVideo(bytes));
    assert.ok(!new TextDecoder("latin1").decode(bytes).includes("Lavf"), "muxer version string left in");
    const again = await readVideo(out, { path: "clip.mp4", ffmpeg: binary() });
    assert.deepEqual([again.frames, again.rows, again.cols, again.meta.frameRate], [30, 240, 320, 30]);
    assert.ok(again.meta.notes?.includes("codec h264"));
    const difference = meanAbsDiff(again.data, source.data);
    assert.ok(difference < 2, `mean abs diff ${difference}`);
  });
});

Deno.test("readVideo with LOGIK_FFMPEG=wasm: damaged, oversized and huge inputs give specific errors", async () => {
  await withTempDir(async (dir) => {
    const cutMp4 = join(dir, "cut.mp4");
    Deno.writeFileSync(cutMp4, Deno.readFileSync(MP4).subarray(0, 30000));
    const garbage = join(dir, "garbage.mp4");
    Deno.writeFileSync(garbage, Uint8Array.from({ length: 500 }, (_, i) => (i * 37) % 256));
    {
      for (const path of [cutMp4, garbage]) {
        await assert.rejects(
          () => readVideo(path, { path: "shown/name.mp4", ffmpeg: WASM }),
          (error: unknown) =>
            error instanceof CorruptFileError && error.message.startsWith("shown/name.mp4: ") &&
            !error.message.includes(dir) && !error.message.includes("/input"),
        );
      }
      const partial = await readVideo(cutMp4, { path: "cut.mp4", tolerateErrors: true, ffmpeg: WASM });
      assert.ok(partial.frames > 0 && partial.frames < 30);
      await assert.rejects(
        () => readVideo(MP4, { path: "a.mp4", maxBytes: 1_000_000, ffmpeg: WASM }),
        TooLargeError,
      );
      // A sparse file past the in-memory input limit is refused from its size, before reading.
      const huge = join(dir, "huge.mp4");
      Deno.writeFileSync(huge, new Uint8Array(0));
      Deno.truncateSync(huge, 2 * 1024 ** 3 + 1);
      await assert.rejects(
        () => readVideo(huge, { path: "huge.mp4", ffmpeg: WASM }),
        (error: unknown) => error instanceof TooLargeError && /ffmpeg\.wasm input limit/.test(error.message),
      );
    }
  });
});
