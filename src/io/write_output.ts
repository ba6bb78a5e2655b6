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
  const format = options.format as "jpeg" | "png" | "webp";
  const lossless = format === "png" || (format === "webp" && options.lossless);
  const samples = unsignedSamples(volume.data);
  const frameSize = volume.rows * volume.cols * volume.channels;
  const sizes = await mapBounded(volume.frames, ENCODES_IN_FLIGHT, async (index) => {
    const frame = {
      rows: volume.rows,
      cols: volume.cols,
      channels: volume.channels,
      data: samples.data.subarray(index * frameSize, (index + 1) * frameSize),
    };
    const encoded = await encodeFrame(frame, format, { quality: options.quality, lossless });
    await Deno.writeFile(join(dir, frameFileName(name, index, format)), encoded);
    return encoded.length;
  });
  const outputs = sizes.map((_, index) => frameFileName(name, index, format));
  const bytes = sizes.reduce((sum, size) => sum + size, 0);
  return {
    outputs,
    bytes,
    format: {
      container: format,
      codec: format,
      quality: lossless ? null : options.quality,
      lossless,
      bitDepth: bitDepthOf(volume),
      ...(samples.offset ? { valueOffset: samples.offset } : {}),
    },
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
