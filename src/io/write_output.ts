/**
 * Write a processed Volume in the requested container: a frame stack, one DICOM, one MP4 or one NIfTI.
 * @module
 */
import { join } from "node:path";
import type { Manifest } from "../manifest.ts";
import type { ProcessOptions } from "../options.ts";
import { UnsupportedFormatError } from "../errors.ts";
import type { Box, Volume } from "../volume.ts";
import { deidentifyDicom } from "./dicom_write.ts";
import { encodeFrame } from "./image.ts";
import { mapBounded } from "../map_bounded.ts";
import { readNiftiHeader } from "./nifti.ts";
import { writeNifti } from "./nifti_write.ts";
import { writeMp4 } from "./video.ts";

/** Frames encoded at once: sharp encodes on its own threads, so the main thread and a second core stay busy. */
export const ENCODES_IN_FLIGHT = 4;

/** Everything a writer needs besides the pixels. */
export interface WriteRequest {
  dir: string;
  name: string;
  options: ProcessOptions;
  /** The original file's bytes, for header-preserving containers (DICOM, NIfTI). */
  sourceBytes: Uint8Array;
  crop: Box | null;
  textRemoved: boolean;
  /** The input path as the user gave it, for error messages. */
  label: string;
}

/** What was written. */
export interface WriteResult {
  outputs: string[];
  bytes: number;
  format: Manifest["format"];
}

/**
 * Refuse early (before any OCR) a container that needs the source's own header: DICOM from DICOM, NIfTI from NIfTI.
 *
 * @example
 * ```ts
 * assertContainerFits(volume, "dicom", "scan.png"); // throws UnsupportedFormatError for a PNG input
 * ```
 */
export function assertContainerFits(volume: Volume, format: ProcessOptions["format"], label: string): void {
  const needs = format === "dicom" ? "dicom" : format === "nifti" ? "nifti" : null;
  if (needs && volume.meta.format !== needs) {
    throw new UnsupportedFormatError(
      `${label}: --format ${format} is built from the source header and needs a ${needs} input ` +
        `(this is ${volume.meta.format}); use png, jpeg or mp4`,
    );
  }
}

/**
 * Frame file name: `<name>_0000.<ext>`, zero-padded to 4 digits, counting from 0.
 *
 * @example
 * ```ts
 * frameFileName("scan", 7, "jpeg"); // "scan_0007.jpeg"
 * ```
 */
export function frameFileName(name: string, index: number, extension: string): string {
  return `${name}_${String(index).padStart(4, "0")}.${extension}`;
}

/**
 * Write `volume` into `request.dir` in `request.options.format`.
 *
 * @example
 * ```ts
 * const result = await writeVolumeOutputs(volume, { dir: "/tmp/x", name: "scan", options, sourceBytes, crop: null, textRemoved: true });
 * ```
 */
export async function writeVolumeOutputs(volume: Volume, request: WriteRequest): Promise<WriteResult> {
  const { options, dir, name } = request;
  switch (options.format) {
    case "jpeg":
    case "png":
    case "webp":
      return await writeFrameStack(volume, request);
    case "mp4": {
      const file = `${name}.mp4`;
      await writeMp4(volume, join(dir, file), { crf: options.crf, frameRate: volume.meta.frameRate });
      return {
        outputs: [file],
        bytes: (await Deno.stat(join(dir, file))).size,
        format: { container: "mp4", codec: "h264", quality: options.crf, lossless: false, bitDepth: 8 },
      };
    }
    case "dicom": {
      const file = `${name}.dcm`;
      const codec = options.lossless ? "lossless" : options.codec;
      const result = await deidentifyDicom(request.sourceBytes, {
        volume,
        crop: request.crop,
        textRemoved: request.textRemoved,
      }, {
        siteKey: options.siteKey ?? "",
        codec,
        quality: options.quality,
        retainDates: options.retainDates,
        retainDeviceIdentity: options.retainDevice,
        retainPatientCharacteristics: options.retainPatientCharacteristics,
        retainSafePrivate: options.retainSafePrivate,
        sourceName: request.label,
      });
      await Deno.writeFile(join(dir, file), result.bytes);
      const actions = [
        "tag,name,action",
        ...result.actions.map((a) => `${a.tag},${csvCell(a.name)},${a.action}`),
      ];
      await Deno.writeTextFile(join(dir, "header_actions.csv"), actions.join("\n") + "\n");
      return {
        outputs: [file, "header_actions.csv"],
        bytes: result.bytes.length,
        format: {
          container: "dicom",
          codec: result.codec,
          transferSyntax: result.transferSyntax,
          quality: result.lossy ? options.quality : null,
          lossless: !result.lossy,
          bitDepth: bitDepthOf(volume),
        },
      };
    }
    case "nifti": {
      const file = `${name}.nii.gz`;
      const header = readNiftiHeader(request.sourceBytes, { path: request.label });
      const crop = request.crop ?? { x: 0, y: 0 };
      const bytes = writeNifti(volume, header, { gzip: true, cropOffset: { x: crop.x, y: crop.y } });
      await Deno.writeFile(join(dir, file), bytes);
      return {
        outputs: [file],
        bytes: bytes.length,
        format: {
          container: "nifti",
          codec: "gzip",
          quality: null,
          lossless: true,
          bitDepth: bitDepthOf(volume),
        },
      };
    }
  }
}

