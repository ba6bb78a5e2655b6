/**
 * DICOM reader: bytes → Volume, for native and encapsulated transfer syntaxes, greyscale, RGB, YBR and
 * PALETTE COLOR. Every failure is a LogikError naming the path and the reason, never a header value.
 * @module
 */

import type { DataSet, Element } from "dicom-parser";
import { CorruptFileError, LogikError, TooLargeError, UnsupportedFormatError } from "../../errors.ts";
import { createVolume, type PixelType, type Volume, type VolumeMeta } from "../../volume.ts";
import { codecFor, NATIVE_TRANSFER_SYNTAXES, type PixelCodec } from "./codec_registry.ts";
import type { DecodedFrame } from "./codecs/decoded_frame.ts";
import { toInterleavedRgb } from "./color.ts";
import {
  errorText,
  EXPLICIT_VR_BIG_ENDIAN,
  isParserFailure,
  looksLikeDicom,
  type ParsedDicom,
  parseDicomBytes,
  parserFailure,
} from "./dataset.ts";
import { encapsulatedFrames } from "./encapsulated_frames.ts";
import { describePixels, displayAttributes, type PixelDescription } from "./image_info.ts";
import { applyPalette, type Palette, readPalette } from "./palette.ts";
import { readWords, storedSamples, swapBytePairs, widenTo16 } from "./pixel_samples.ts";

export { looksLikeDicom };

/** Options for readDicom. */
export interface ReadDicomOptions {
  /** Path shown in error messages (the reader never opens it). */
  path: string;
  /** Largest decoded pixel buffer allowed, in bytes; default 4 GiB. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 4 * 2 ** 30;

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

/** Standard transfer syntax UIDs are constants of the standard, not patient data: safe to name. */
function syntaxLabel(transferSyntax: string): string {
  return /^1\.2\.840\.10008\.[0-9.]+$/.test(transferSyntax) ? transferSyntax : "a non-standard UID";
}

/** How a frame ends up in the Volume. */
export interface OutputPlan {
  channels: 1 | 3;
  type: PixelType;
  bytesPerSample: number;
  palette?: Palette;
}

function planOutput(pixels: PixelDescription, dataSet: DataSet, path: string): OutputPlan {
  if (pixels.photometric === "PALETTE COLOR") {
    if (pixels.samplesPerPixel !== 1) {
      throw new UnsupportedFormatError(`${path}: PALETTE COLOR with more than one sample per pixel`);
    }
    let palette: Palette;
    try {
      palette = readPalette(dataSet);
    } catch (error) {
      throw new CorruptFileError(
        `${path}: PALETTE COLOR lookup table unusable (${(error as Error).message})`,
      );
    }
    return { channels: 3, type: "uint8", bytesPerSample: 1, palette };
  }
  const channels = pixels.samplesPerPixel === 3 ? 3 : 1;
  if (pixels.bitsAllocated === 8) {
    return pixels.signed && channels === 1
      ? { channels, type: "int16", bytesPerSample: 2 }
      : { channels, type: "uint8", bytesPerSample: 1 };
  }
  return { channels, type: pixels.signed && channels === 1 ? "int16" : "uint16", bytesPerSample: 2 };
}

function validatePixels(pixels: PixelDescription, path: string): void {
  if (pixels.rows <= 0 || pixels.cols <= 0) {
    throw new CorruptFileError(`${path}: Rows or Columns missing or zero`);
  }
  if (pixels.samplesPerPixel !== 1 && pixels.samplesPerPixel !== 3) {
    throw new UnsupportedFormatError(
      `${path}: ${pixels.samplesPerPixel} samples per pixel (only 1 or 3 supported)`,
    );
  }
  if (pixels.bitsAllocated !== 8 && pixels.bitsAllocated !== 16) {
    throw new UnsupportedFormatError(
      `${path}: BitsAllocated ${pixels.bitsAllocated} is not supported (8 or 16 bits per sample)`,
    );
  }
}

/**
 * Bytes of one native frame; uncompressed YBR_FULL_422 keeps 2 samples per pixel.
 *
 * @example
 * ```ts
 * nativeFrameBytes(plan.pixels); // 1440000 for 800x600 RGB 8-bit
 * ```
 */
export function nativeFrameBytes(pixels: PixelDescription): number {
  const samplesPerPixel = pixels.photometric === "YBR_FULL_422" && pixels.samplesPerPixel === 3
    ? 2
    : pixels.samplesPerPixel;
  return pixels.rows * pixels.cols * samplesPerPixel * (pixels.bitsAllocated / 8);
}

/** Raw frames of native (uncompressed) pixel data, one at a time, after the byte-order fix. */
function nativeFrames(
  dataSet: DataSet,
  pixels: PixelDescription,
  transferSyntax: string,
  path: string,
): Generator<DecodedFrame> {
  const element = dataSet.elements.x7fe00010;
  const frameBytes = nativeFrameBytes(pixels);
  const expected = frameBytes * pixels.frames;
  const inFile = Math.max(0, dataSet.byteArray.length - element.dataOffset);
  const available = Math.min(element.length, inFile);
  if (available < expected) {
    throw new CorruptFileError(`${path}: pixel data has ${available} bytes, ${expected} expected`);
  }
  if (element.length > inFile + 1) {
    // a missing pad byte is tolerated; more means a corrupt length field
    throw new CorruptFileError(
      `${path}: pixel data declares ${element.length} bytes but the file ends after ${inFile}`,
    );
  }
  const bigEndian = transferSyntax === EXPLICIT_VR_BIG_ENDIAN;
  let bytes = dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + expected);
  if (bigEndian && pixels.bitsAllocated === 8 && element.vr === "OW") {
    bytes = swapBytePairs(bytes.slice()); // pairs count from the element start, not the frame start
  }
  return (function* () {
    for (let frame = 0; frame < pixels.frames; frame++) {
      const start = frame * frameBytes;
      // A view, not a copy, when nothing downstream edits samples in place (storedSamples masks
      // high bits in place below 8 bits stored); storeFrame copies into the volume anyway.
      const samples = pixels.bitsAllocated === 8
        ? (pixels.bitsStored >= 8
          ? bytes.subarray(start, start + frameBytes)
          : bytes.slice(start, start + frameBytes))
        : readWords(bytes, start, frameBytes / 2, !bigEndian);
      yield { samples, planar: pixels.planarConfiguration, photometric: pixels.photometric };
    }
  })();
}

