/**
 * Pixel Data for a DICOM output, one codec per transfer syntax: HTJ2K lossless, JPEG-LS lossless,
 * JPEG baseline, or uncompressed Explicit VR Little Endian; "lossless" picks the smaller of the two
 * lossless codecs on a sample of frames.
 * @module
 */

import { frameView, type Volume } from "../../volume.ts";
import { bitsNeeded, frameBytes } from "./frame_bits.ts";
import { encodeHtj2k, type FrameShape } from "./htj2k.ts";
import { encodeJpegLs } from "./jpegls.ts";
import { encodeJpegBaseline } from "./jpeg_baseline.ts";

/** Codec names accepted by the DICOM writer. */
export type DicomCodec = "htj2k" | "jpegls" | "jpeg" | "raw";

/** Transfer syntax UID of each codec. */
export const TRANSFER_SYNTAX: Record<DicomCodec, string> = {
  htj2k: "1.2.840.10008.1.2.4.201",
  jpegls: "1.2.840.10008.1.2.4.80",
  jpeg: "1.2.840.10008.1.2.4.50",
  raw: "1.2.840.10008.1.2.1",
};

/** Encoded pixels plus the image attributes that depend on the encoding. */
export interface EncodedPixelData {
  codec: DicomCodec;
  transferSyntax: string;
  /** One codestream per frame when encapsulated; a single (even-length) buffer when raw. */
  fragments: Uint8Array[];
  encapsulated: boolean;
  /** Photometric Interpretation of the stored data. */
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  lossy: boolean;
  /** Bytes of the samples before encoding, for the compression ratio. */
  rawBytes: number;
}

/**
 * Encode every frame of an 8/16-bit, 1/3-channel Volume.
 * `photometric` is the greyscale interpretation to keep (MONOCHROME1/2, PALETTE COLOR); colour is RGB in.
 *
 * @example
 * ```ts
 * const volume = createVolume({ frames: 1, rows: 8, cols: 8, channels: 1, type: "uint8", meta: { format: "image" } });
 * const encoded = await encodePixelData(volume, "htj2k", { photometric: "MONOCHROME2" });
 * encoded.transferSyntax; // "1.2.840.10008.1.2.4.201"
 * ```
 */
export async function encodePixelData(
  volume: Volume,
  codec: DicomCodec | "lossless",
  options: { quality?: number; photometric?: string; bitsStored?: number } = {},
): Promise<EncodedPixelData> {
  if (volume.data instanceof Float32Array) {
    throw new TypeError("DICOM output needs 8- or 16-bit integer samples");
  }
  const bitsAllocated = volume.data instanceof Uint8Array ? 8 : 16;
  const signed = volume.data instanceof Int16Array;
  const bitsStored = bitsNeeded(volume.data, options.bitsStored ?? bitsAllocated);
  const shape: FrameShape = {
    rows: volume.rows,
    cols: volume.cols,
    channels: volume.channels,
    bitsStored,
    signed,
  };
  const grey = options.photometric && volume.channels === 1 ? options.photometric : "MONOCHROME2";
  const base = { bitsAllocated, bitsStored, signed, rawBytes: volume.data.byteLength };
  const chosen = codec === "lossless" ? await smallerLossless(volume, shape) : codec;
  if (chosen === "raw") {
    const bytes = frameBytes(volume.data);
    const even = bytes.length % 2 === 0 ? bytes.slice() : padEven(bytes);
    return {
      ...base,
      codec: chosen,
      transferSyntax: TRANSFER_SYNTAX.raw,
      fragments: [even],
      encapsulated: false,
      photometric: volume.channels === 3 ? "RGB" : grey,
      lossy: false,
    };
  }
  if (chosen === "jpeg" && bitsAllocated !== 8) {
    throw new TypeError("JPEG baseline output needs 8-bit samples");
  }
  const fragments: Uint8Array[] = [];
  for (let index = 0; index < volume.frames; index++) {
    fragments.push(await encodeFrame(chosen, frameView(volume, index), shape, options.quality ?? 95));
  }
  const photometric = volume.channels === 1
    ? grey
    : chosen === "htj2k"
    ? "YBR_RCT"
    : chosen === "jpeg"
    ? "YBR_FULL"
    : "RGB";
  return {
    ...base,
    bitsStored: chosen === "jpeg" ? 8 : bitsStored,
    codec: chosen,
    transferSyntax: TRANSFER_SYNTAX[chosen],
    fragments,
    encapsulated: true,
    photometric,
    lossy: chosen === "jpeg",
  };
}

function encodeFrame(
  codec: "htj2k" | "jpegls" | "jpeg",
  samples: Volume["data"],
  shape: FrameShape,
  quality: number,
): Promise<Uint8Array> {
  if (codec === "htj2k") return encodeHtj2k(samples, shape);
  if (codec === "jpegls") return encodeJpegLs(samples, shape);
  return encodeJpegBaseline(samples, shape, quality);
}

function padEven(bytes: Uint8Array): Uint8Array {
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  return padded;
}

/** HTJ2K or JPEG-LS, whichever is smaller on up to three evenly spread frames. */
async function smallerLossless(volume: Volume, shape: FrameShape): Promise<"htj2k" | "jpegls"> {
  const picks = [...new Set([0, Math.floor(volume.frames / 2), volume.frames - 1])];
  let htj2kBytes = 0, jpeglsBytes = 0;
  for (const index of picks) {
    const samples = frameView(volume, index);
    htj2kBytes += (await encodeHtj2k(samples, shape)).length;
    jpeglsBytes += (await encodeJpegLs(samples, shape)).length;
  }
  return jpeglsBytes < htj2kBytes ? "jpegls" : "htj2k";
}