async function writeFrameStack(volume: Volume, request: WriteRequest): Promise<WriteResult> {
  const { options, dir, name } = request;
  const format = options.format as FrameFormat;
  const frameSize = volume.rows * volume.cols * volume.channels;
  const written = await writeFrameFiles(volume.frames, (index) => ({
    rows: volume.rows,
    cols: volume.cols,
    channels: volume.channels,
    data: volume.data.subarray(index * frameSize, (index + 1) * frameSize),
  }), { dir, name, options });
  const lossless = losslessFrames(options);
  return {
    outputs: written.outputs,
    bytes: written.bytes,
    format: {
      container: format,
      codec: format,
      quality: lossless ? null : options.quality,
      lossless,
      bitDepth: bitDepthOf(volume),
      ...(written.valueOffset ? { valueOffset: written.valueOffset } : {}),
    },
  };
}

/** Image formats of a frame stack. */
export type FrameFormat = "jpeg" | "png" | "webp";

/** One frame's pixels, of any sample type a frame stack stores. */
export type StackFrame = Pick<Volume, "rows" | "cols" | "channels" | "data">;

/**
 * Whether frame stacks under `options` are lossless: PNG always, WebP when asked.
 *
 * @example
 * ```ts
 * losslessFrames(parseProcessOptions({ mode: "us", format: "png" })); // true
 * ```
 */
export function losslessFrames(options: ProcessOptions): boolean {
  return options.format === "png" || (options.format === "webp" && options.lossless);
}

/**
 * Encode `count` frames of a frame stack, ENCODES_IN_FLIGHT at a time, and write frame `first + i` as
 * `name_NNNN.ext` in `dir`. Signed 16-bit samples are stored shifted (see `valueOffset`). The streaming
 * pipeline writes its chunks through this, the whole-file pipeline its volume.
 *
 * @example
 * ```ts
 * const { outputs } = await writeFrameFiles(2, (i) => frames[i], { dir, name: "scan", options }, 16);
 * outputs; // ["scan_0016.jpeg", "scan_0017.jpeg"]
 * ```
 */
export async function writeFrameFiles(
  count: number,
  frameAt: (index: number) => StackFrame,
  target: { dir: string; name: string; options: ProcessOptions },
  first = 0,
): Promise<{ outputs: string[]; bytes: number; valueOffset: number }> {
  const { dir, name, options } = target;
  const format = options.format as FrameFormat;
  const lossless = losslessFrames(options);
  let valueOffset = 0;
  const sizes = await mapBounded(count, ENCODES_IN_FLIGHT, async (index) => {
    const frame = frameAt(index);
    const samples = unsignedSamples(frame.data);
    valueOffset = samples.offset;
    const encoded = await encodeFrame(
      { rows: frame.rows, cols: frame.cols, channels: frame.channels, data: samples.data },
      format,
      { quality: options.quality, lossless },
    );
    await Deno.writeFile(join(dir, frameFileName(name, first + index, format)), encoded);
    return encoded.length;
  });
  return {
    outputs: sizes.map((_, index) => frameFileName(name, first + index, format)),
    bytes: sizes.reduce((sum, size) => sum + size, 0),
    valueOffset,
  };
}

/** PNG has no signed samples: signed 16-bit values are stored as value + 32768, and the manifest says so. */
function unsignedSamples(data: Volume["data"]): { data: Uint8Array | Uint16Array; offset: number } {
  if (data instanceof Uint8Array || data instanceof Uint16Array) return { data, offset: 0 };
  if (data instanceof Int16Array) {
    const shifted = new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) shifted[i] = data[i] + 32768;
    return { data: shifted, offset: 32768 };
  }
  throw new TypeError("float samples must go through the display conversion before a frame stack");
}

function bitDepthOf(volume: Volume): number {
  return volume.data instanceof Uint8Array ? 8 : volume.data instanceof Float32Array ? 32 : 16;
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