/**
 * Turn one decoded frame into output samples and copy it into the volume at `frameIndex`.
 * Returns the output photometric.
 *
 * @example
 * ```ts
 * meta.photometric = storeFrame(decoded, plan.pixels, plan.output, volume, 0);
 * ```
 */
export function storeFrame(
  decoded: DecodedFrame,
  pixels: PixelDescription,
  plan: OutputPlan,
  volume: Volume,
  frameIndex: number,
): string {
  let raw = decoded.samples;
  if (pixels.bitsAllocated === 16 && raw instanceof Uint8Array) raw = widenTo16(raw);
  const frameLength = pixels.rows * pixels.cols * plan.channels;
  const target = frameIndex * frameLength;
  if (plan.palette) {
    const indices = storedSamples(raw, pixels.bitsStored, false);
    const rgb = (volume.data as Uint8Array).subarray(target, target + frameLength);
    applyPalette(indices, plan.palette, rgb);
    return "RGB";
  }
  if (plan.channels === 3) {
    const masked = storedSamples(raw, pixels.bitsStored, false) as Uint8Array | Uint16Array;
    const colour = toInterleavedRgb(masked, {
      photometric: decoded.photometric,
      planar: decoded.planar,
      rows: pixels.rows,
      cols: pixels.cols,
      channels: 3,
      bitsStored: pixels.bitsStored,
    });
    volume.data.set(colour.samples.subarray(0, frameLength), target);
    return colour.photometric;
  }
  volume.data.set(storedSamples(raw, pixels.bitsStored, pixels.signed).subarray(0, frameLength), target);
  return decoded.photometric;
}

function buildMeta(
  dataSet: DataSet,
  pixels: PixelDescription,
  transferSyntax: string,
  preambleless: boolean,
) {
  const display = displayAttributes(dataSet);
  const meta: VolumeMeta = {
    format: "dicom",
    photometric: pixels.photometric,
    sourcePhotometric: pixels.photometric,
    bitsStored: pixels.bitsStored,
    signed: pixels.signed,
    transferSyntax,
    ...display,
  };
  if (meta.windowWidth !== undefined && !(meta.windowWidth > 0)) {
    delete meta.windowWidth;
    delete meta.windowCenter;
  }
  if (meta.frameTimeMs !== undefined) meta.frameRate = 1000 / meta.frameTimeMs;
  if (preambleless) {
    meta.notes = ["no DICOM preamble/File Meta; transfer syntax guessed from the first element"];
  }
  return meta;
}

/**
 * Decode a DICOM file's pixels into a Volume: 8-bit samples as Uint8Array, wider ones as Uint16Array
 * (Int16Array when signed), colour always interleaved RGB, PALETTE COLOR expanded to RGB uint8.
 *
 * @example
 * ```ts
 * const volume = await readDicom(Deno.readFileSync("US1_J2KR.dcm"), { path: "US1_J2KR.dcm" });
 * volume.channels; // 3
 * volume.meta.photometric; // "RGB"
 * ```
 */
export async function readDicom(bytes: Uint8Array, options: ReadDicomOptions): Promise<Volume> {
  try {
    return await decodeDicom(bytes, options);
  } catch (error) {
    // dicom-parser throws plain strings from element reads (DataSet.string past the end of the bytes):
    // they must not leave the reader as an InternalError.
    if (isParserFailure(error)) throw parserFailure(error, bytes, options.path);
    throw error;
  }
}

