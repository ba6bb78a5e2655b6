/**
 * Pixel codecs keyed by transfer syntax UID, one module per codec family (as pydicom's pixels/decoders).
 * @module
 */

import type { FrameDecoder } from "./codecs/decoded_frame.ts";
import { decodeHtj2k } from "./codecs/htj2k.ts";
import { decodeJpeg2000 } from "./codecs/jpeg2000.ts";
import { decodeJpegBaseline } from "./codecs/jpeg_baseline.ts";
import { decodeJpegLossless } from "./codecs/jpeg_lossless.ts";
import { decodeJpegLs } from "./codecs/jpeg_ls.ts";
import { decodeRle } from "./codecs/rle.ts";
import { j2kTileLocation } from "./codecs/j2k_structure.ts";
import {
  htj2kStreamProblem,
  j2kStreamProblem,
  jpegScanLocation,
  jpegStreamProblem,
  type StreamProblem,
} from "./codecs/stream_problem.ts";

/** A registered codec: a readable name for messages and its frame decoder. */
export interface PixelCodec {
  name: string;
  decode: FrameDecoder;
  /** Names the broken structure of a stream the decoder rejected (decoders' own messages are bare). */
  structureProblem?: StreamProblem;
  /** What holds the compressed samples, for when the structure is sound but decoding still fails. */
  dataName?: string;
  /** Where that data sits in a stream whose structure is sound (byte offsets), for the same reason. */
  dataLocation?: (stream: Uint8Array) => string | undefined;
}

/** Transfer syntaxes whose pixel data is stored as plain samples. */
export const NATIVE_TRANSFER_SYNTAXES: Readonly<Record<string, string>> = {
  "1.2.840.10008.1.2": "Implicit VR Little Endian",
  "1.2.840.10008.1.2.1": "Explicit VR Little Endian",
  "1.2.840.10008.1.2.1.99": "Deflated Explicit VR Little Endian",
  "1.2.840.10008.1.2.2": "Explicit VR Big Endian",
};

const SCAN_DATA = "entropy-coded scan data";
const TILE_DATA = "tile data (code-blocks)";
const jpegBaseline: PixelCodec = {
  name: "JPEG Baseline/Extended",
  decode: decodeJpegBaseline,
  structureProblem: jpegStreamProblem("JPEG"),
  dataName: SCAN_DATA,
  dataLocation: jpegScanLocation("JPEG"),
};
const jpegLossless: PixelCodec = {
  name: "JPEG Lossless",
  decode: decodeJpegLossless,
  structureProblem: jpegStreamProblem("JPEG"),
  dataName: SCAN_DATA,
  dataLocation: jpegScanLocation("JPEG"),
};
const jpegLs: PixelCodec = {
  name: "JPEG-LS",
  decode: decodeJpegLs,
  structureProblem: jpegStreamProblem("JPEG-LS"),
  dataName: SCAN_DATA,
  dataLocation: jpegScanLocation("JPEG-LS"),
};
const jpeg2000: PixelCodec = {
  name: "JPEG 2000",
  decode: decodeJpeg2000,
  structureProblem: j2kStreamProblem,
  dataName: TILE_DATA,
  dataLocation: j2kTileLocation,
};
const htj2k: PixelCodec = {
  name: "HTJ2K",
  decode: decodeHtj2k,
  structureProblem: htj2kStreamProblem,
  dataName: TILE_DATA,
  dataLocation: j2kTileLocation,
};
const rle: PixelCodec = { name: "RLE Lossless", decode: decodeRle };

const CODECS: Readonly<Record<string, PixelCodec>> = {
  "1.2.840.10008.1.2.4.50": jpegBaseline,
  "1.2.840.10008.1.2.4.51": jpegBaseline,
  "1.2.840.10008.1.2.4.57": jpegLossless,
  "1.2.840.10008.1.2.4.70": jpegLossless,
  "1.2.840.10008.1.2.4.80": jpegLs,
  "1.2.840.10008.1.2.4.81": jpegLs,
  "1.2.840.10008.1.2.4.90": jpeg2000,
  "1.2.840.10008.1.2.4.91": jpeg2000,
  "1.2.840.10008.1.2.4.201": htj2k,
  "1.2.840.10008.1.2.4.202": htj2k,
  "1.2.840.10008.1.2.4.203": htj2k,
  "1.2.840.10008.1.2.5": rle,
};

/**
 * The codec for an encapsulated transfer syntax, or undefined (native syntaxes have none).
 *
 * @example
 * ```ts
 * codecFor("1.2.840.10008.1.2.4.90")?.name; // "JPEG 2000"
 * ```
 */
export function codecFor(transferSyntax: string): PixelCodec | undefined {
  return CODECS[transferSyntax];
}

/**
 * Every transfer syntax the reader decodes, native and encapsulated.
 *
 * @example
 * ```ts
 * supportedTransferSyntaxes().includes("1.2.840.10008.1.2.5"); // true
 * ```
 */
export function supportedTransferSyntaxes(): string[] {
  return [...Object.keys(NATIVE_TRANSFER_SYNTAXES), ...Object.keys(CODECS)];
}
