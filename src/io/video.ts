/**
 * Video in and out through ffmpeg: any container/codec ffmpeg decodes becomes an RGB uint8 Volume;
 * an 8-bit Volume becomes an H.264 yuv420p MP4 without metadata. A native ffmpeg binary is used
 * when there is one, else ffmpeg.wasm; `LOGIK_FFMPEG=wasm` forces the latter (see selectFfmpeg).
 * @module
 */
import { basename, dirname, extname, join } from "node:path";
import { CorruptFileError, ReadError, TooLargeError, UnsupportedFormatError } from "../errors.ts";
import type { Volume } from "../volume.ts";
import { cleanFfmpegLine, type FfmpegBackend, selectFfmpeg } from "./ffmpeg.ts";
import { createFfmpegWasm, type FfmpegWasm } from "./ffmpeg_wasm.ts";
import { videoFailureReason } from "./video_structure.ts";

/** Default refusal threshold for the decoded frames: 4 GiB. */
export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;
/** Default H.264 constant rate factor for {@link writeMp4}: visually lossless for ultrasound cine. */
export const DEFAULT_CRF = 18;

const ascii = (bytes: Uint8Array, from: number, length: number) =>
  String.fromCharCode(...bytes.subarray(from, from + length));

/** ISO-BMFF brands that are still images (HEIF/AVIF), not video. */
const IMAGE_BRANDS = new Set(["heic", "heix", "heim", "heis", "mif1", "msf1", "avif", "avis"]);

/**
 * True for MP4/MOV ('ftyp' at 4, or a bare QuickTime atom), AVI ('RIFF'…'AVI '), Matroska/WebM
 * (1A 45 DF A3), MPEG program and transport streams.
 *
 * @example
 * ```ts
 * looksLikeVideo(Deno.readFileSync("clip.mp4")); // true
 * ```
 */
export function looksLikeVideo(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const atom = ascii(bytes, 4, 4);
  if (atom === "ftyp") return !IMAGE_BRANDS.has(ascii(bytes, 8, 4));
  if (atom === "moov" || atom === "mdat" || atom === "wide") return true;
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "AVI ") return true;
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return true;
  if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 1 && bytes[3] === 0xba) return true;
  return bytes.length > 376 && bytes[0] === 0x47 && bytes[188] === 0x47 && bytes[376] === 0x47;
}

/** What `ffmpeg -i` says about the first video stream. */
export interface VideoProbe {
  width: number;
  height: number;
  frameRate: number | undefined;
  durationSeconds: number | undefined;
  codec: string;
}

/** Options for {@link readVideo}. */
export interface VideoReadOptions {
  /** Path used in error messages. */
  path: string;
  /** Which ffmpeg to use; default {@link selectFfmpeg} (LOGIK_FFMPEG, else the binary when it runs). */
  ffmpeg?: FfmpegBackend;
  /** Refuse videos whose decoded RGB frames exceed this many bytes (default 4 GiB). */
  maxBytes?: number;
  /** Accept a video even when ffmpeg reports decoding errors (default false: CorruptFileError). */
  tolerateErrors?: boolean;
}

/**
 * Parse the stream summary ffmpeg prints for `ffmpeg -i FILE` (we may have no ffprobe).
 * Returns undefined when there is no video stream.
 *
 * @example
 * ```ts
 * parseProbe("  Duration: 00:00:01.00, start: 0.0\n    Stream #0:0: Video: h264, yuv420p, 320x240, 30 fps");
 * // { width: 320, height: 240, frameRate: 30, durationSeconds: 1, codec: "h264" }
 * ```
 */
