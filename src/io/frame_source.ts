/**
 * Streaming frame sources: open a file once, then decode any range of its frames on demand, so a
 * two-pass pipeline holds a few frames in memory instead of the whole file. DICOM (native and
 * encapsulated), video (ffmpeg pipe) and NIfTI (.nii by seek, .nii.gz by streamed inflate) stream;
 * still images, Deflated DICOM and unsniffable files are read whole and served from memory.
 * @module
 */
import { TooLargeError } from "../errors.ts";
import { type PixelType, pixelType, type Volume, type VolumeMeta } from "../volume.ts";
import { openDicomFrameSource } from "./dicom/dicom_frame_source.ts";
import { openNiftiFrameSource } from "./nifti_frame_source.ts";
import {
  decodeVolume,
  DEFAULT_MAX_BYTES,
  fileSystemError,
  openInputFile,
  readInputBytes,
  sniffFormat,
} from "./read.ts";

export { openInputFile };
import { openVideoFrameSource } from "./video_frame_source.ts";

/** Default refusal threshold for one decoded frame (or one compressed frame): 1 GiB. */
export const DEFAULT_MAX_FRAME_BYTES = 2 ** 30;

/** Bytes read from the start of a file to sniff its format. */
const SNIFF_BYTES = 64 * 1024;

/** A file's frames, decoded on demand. Calls are serialised: one read at a time per source. */
export interface FrameSource {
  /** Number of frames (DICOM NumberOfFrames, video frames, NIfTI nz × nt × ...). */
  frames: number;
  rows: number;
  cols: number;
  channels: 1 | 3;
  /** Sample type of every Volume that readFrames returns. */
  type: PixelType;
  /** The same meta the whole-file reader gives (photometric after colour conversion). */
  meta: VolumeMeta;
  /** Which reader serves the frames. */
  format: VolumeMeta["format"];
  /** False when the file was read whole (still images, Deflated DICOM, unsniffable files). */
  streaming: boolean;
  /**
   * Decode frames [start, end) into a new Volume holding only those frames (frames = end - start).
   * Ranges that move forwards are cheapest; see each format's notes for the cost of going back.
   */
  readFrames(start: number, end: number): Promise<Volume>;
  /** Release the file handle or decoder process. Safe to call twice. */
  close(): Promise<void>;
}

/** Options for {@link openFrameSource}. */
export interface FrameSourceOptions {
  /** The path as the user gave it: the only identifying thing an error may mention. */
  label?: string;
  /** Refuse inputs whose declared decoded pixels exceed this many bytes (default 4 GiB). */
  maxBytes?: number;
  /** Refuse inputs whose single decoded (or compressed) frame exceeds this many bytes (default 1 GiB). */
  maxFrameBytes?: number;
}

/** Options after defaults, as each format's opener receives them. */
export interface ResolvedFrameSourceOptions {
  label: string;
  maxBytes: number;
  maxFrameBytes: number;
}

/**
 * Open any supported file as a FrameSource. The format is sniffed from the first bytes as
 * {@link sniffFormat} does. Errors are the whole-file readers' (CorruptFileError, TooLargeError,
 * UnsupportedFormatError, ReadError) naming `label`.
 *
 * @example
 * ```ts
 * const source = await openFrameSource("../shared/data/public/dicom/examples_ybr_color.dcm", {});
 * try {
 *   for (let frame = 0; frame < source.frames; frame++) {
 *     const one = await source.readFrames(frame, frame + 1); // one 240x320 RGB frame
 *   }
 * } finally {
 *   await source.close();
 * }
 * ```
 */
export async function openFrameSource(path: string, options: FrameSourceOptions = {}): Promise<FrameSource> {
  const resolved: ResolvedFrameSourceOptions = {
    label: options.label ?? path,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
  };
  const head = await readHead(path, resolved.label);
  switch (sniffFormat(head)) {
    case "dicom":
      return await openDicomFrameSource(path, resolved);
    case "nifti":
      return await openNiftiFrameSource(path, resolved);
    case "video":
      return await openVideoFrameSource(path, resolved);
    default: {
      // Still images are one frame; unsniffable files go through the whole-file DICOM attempt.
      const bytes = await readInputBytes(path, resolved.label);
      const volume = await decodeVolume(bytes, path, { label: resolved.label, maxBytes: resolved.maxBytes });
      return memoryFrameSource(volume, resolved);
    }
  }
}