async function decodeDicom(bytes: Uint8Array, options: ReadDicomOptions): Promise<Volume> {
  const path = options.path;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const parsed = parseDicomBytes(bytes, path, maxBytes);
  const { dataSet, transferSyntax, truncated } = parsed;
  const { element, codec, pixels, output: plan, meta } = planDicomDecode(parsed, path, maxBytes);
  const volume = createVolume({
    frames: pixels.frames,
    rows: pixels.rows,
    cols: pixels.cols,
    channels: plan.channels,
    type: plan.type,
    meta,
  });
  if (!codec) {
    let index = 0;
    for (const frame of nativeFrames(dataSet, pixels, transferSyntax, path)) {
      meta.photometric = storeFrame(frame, pixels, plan, volume, index++);
    }
    return volume;
  }
  if (truncated) {
    throw new CorruptFileError(`${path}: encapsulated pixel data is cut short (the file ends inside it)`);
  }
  if (!element.encapsulatedPixelData) {
    throw new CorruptFileError(
      `${path}: ${codec.name} transfer syntax but the pixel data is not encapsulated`,
    );
  }
  let streams: Uint8Array[];
  try {
    streams = encapsulatedFrames(dataSet, element, pixels.frames);
  } catch (error) {
    throw new CorruptFileError(`${path}: ${errorText(error).slice(0, 200)}`);
  }
  for (let index = 0; index < streams.length; index++) {
    const decoded = await decodeCodedFrame(codec, streams[index], pixels, path, index);
    meta.photometric = storeFrame(decoded, pixels, plan, volume, index);
  }
  return volume;
}

/** The checked decoding plan for a parsed DICOM object: what {@link readDicom} and the frame source share. */
export interface DicomDecodePlan {
  /** The Pixel Data element (7FE0,0010). */
  element: Element;
  /** The codec for encapsulated pixel data; undefined for native pixel data. */
  codec?: PixelCodec;
  pixels: PixelDescription;
  output: OutputPlan;
  /** VolumeMeta before decoding (photometric is updated by {@link storeFrame}). */
  meta: VolumeMeta;
}

/**
 * Check a parsed DICOM header (pixel data present, supported transfer syntax and layout, size within
 * `maxBytes`) and plan its decoding. Throws the same errors as {@link readDicom}.
 *
 * @example
 * ```ts
 * const plan = planDicomDecode(parseDicomBytes(bytes, "a.dcm", 2 ** 32), "a.dcm", 2 ** 32);
 * plan.pixels.frames; // 30
 * ```
 */
export function planDicomDecode(parsed: ParsedDicom, path: string, maxBytes: number): DicomDecodePlan {
  const { dataSet, transferSyntax, preambleless } = parsed;
  const element = dataSet.elements.x7fe00010;
  if (!element) throw new UnsupportedFormatError(`${path}: DICOM object without pixel data (7FE0,0010)`);
  const codec = codecFor(transferSyntax);
  if (!codec && !(transferSyntax in NATIVE_TRANSFER_SYNTAXES)) {
    throw new UnsupportedFormatError(
      `${path}: transfer syntax ${syntaxLabel(transferSyntax)} is not supported`,
    );
  }
  const pixels = describePixels(dataSet);
  validatePixels(pixels, path);
  const plan = planOutput(pixels, dataSet, path);
  const outputBytes = pixels.rows * pixels.cols * pixels.frames * plan.channels * plan.bytesPerSample;
  if (outputBytes > maxBytes) {
    throw new TooLargeError(
      `${path}: ${formatBytes(outputBytes)} of pixels exceeds the limit of ${formatBytes(maxBytes)}`,
    );
  }
  const meta = buildMeta(dataSet, pixels, transferSyntax, preambleless);
  return { element, codec, pixels, output: plan, meta };
}

/**
 * Decode one frame's code stream, mapping decoder failures to a CorruptFileError naming the frame.
 *
 * @example
 * ```ts
 * const decoded = await decodeCodedFrame(codecFor("1.2.840.10008.1.2.4.50")!, stream, pixels, "a.dcm", 0);
 * ```
 */
export async function decodeCodedFrame(
  codec: PixelCodec,
  stream: Uint8Array,
  pixels: PixelDescription,
  path: string,
  index: number,
): Promise<DecodedFrame> {
  try {
    return await codec.decode(stream, pixels);
  } catch (error) {
    if (error instanceof LogikError) throw error;
    const frame = `${path}: ${codec.name} frame ${index}`;
    const problem = codec.structureProblem?.(stream, pixels);
    if (problem) throw new CorruptFileError(`${frame}: ${problem}`);
    // WASM decoders throw bare numbers (exception pointers): there is no message to pass on.
    const said = error instanceof Error ? error.message : typeof error === "string" ? error : undefined;
    if (!codec.dataName) {
      throw new CorruptFileError(
        `${frame} could not be decoded (${(said ?? "no reason given").slice(0, 160)})`,
      );
    }
    const location = codec.dataLocation?.(stream);
    throw new CorruptFileError(
      `${frame}: the ${codec.dataName}${
        location ? ` (${location})` : ""
      } is damaged (markers and headers are sound; decoder: ${(said ?? "no message").slice(0, 120)})`,
    );
  }
}