export function parseProbe(stderr: string): VideoProbe | undefined {
  const stream = stderr.split("\n").find((line) => /Stream #\d+:\d+.*: Video: /.test(line));
  if (!stream) return undefined;
  const size = stream.match(/, (\d+)x(\d+)(?=[ ,\[]|$)/);
  if (!size) return undefined;
  let width = Number(size[1]);
  let height = Number(size[2]);
  // ffmpeg auto-rotates on decode, so a 90° display matrix swaps the decoded size.
  const rotation = stderr.match(/rotate\s*:\s*(-?\d+)/) ?? stderr.match(/rotation of (-?[\d.]+) degrees/);
  if (rotation && Math.abs(Math.round(Number(rotation[1]))) % 180 === 90) [width, height] = [height, width];
  const rate = stream.match(/, ([\d.]+)(k?) fps/) ?? stream.match(/, ([\d.]+)(k?) tbr/);
  const frameRate = rate ? Number(rate[1]) * (rate[2] === "k" ? 1000 : 1) : undefined;
  const duration = stderr.match(/Duration: (\d+):(\d+):([\d.]+)/);
  const durationSeconds = duration
    ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])
    : undefined;
  const codec = stream.match(/Video: ([\w-]+)/)?.[1] ?? "unknown";
  return { width, height, frameRate, durationSeconds, codec };
}

/** Lines of ffmpeg's stderr that are errors about the input (not the banner or usage hints). */
function errorLines(stderr: string): string[] {
  return stderr.split("\n").map((line) => line.trim()).filter((line) => line.length > 0);
}