/**
 * Serve an in-memory Volume as a FrameSource (each readFrames returns a copy of the range).
 *
 * @example
 * ```ts
 * const source = memoryFrameSource(volume, { label: "a.png", maxBytes: 2 ** 32, maxFrameBytes: 2 ** 30 });
 * (await source.readFrames(0, 1)).frames; // 1
 * ```
 */
export function memoryFrameSource(volume: Volume, options: ResolvedFrameSourceOptions): FrameSource {
  const frameSamples = volume.rows * volume.cols * volume.channels;
  checkFrameBytes(frameSamples * volume.data.BYTES_PER_ELEMENT, options);
  return {
    frames: volume.frames,
    rows: volume.rows,
    cols: volume.cols,
    channels: volume.channels,
    type: pixelType(volume.data),
    meta: volume.meta,
    format: volume.meta.format,
    streaming: false,
    async readFrames(start: number, end: number): Promise<Volume> {
      checkFrameRange(start, end, volume.frames);
      await Promise.resolve();
      return {
        ...volume,
        frames: end - start,
        data: volume.data.slice(start * frameSamples, end * frameSamples),
        meta: { ...volume.meta },
      };
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Throw a RangeError unless [start, end) is a non-empty whole-number range inside [0, frames).
 *
 * @example
 * ```ts
 * checkFrameRange(0, 1, 30); // ok
 * checkFrameRange(5, 5, 30); // RangeError
 * ```
 */
export function checkFrameRange(start: number, end: number, frames: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > frames) {
    throw new RangeError(`readFrames(${start}, ${end}): need 0 <= start < end <= ${frames}`);
  }
}

/**
 * Throw a TooLargeError when one frame exceeds `maxFrameBytes`.
 *
 * @example
 * ```ts
 * checkFrameBytes(1_440_000, { label: "a.dcm", maxBytes: 2 ** 32, maxFrameBytes: 2 ** 20 }); // throws
 * ```
 */
export function checkFrameBytes(frameBytes: number, options: ResolvedFrameSourceOptions): void {
  if (frameBytes > options.maxFrameBytes) {
    throw new TooLargeError(
      `${options.label}: one frame needs ${formatBytes(frameBytes)}, over the frame limit of ${
        formatBytes(options.maxFrameBytes)
      }`,
    );
  }
}

/**
 * Human-readable byte count for messages.
 *
 * @example
 * ```ts
 * formatBytes(3 * 2 ** 30); // "3.0 GiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

/**
 * Read up to `length` bytes at `position` (fewer only at the end of the file), into `scratch` when it
 * is large enough (the result is then a view of it), else into a new buffer.
 *
 * @example
 * ```ts
 * const preamble = await readAt(file, 0, 132);
 * ```
 */
export async function readAt(
  file: Deno.FsFile,
  position: number,
  length: number,
  scratch?: Uint8Array,
): Promise<Uint8Array> {
  const buffer = scratch && scratch.length >= length ? scratch.subarray(0, length) : new Uint8Array(length);
  await file.seek(position, Deno.SeekMode.Start);
  let filled = 0;
  while (filled < length) {
    const count = await file.read(buffer.subarray(filled));
    if (count === null) break;
    filled += count;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/**
 * Synchronous {@link readAt}, for many tiny reads (an async op per 16-byte read costs more than the read).
 *
 * @example
 * ```ts
 * const itemHeader = readAtSync(file, 1024, 8);
 * ```
 */
export function readAtSync(file: Deno.FsFile, position: number, length: number): Uint8Array {
  const buffer = new Uint8Array(length);
  file.seekSync(position, Deno.SeekMode.Start);
  let filled = 0;
  while (filled < length) {
    const count = file.readSync(buffer.subarray(filled));
    if (count === null) break;
    filled += count;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/**
 * Run async calls one after another, so seek+read pairs on one handle never interleave.
 *
 * @example
 * ```ts
 * const serial = serialiser();
 * await serial(() => readAt(file, 0, 10));
 * ```
 */
export function serialiser(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task, task);
    tail = result.catch(() => {});
    return result;
  };
}

async function readHead(path: string, label: string): Promise<Uint8Array> {
  const { file } = await openInputFile(path, label);
  try {
    return await readAt(file, 0, SNIFF_BYTES);
  } catch (error) {
    throw fileSystemError(error, label);
  } finally {
    file.close();
  }
}
