/**
 * Video as a streaming FrameSource: one ffmpeg process decodes to raw RGB on a pipe and readFrames
 * takes frames off it in order.
 *
 * Costs: the frame count comes from a stream-copy pass (`-c copy -f null`: demux only, no decoding).
 * Forward requests continue the same pipe (a small gap is read and dropped; a large one restarts
 * ffmpeg at the target). A backwards request restarts ffmpeg with `select=gte(n,start)`, which still
 * decodes every frame before `start` but skips converting and piping them: going back to frame 0 costs
 * one process start, going back to frame k costs decoding k frames. A two-pass pipeline (0..n, then
 * 0..n again) therefore decodes the video twice, as a whole-file read followed by a re-read would.
 * @module
 */
import { CorruptFileError, ReadError, TooLargeError } from "../errors.ts";
import type { Volume, VolumeMeta } from "../volume.ts";
import { cleanFfmpegLine, findFfmpeg } from "./ffmpeg.ts";
import {
  checkFrameBytes,
  checkFrameRange,
  formatBytes,
  type FrameSource,
  type ResolvedFrameSourceOptions,
  serialiser,
} from "./frame_source.ts";
import { noVideoStream, parseProbe, type VideoProbe } from "./video.ts";
import { videoFailureReason } from "./video_structure.ts";

/** A forward gap larger than this many frames restarts ffmpeg at the target instead of draining. */
const MAX_DRAIN_FRAMES = 16;

/** One running ffmpeg decode and how far it has got. */
interface Decoder {
  child: Deno.ChildProcess;
  reader: ReadableStreamDefaultReader<Uint8Array>;
  leftover: Uint8Array | undefined;
  /** Index of the next frame the pipe will deliver. */
  next: number;
  stderr: Promise<string>;
}

/**
 * Open a video as a FrameSource of RGB uint8 frames, with the meta {@link readVideo} gives.
 *
 * @example
 * ```ts
 * const source = await openVideoFrameSource("clip.mp4", { label: "clip.mp4", maxBytes: 2 ** 32, maxFrameBytes: 2 ** 30 });
 * const first = await source.readFrames(0, 10);
 * await source.close();
 * ```
 */