/** Everything ffmpeg printed before the "Input #0" block: errors only, never stream metadata. */
function probeErrors(stderr: string): string[] {
  const before = stderr.split(/^Input #/m)[0];
  return errorLines(before).filter((line) => !/At least one output file must be specified/.test(line));
}

async function probe(ffmpeg: string, path: string, displayPath: string): Promise<VideoProbe> {
  const { stderr } = await new Deno.Command(ffmpeg, {
    args: ["-hide_banner", "-nostdin", "-i", path],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  return await checkedProbe(new TextDecoder().decode(stderr), path, displayPath, path);
}

/**
 * The probe from `ffmpeg -i` output, or the error that says why the input is unusable. `ffmpegPath` is
 * the name ffmpeg saw (cleaned out of its lines), `filePath` the file on disk for the structure check.
 */
async function checkedProbe(
  text: string,
  ffmpegPath: string,
  displayPath: string,
  filePath: string,
): Promise<VideoProbe> {
  if (!/^Input #/m.test(text)) {
    const said = probeErrors(text).map((line) => cleanFfmpegLine(line, ffmpegPath, displayPath)).at(-1);
    throw new CorruptFileError(
      `${displayPath}: ${(await videoFailureReason(filePath, said, "open")).reason}`,
    );
  }
  const found = parseProbe(text);
  if (!found) throw await noVideoStream(filePath, displayPath);
  if (found.width < 1 || found.height < 1) {
    throw new CorruptFileError(`${displayPath}: video frame size is zero`);
  }
  return found;
}

/**
 * The error for a probe without a video stream: a broken box or chunk explains it (CorruptFileError),
 * else it is unsupported (UnsupportedFormatError, naming the missing video track when the walk saw that).
 *
 * @example
 * ```ts
 * throw await noVideoStream("/data/cut.mp4", "cut.mp4");
 * // CorruptFileError: cut.mp4: MP4 box "moov" at byte 32 declares 1125 bytes, but the file ends 568 bytes after its start
 * ```
 */
export async function noVideoStream(filePath: string, displayPath: string): Promise<Error> {
  const found = await videoFailureReason(filePath, undefined, "open");
  if (found.structural && !found.noVideo) return new CorruptFileError(`${displayPath}: ${found.reason}`);
  return new UnsupportedFormatError(`${displayPath}: ${found.noVideo ? found.reason : "no video stream"}`);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GiB`
    : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/**
 * Decode the first video stream of a file into RGB uint8 frames (channels 3), with
 * meta.frameRate / meta.frameTimeMs. Decoding errors (truncated or damaged streams) give a
 * CorruptFileError naming the path and ffmpeg's first error line; oversized videos a TooLargeError
 * (checked from the probe before decoding, and again while decoding).
 *
 * @example
 * ```ts
 * const volume = await readVideo("/data/clip.mp4", { path: "clip.mp4" });
 * [volume.frames, volume.rows, volume.cols, volume.meta.frameRate]; // [30, 240, 320, 30]
 * ```
 */
export async function readVideo(path: string, options: VideoReadOptions): Promise<Volume> {
  const displayPath = options.path;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let fileSize = 0;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new ReadError(`${displayPath}: not a regular file`);
    fileSize = info.size;
  } catch (error) {
    if (error instanceof ReadError) throw error;
    throw new ReadError(`${displayPath}: cannot read (${(error as Error).name})`);
  }
  const backend = options.ffmpeg ?? selectFfmpeg();
  if (backend.kind === "wasm") return await readVideoWasm(path, fileSize, maxBytes, options);
  const ffmpeg = backend.path;
  const found = await probe(ffmpeg, path, displayPath);
  refuseExpectedSize(found, displayPath, maxBytes);

  const child = new Deno.Command(ffmpeg, {
    args: [
      ...["-v", "error", "-nostdin", "-i", path, "-map", "0:v:0", "-vsync", "passthrough"],
      ...["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderrText = new Response(child.stderr).text();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let tooLarge = false;
  for await (const chunk of child.stdout) {
    total += chunk.length;
    if (total > maxBytes) {
      tooLarge = true;
      child.kill("SIGKILL");
      break;
    }
    chunks.push(chunk);
  }
  const status = await child.status;
  const errors = errorLines(await stderrText).map((line) => cleanFfmpegLine(line, path, displayPath));
  if (tooLarge) {
    throw new TooLargeError(`${displayPath}: decoded video exceeds the limit of ${formatBytes(maxBytes)}`);
  }
  if (!status.success || total === 0 || (errors.length > 0 && !options.tolerateErrors)) {
    const { reason } = await videoFailureReason(path, errors[0] ?? "no frames decoded");
    throw new CorruptFileError(`${displayPath}: ${reason}`);
  }
  return videoVolume(chunks, total, found, errors, displayPath);
}

/** Refuse before decoding when the probe's duration × rate already says the frames exceed maxBytes. */
function refuseExpectedSize(found: VideoProbe, displayPath: string, maxBytes: number): void {
  if (!found.frameRate || !found.durationSeconds) return;
  const expected = Math.round(found.durationSeconds * found.frameRate) * found.width * found.height * 3;
  if (expected > maxBytes) {
    throw new TooLargeError(
      `${displayPath}: video needs about ${formatBytes(expected)} decoded, over the limit of ${
        formatBytes(maxBytes)
      }`,
    );
  }
}

/** The RGB Volume from the decoded rawvideo chunks. */
function videoVolume(
  chunks: Uint8Array[],
  total: number,
  found: VideoProbe,
  errors: string[],
  displayPath: string,
  backendNote?: string,
): Volume {
  const frameBytes = found.width * found.height * 3;
  if (total % frameBytes !== 0) {
    throw new CorruptFileError(`${displayPath}: decoded stream is not a whole number of frames`);
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.length;
  }
  const notes = [`codec ${found.codec}`];
  if (backendNote) notes.push(backendNote);
  if (errors.length > 0) notes.push("ffmpeg reported decoding errors (tolerated)");
  return {
    frames: total / frameBytes,
    rows: found.height,
    cols: found.width,
    channels: 3,
    data,
    meta: {
      format: "video",
      photometric: "RGB",
      bitsStored: 8,
      frameRate: found.frameRate,
      frameTimeMs: found.frameRate ? 1000 / found.frameRate : undefined,
      notes,
    },
  };
}

/** ffmpeg.wasm holds the whole input file in memory; beyond this we ask for a native ffmpeg instead. */
const WASM_MAX_INPUT_BYTES = 2 * 1024 ** 3;
const WASM_MEMORY_HINT = "install ffmpeg (or @ffmpeg-installer/ffmpeg) for large videos";

/** A fresh ffmpeg.wasm instance, or the error saying no ffmpeg of any kind is usable. */
async function openWasm(): Promise<FfmpegWasm> {
  try {
    return await createFfmpegWasm();
  } catch (error) {
    throw new Error(
      "no ffmpeg found: install ffmpeg on PATH or the npm package @ffmpeg-installer/ffmpeg for this " +
        `platform; the ffmpeg.wasm fallback (npm:@ffmpeg/core) failed to load: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Thrown out of the wasm decode by the output device once maxBytes is passed. */
class DecodedTooLarge extends Error {}

/** readVideo through ffmpeg.wasm: the file goes into its in-memory file system, frames stream out of a device. */
async function readVideoWasm(
  path: string,
  fileSize: number,
  maxBytes: number,
  options: VideoReadOptions,
): Promise<Volume> {
  const displayPath = options.path;
  if (fileSize > WASM_MAX_INPUT_BYTES) {
    throw new TooLargeError(
      `${displayPath}: ${formatBytes(fileSize)} is over the ${
        formatBytes(WASM_MAX_INPUT_BYTES)
      } ffmpeg.wasm input limit (no native ffmpeg here); ${WASM_MEMORY_HINT}`,
    );
  }
  const ffmpeg = await openWasm();
  // Keep a plain extension: some demuxers are chosen by name, and it never echoes the real path.
  const extension = /^\.[a-z0-9]{1,8}$/i.test(extname(path)) ? extname(path).toLowerCase() : "";
  const input = `/input${extension}`;
  try {
    ffmpeg.writeFile(input, await Deno.readFile(path));
  } catch (error) {
    throw new ReadError(`${displayPath}: cannot read (${(error as Error).name})`);
  }
  const clean = (lines: string[]) => lines.map((line) => cleanFfmpegLine(line, input, displayPath));
  const probeRun = ffmpeg.exec(["-hide_banner", "-i", input]);
  const found = await checkedProbe(probeRun.stderr.join("\n"), input, displayPath, path);
  refuseExpectedSize(found, displayPath, maxBytes);

  const chunks: Uint8Array[] = [];
  let total = 0;
  ffmpeg.createSink("/frames.rgb", (chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw new DecodedTooLarge();
    chunks.push(chunk);
  });
  let run;
  try {
    run = ffmpeg.exec([
      ...["-v", "error", "-i", input, "-map", "0:v:0", "-vsync", "passthrough"],
      ...["-f", "rawvideo", "-pix_fmt", "rgb24", "/frames.rgb"],
    ]);
  } catch (error) {
    if (!(error instanceof DecodedTooLarge)) throw error;
    throw new TooLargeError(`${displayPath}: decoded video exceeds the limit of ${formatBytes(maxBytes)}`);
  }
  if (run.outOfMemory) {
    throw new TooLargeError(
      `${displayPath}: ffmpeg.wasm ran out of memory decoding ${found.width}x${found.height} frames ` +
        `(its heap stops at 2 GiB; no native ffmpeg here); ${WASM_MEMORY_HINT}`,
    );
  }
  const errors = clean(run.stderr);
  if (run.exitCode !== 0 || total === 0 || (errors.length > 0 && !options.tolerateErrors)) {
    const { reason } = await videoFailureReason(path, errors[0] ?? "no frames decoded");
    throw new CorruptFileError(`${displayPath}: ${reason}`);
  }
  return videoVolume(chunks, total, found, errors, displayPath, "decoded by ffmpeg.wasm");
}

/** Options for {@link writeMp4}. */
export interface Mp4WriteOptions {
  /** Which ffmpeg to use; default {@link selectFfmpeg}. */
  ffmpeg?: FfmpegBackend;
  /** H.264 constant rate factor, 0 (lossless) to 51; default {@link DEFAULT_CRF}. */
  crf?: number;
  /** Frames per second; default meta.frameRate, else 1000 / meta.frameTimeMs, else 30. */
  frameRate?: number;
}

/** The frame rate a Volume should be encoded at. */
function frameRateOf(volume: Volume, requested: number | undefined): number {
  if (requested !== undefined && requested > 0) return requested;
  if (volume.meta.frameRate && volume.meta.frameRate > 0) return volume.meta.frameRate;
  if (volume.meta.frameTimeMs && volume.meta.frameTimeMs > 0) return 1000 / volume.meta.frameTimeMs;
  return 30;
}

/**
 * Encode an 8-bit Volume (1 or 3 channels) as H.264 yuv420p MP4 at the source frame rate. Odd sizes
 * are padded to even with black on the right/bottom; metadata is stripped; the file is written under
 * a temporary name beside `outPath` and renamed into place.
 *
 * @example
 * ```ts
 * await writeMp4(volume8, "out/clip/clip.mp4", { crf: 18 });
 * ```
 */
export async function writeMp4(
  volume8: Volume,
  outPath: string,
  options: Mp4WriteOptions = {},
): Promise<void> {
  if (!(volume8.data instanceof Uint8Array)) {
    throw new TypeError("writeMp4 needs an 8-bit volume; use toDisplay8");
  }
  const crf = options.crf ?? DEFAULT_CRF;
  if (!(crf >= 0 && crf <= 51)) throw new RangeError("writeMp4: crf must be between 0 and 51");
  const frameRate = frameRateOf(volume8, options.frameRate);
  const tempPath = join(dirname(outPath), `.${basename(outPath)}.${crypto.randomUUID()}.tmp`);
  const backend = options.ffmpeg ?? selectFfmpeg();
  if (backend.kind === "wasm") return await writeMp4Wasm(volume8, outPath, tempPath, frameRate, crf);
  const child = new Deno.Command(backend.path, {
    args: mp4EncodeArgs(volume8, frameRate, crf, "pipe:0", tempPath),
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderrText = new Response(child.stderr).text();
  const writer = child.stdin.getWriter();
  let writeFailed = false;
  try {
    const frameSize = volume8.rows * volume8.cols * volume8.channels;
    for (let frame = 0; frame < volume8.frames; frame++) {
      await writer.write(volume8.data.subarray(frame * frameSize, (frame + 1) * frameSize));
    }
    await writer.close();
  } catch {
    writeFailed = true; // ffmpeg exited early; its stderr says why.
  }
  const status = await child.status;
  const stderr = (await stderrText).trim();
  if (!status.success || writeFailed) {
    await Deno.remove(tempPath).catch(() => {});
    throw new Error(`writeMp4: ffmpeg failed for ${outPath}: ${stderr.split("\n")[0] || "no message"}`);
  }
  await Deno.rename(tempPath, outPath);
}

/** ffmpeg arguments that encode raw frames from `input` into an H.264 MP4 at `output`. */
function mp4EncodeArgs(
  volume8: Volume,
  frameRate: number,
  crf: number,
  input: string,
  output: string,
): string[] {
  return [
    ...["-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", volume8.channels === 3 ? "rgb24" : "gray"],
    ...["-s", `${volume8.cols}x${volume8.rows}`, "-r", String(frameRate), "-i", input, "-an"],
    ...["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-preset", "medium", "-crf", String(crf)],
    // Tag BT.601 so players invert the same matrix swscale used.
    ...["-pix_fmt", "yuv420p", "-colorspace", "smpte170m", "-color_primaries", "smpte170m"],
    ...["-color_trc", "smpte170m", "-color_range", "tv"],
    // No global/stream metadata and no encoder version strings: reproducible, nothing carried over.
    ...["-map_metadata", "-1", "-flags", "+bitexact", "-fflags", "+bitexact", "-movflags", "+faststart"],
    ...["-f", "mp4", output],
  ];
}

/**
 * writeMp4 through ffmpeg.wasm: frames are read from a device over the Volume (no copy), the MP4 is
 * built in the in-memory file system (+faststart needs to seek) and then written out.
 */
async function writeMp4Wasm(
  volume8: Volume,
  outPath: string,
  tempPath: string,
  frameRate: number,
  crf: number,
): Promise<void> {
  const ffmpeg = await openWasm();
  const frameSize = volume8.rows * volume8.cols * volume8.channels;
  ffmpeg.createSource("/frames.raw", (volume8.data as Uint8Array).subarray(0, volume8.frames * frameSize));
  const run = ffmpeg.exec(mp4EncodeArgs(volume8, frameRate, crf, "/frames.raw", "/out.mp4"));
  if (run.exitCode !== 0) {
    const reason = run.outOfMemory
      ? `ffmpeg.wasm ran out of memory (its heap stops at 2 GiB); ${WASM_MEMORY_HINT}`
      : run.stderr.some((line) => /Unknown encoder/.test(line))
      ? "this ffmpeg.wasm build has no libx264 encoder; writing MP4 needs a native ffmpeg"
      : `ffmpeg.wasm: ${run.stderr[0] ?? "no message"}`;
    throw new Error(`writeMp4: ffmpeg failed for ${outPath}: ${reason}`);
  }
  try {
    await Deno.writeFile(tempPath, ffmpeg.readFile("/out.mp4"));
    await Deno.rename(tempPath, outPath);
  } catch (error) {
    await Deno.remove(tempPath).catch(() => {});
    throw error;
  }
}