export async function openVideoFrameSource(
  path: string,
  options: ResolvedFrameSourceOptions,
): Promise<FrameSource> {
  const { label, maxBytes } = options;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new ReadError(`${label}: not a regular file`);
  } catch (error) {
    if (error instanceof ReadError) throw error;
    throw new ReadError(`${label}: cannot read (${(error as Error).name})`);
  }
  const ffmpeg = findFfmpeg();
  const found = await probe(ffmpeg, path, label);
  const frameBytes = found.width * found.height * 3;
  checkFrameBytes(frameBytes, options);
  const frames = await countFrames(ffmpeg, path, label);
  if (frames * frameBytes > maxBytes) {
    throw new TooLargeError(
      `${label}: video needs ${formatBytes(frames * frameBytes)} decoded, over the limit of ${
        formatBytes(maxBytes)
      }`,
    );
  }
  const meta: VolumeMeta = {
    format: "video",
    photometric: "RGB",
    bitsStored: 8,
    frameRate: found.frameRate,
    frameTimeMs: found.frameRate ? 1000 / found.frameRate : undefined,
    notes: [`codec ${found.codec}`],
  };
  const serial = serialiser();
  let decoder: Decoder | undefined;
  let closed = false;

  const start = (first: number): Decoder => {
    const select = first > 0 ? ["-vf", `select=gte(n\\,${first})`] : [];
    const child = new Deno.Command(ffmpeg, {
      args: [
        ...["-v", "error", "-nostdin", "-i", path, "-map", "0:v:0", ...select, "-vsync", "passthrough"],
        ...["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return {
      child,
      reader: child.stdout.getReader(),
      leftover: undefined,
      next: first,
      stderr: new Response(child.stderr).text(),
    };
  };

  const failure = async (running: Decoder, fallback: string): Promise<CorruptFileError> => {
    await stop(running);
    const errors = errorLines(await running.stderr).map((line) => cleanFfmpegLine(line, path, label));
    return new CorruptFileError(
      `${label}: ${(await videoFailureReason(path, errors[0] ?? fallback)).reason}`,
    );
  };

  /** After the last frame: the process must end cleanly with nothing on stderr, as readVideo requires. */
  const finish = async (running: Decoder): Promise<void> => {
    // Frames beyond the counted ones (a container whose packet count undercounts) are dropped.
    while (!(await running.reader.read()).done) { /* drain */ }
    const status = await running.child.status;
    const errors = errorLines(await running.stderr).map((line) => cleanFfmpegLine(line, path, label));
    if (!status.success || errors.length > 0) {
      const { reason } = await videoFailureReason(
        path,
        errors[0] ?? `ffmpeg exited with code ${status.code}`,
      );
      throw new CorruptFileError(`${label}: ${reason}`);
    }
  };

  const source: FrameSource = {
    frames,
    rows: found.height,
    cols: found.width,
    channels: 3,
    type: "uint8",
    meta,
    format: "video",
    streaming: true,
    async readFrames(first: number, end: number): Promise<Volume> {
      checkFrameRange(first, end, frames);
      return await serial(async () => {
        if (closed) throw new Error(`${label}: frame source is closed`);
        if (decoder && (first < decoder.next || first - decoder.next > MAX_DRAIN_FRAMES)) {
          await stop(decoder);
          decoder = undefined;
        }
        decoder ??= start(first);
        const running = decoder;
        if (first > running.next) {
          const skipped = new Uint8Array(frameBytes);
          for (; running.next < first; running.next++) {
            if (await fill(running, skipped) < frameBytes) {
              decoder = undefined;
              throw await failure(running, `the stream ended after ${running.next} of ${frames} frames`);
            }
          }
        }
        const data = new Uint8Array((end - first) * frameBytes);
        const filled = await fill(running, data);
        if (filled < data.length) {
          decoder = undefined;
          const got = running.next + Math.floor(filled / frameBytes);
          throw await failure(running, `the stream ended after ${got} of ${frames} frames`);
        }
        running.next = end;
        if (end === frames) {
          decoder = undefined;
          await finish(running);
        }
        return {
          frames: end - first,
          rows: found.height,
          cols: found.width,
          channels: 3,
          data,
          meta: { ...meta },
        };
      });
    },
    close(): Promise<void> {
      return serial(async () => {
        closed = true;
        if (decoder) await stop(decoder);
        decoder = undefined;
      });
    },
  };
  return source;
}

/** Fill `target` from the pipe; returns the bytes filled (short only at the end of the stream). */
async function fill(decoder: Decoder, target: Uint8Array): Promise<number> {
  let filled = 0;
  while (filled < target.length) {
    let chunk = decoder.leftover;
    decoder.leftover = undefined;
    if (!chunk) {
      const { value, done } = await decoder.reader.read();
      if (done) break;
      chunk = value;
    }
    const take = Math.min(chunk.length, target.length - filled);
    target.set(chunk.subarray(0, take), filled);
    filled += take;
    if (take < chunk.length) decoder.leftover = chunk.subarray(take);
  }
  return filled;
}

/** Kill a decoder (if still running) and release its pipes. */
async function stop(decoder: Decoder): Promise<void> {
  try {
    decoder.child.kill("SIGKILL");
  } catch {
    // already exited
  }
  await decoder.reader.cancel().catch(() => {});
  await decoder.child.status;
  await decoder.stderr.catch(() => "");
}

/** Number of video frames, from a demux-only pass (packets of the first video stream). */
async function countFrames(ffmpeg: string, path: string, label: string): Promise<number> {
  const { stderr, success } = await new Deno.Command(ffmpeg, {
    args: ["-hide_banner", "-nostdin", "-i", path, "-map", "0:v:0", "-c", "copy", "-f", "null", "-"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr);
  const counts = [...text.matchAll(/frame=\s*(\d+)/g)];
  const frames = counts.length > 0 ? Number(counts[counts.length - 1][1]) : 0;
  if (!success || frames === 0) {
    const { reason } = await videoFailureReason(
      path,
      "no packets could be read from the video stream",
      "open",
    );
    throw new CorruptFileError(`${label}: ${reason}`);
  }
  return frames;
}

/** Non-empty trimmed lines of ffmpeg's stderr. */
function errorLines(stderr: string): string[] {
  return stderr.split("\n").map((line) => line.trim()).filter((line) => line.length > 0);
}

/** `ffmpeg -i` stream summary, with readVideo's error reasons. */
async function probe(ffmpeg: string, path: string, label: string): Promise<VideoProbe> {
  const { stderr } = await new Deno.Command(ffmpeg, {
    args: ["-hide_banner", "-nostdin", "-i", path],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr);
  if (!/^Input #/m.test(text)) {
    const before = errorLines(text.split(/^Input #/m)[0])
      .filter((line) => !/At least one output file must be specified/.test(line));
    const said = before.map((line) => cleanFfmpegLine(line, path, label)).at(-1);
    throw new CorruptFileError(`${label}: ${(await videoFailureReason(path, said, "open")).reason}`);
  }
  const found = parseProbe(text);
  if (!found) throw await noVideoStream(path, label);
  if (found.width < 1 || found.height < 1) throw new CorruptFileError(`${label}: video frame size is zero`);
  return found;
}
