/**
 * Still images through sharp: JPEG, PNG, TIFF, BMP and WebP in as one-frame Volumes, and the
 * JPEG/PNG/WebP frame encoders used by the image-stack writers.
 * @module
 */
import sharp, { type Metadata, type OutputInfo } from "sharp";
import { CorruptFileError, TooLargeError, UnsupportedFormatError } from "../errors.ts";
import type { Volume } from "../volume.ts";
import { jpegStructure } from "./jpeg_structure.ts";
import { pngStructureProblem } from "./png_structure.ts";

/** Default refusal threshold for the decoded pixels: 4 GiB. */
export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;
/** Default JPEG/WebP quality: PyLogik silently used 75; we state 95. */
export const DEFAULT_QUALITY = 95;

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);
const ascii = (text: string) => Array.from(text, (char) => char.charCodeAt(0));

/** Known BMP DIB header sizes: "BM" alone is too weak a signature. */
const BMP_DIB_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

/**
 * True for JPEG, PNG, TIFF, BMP and WebP signatures. Dual DICOM/TIFF files (a TIFF header in the
 * DICOM preamble, "DICM" at 128) are left to the DICOM reader.
 *
 * @example
 * ```ts
 * looksLikeImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])); // true
 * ```
 */
export function looksLikeImage(bytes: Uint8Array): boolean {
  if (startsWith(bytes, ascii("DICM"), 128)) return false;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return true;
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return true;
  if (startsWith(bytes, ascii("II*\0")) || startsWith(bytes, ascii("MM\0*"))) return true;
  if (startsWith(bytes, ascii("II+\0")) || startsWith(bytes, ascii("MM\0+"))) return true; // BigTIFF
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return true;
  if (startsWith(bytes, ascii("BM")) && bytes.length >= 18) {
    const dibSize = new DataView(bytes.buffer, bytes.byteOffset).getUint32(14, true);
    return BMP_DIB_SIZES.has(dibSize);
  }
  return false;
}

/** Options for {@link readImage}. */
export interface ImageReadOptions {
  /** Path used in error messages. */
  path: string;
  /** Refuse images whose decoded pixels exceed this many bytes (default 4 GiB). */
  maxBytes?: number;
}

/** sharp's message, first line only: it names the decoder problem, never image content. */
function sharpReason(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0].trim();
}

/**
 * Why sharp refused an image, naming the chunk, segment or field that is broken: libvips says little
 * more than "libpng read error", so PNG and JPEG files are walked for the first structural problem.
 */
function decodeFailure(
  bytes: Uint8Array,
  path: string,
  stage: "header" | "data",
  error: unknown,
): CorruptFileError {
  const said = sharpReason(error).replace(/^Input buffer has corrupt header:\s*/, "");
  const isPng = startsWith(bytes, [0x89, 0x50, 0x4e, 0x47]);
  const isJpeg = startsWith(bytes, [0xff, 0xd8, 0xff]);
  const problem = isPng ? pngStructureProblem(bytes) : isJpeg ? jpegStructure(bytes).problem : undefined;
  if (problem) return new CorruptFileError(`${path}: ${problem}`);
  // sharp fails on libvips warnings too (failOn "warning"): the data is damaged but the decoder kept going.
  const reason = /failOn/.test(said)
    ? "the decoder reported damaged data"
    : said || "the decoder gave no reason";
  const part = isPng
    ? "PNG image data (IDAT) could not be decoded although the chunks are sound"
    : isJpeg
    ? "JPEG entropy-coded scan data is damaged (the marker segments are sound)"
    : `image ${stage === "header" ? "header" : "data"} cannot be decoded`;
  return new CorruptFileError(`${path}: ${part}: ${reason}`);
}

/**
 * Decode a still image into a one-frame Volume: grey → 1 channel, colour → 3 channels (alpha
 * flattened onto black), 8-bit → Uint8Array, 16-bit → Uint16Array. EXIF orientation is applied,
 * since the output carries no EXIF. Multi-page files give their first page.
 *
 * @example
 * ```ts
 * const volume = await readImage(Deno.readFileSync("frame.png"), { path: "frame.png" });
 * volume.frames; // 1
 * ```
 */
export async function readImage(bytes: Uint8Array, options: ImageReadOptions): Promise<Volume> {
  const { path } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (startsWith(bytes, ascii("BM")) && looksLikeImage(bytes)) return decodeBmp(bytes, path, maxBytes);
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    if (!looksLikeImage(bytes)) throw new UnsupportedFormatError(`${path}: not an image sharp can read`);
    throw decodeFailure(bytes, path, "header", error);
  }
  const { width, height } = metadata;
  if (!width || !height) throw new CorruptFileError(`${path}: image has no size`);
  const grey = metadata.space === "b-w" || metadata.space === "grey16";
  const wide = metadata.depth !== undefined && metadata.depth !== "uchar" && metadata.depth !== "char";
  const channels = grey ? 1 : 3;
  const needed = width * height * channels * (wide ? 2 : 1);
  if (needed > maxBytes) {
    throw new TooLargeError(`${path}: image needs ${needed} bytes decoded, over the limit of ${maxBytes}`);
  }

  let pipeline = sharp(bytes, { limitInputPixels: false }).autoOrient();
  if (metadata.hasAlpha) pipeline = pipeline.flatten({ background: { r: 0, g: 0, b: 0 } });
  pipeline = pipeline.toColourspace(grey ? (wide ? "grey16" : "b-w") : (wide ? "rgb16" : "srgb"));
  let decoded: { data: Uint8Array; info: OutputInfo };
  try {
    decoded = await pipeline.raw({ depth: wide ? "ushort" : "uchar" }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeFailure(bytes, path, "data", error);
  }
  const { info } = decoded;
  const samples = wide
    ? new Uint16Array(decoded.data.buffer.slice(decoded.data.byteOffset, decoded.data.byteOffset + info.size))
    : new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, info.size);
  const notes = [`${metadata.format}`];
  if ((metadata.pages ?? 1) > 1) notes.push(`first of ${metadata.pages} pages`);
  if ((metadata.orientation ?? 1) > 1) notes.push("exif orientation applied");
  return {
    frames: 1,
    rows: info.height,
    cols: info.width,
    channels,
    data: info.channels === channels ? samples : dropExtraChannels(samples, info.channels, channels),
    meta: {
      format: "image",
      photometric: grey ? "MONOCHROME2" : "RGB",
      bitsStored: wide ? 16 : 8,
      notes,
    },
  };
}

/** Masks of BI_BITFIELDS / defaults for 16- and 32-bit BMPs, as [shift, bits] per R, G, B. */
function maskShape(mask: number): [number, number] {
  if (mask === 0) return [0, 0];
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (((mask >>> (shift + bits)) & 1) === 1) bits++;
  return [shift, bits];
}

/**
 * Uncompressed Windows BMP (1/4/8-bit palette, 16/24/32-bit, BI_RGB or BI_BITFIELDS): sharp's
 * prebuilt libvips has no BMP loader. Palettes of greys give 1 channel.
 */
function decodeBmp(bytes: Uint8Array, path: string, maxBytes: number): Volume {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 26) throw new CorruptFileError(`${path}: truncated BMP header`);
  const dataOffset = view.getUint32(10, true);
  const dibSize = view.getUint32(14, true);
  if (bytes.length < 14 + dibSize) throw new CorruptFileError(`${path}: truncated BMP header`);
  const core = dibSize === 12;
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const signedHeight = core ? view.getInt16(20, true) : view.getInt32(22, true);
  const bitCount = view.getUint16(core ? 24 : 28, true);
  const compression = core ? 0 : view.getUint32(30, true);
  const height = Math.abs(signedHeight);
  if (width < 1 || height < 1) throw new CorruptFileError(`${path}: BMP size is zero or negative`);
  if (compression !== 0 && compression !== 3) {
    throw new UnsupportedFormatError(`${path}: compressed (RLE/JPEG/PNG) BMP is not supported`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bitCount)) {
    throw new CorruptFileError(`${path}: BMP bit count is invalid`);
  }
  const paletteSize = bitCount <= 8 ? (core ? 0 : view.getUint32(46, true)) || 2 ** bitCount : 0;
  const paletteStart = 14 + dibSize + (compression === 3 && dibSize === 40 ? 12 : 0);
  const entryBytes = core ? 3 : 4;
  if (paletteStart + paletteSize * entryBytes > bytes.length) {
    throw new CorruptFileError(`${path}: truncated BMP palette`);
  }
  const palette = Array.from({ length: paletteSize }, (_, i) => {
    const at = paletteStart + i * entryBytes;
    return [bytes[at + 2], bytes[at + 1], bytes[at]];
  });
  const grey = bitCount <= 8 && palette.every(([r, g, b]) => r === g && g === b);
  const channels = grey ? 1 : 3;
  if (width * height * channels > maxBytes) {
    throw new TooLargeError(
      `${path}: image needs ${width * height * channels} bytes decoded, over the limit of ${maxBytes}`,
    );
  }
  const rowBytes = Math.ceil((width * bitCount) / 32) * 4;
  if (dataOffset + rowBytes * height > bytes.length) {
    throw new CorruptFileError(`${path}: truncated: BMP pixel data runs past the end of the file`);
  }
  const defaultMasks = bitCount === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  const masks = compression === 3 && !core
    ? [0, 4, 8].map((o) => view.getUint32(54 + o, true))
    : defaultMasks;
  const shapes = masks.map(maskShape);
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (signedHeight > 0 ? height - 1 - y : y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const target = (y * width + x) * channels;
      if (bitCount <= 8) {
        const bitOffset = x * bitCount;
        const index = (bytes[row + (bitOffset >> 3)] >> (8 - bitCount - (bitOffset & 7))) &
          ((1 << bitCount) - 1);
        const colour = palette[index] ?? [0, 0, 0];
        if (grey) out[target] = colour[0];
        else out.set(colour, target);
      } else if (bitCount === 24) {
        const at = row + x * 3;
        out[target] = bytes[at + 2];
        out[target + 1] = bytes[at + 1];
        out[target + 2] = bytes[at];
      } else {
        const value = bitCount === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        shapes.forEach(([shift, bits], channel) => {
          const max = 2 ** bits - 1;
          out[target + channel] = bits === 0 ? 0 : Math.round((((value >>> shift) & max) * 255) / max);
        });
      }
    }
  }
  return {
    frames: 1,
    rows: height,
    cols: width,
    channels,
    data: out,
    meta: { format: "image", photometric: grey ? "MONOCHROME2" : "RGB", bitsStored: 8, notes: ["bmp"] },
  };
}

/** Keep the first `keep` of `stride` interleaved channels (a leftover alpha band). */
function dropExtraChannels<T extends Uint8Array | Uint16Array>(samples: T, stride: number, keep: number): T {
  const pixels = samples.length / stride;
  const out = new (samples.constructor as new (length: number) => T)(pixels * keep);
  for (let pixel = 0; pixel < pixels; pixel++) {
    for (let channel = 0; channel < keep; channel++) {
      out[pixel * keep + channel] = samples[pixel * stride + channel];
    }
  }
  return out;
}

/** A single interleaved frame to encode: 8-bit, or 16-bit for PNG. */
export interface EncodableFrame {
  rows: number;
  cols: number;
  channels: 1 | 3;
  data: Uint8Array | Uint16Array;
}

/** Options for {@link encodeFrame}. */
export interface EncodeOptions {
  /** JPEG/WebP quality 1..100 (default 95); ignored for PNG and lossless WebP. */
  quality?: number;
  /** WebP: lossless mode. PNG: maximum compression effort (PNG is always lossless). */
  lossless?: boolean;
  /**
   * Lossless WebP effort 0..6, default 2: on 320×240 echo frames sharp's default 4 took ~3× longer
   * for a file only ~4% smaller.
   */
  webpEffort?: number;
}

/**
 * Encode one frame as JPEG (stated quality, default 95, 4:2:0), PNG (8- or 16-bit) or WebP (lossy or
 * lossless). No metadata is written. 16-bit frames are accepted for PNG only.
 *
 * @example
 * ```ts
 * const png = await encodeFrame({ rows: 2, cols: 2, channels: 1, data: new Uint16Array(4) }, "png", {});
 * ```
 */
export async function encodeFrame(
  frame: EncodableFrame,
  format: "jpeg" | "png" | "webp",
  options: EncodeOptions = {},
): Promise<Uint8Array> {
  const wide = frame.data instanceof Uint16Array;
  if (wide && format !== "png") {
    throw new TypeError(`encodeFrame: ${format} needs 8-bit samples; use png for 16-bit`);
  }
  if (frame.data.length !== frame.rows * frame.cols * frame.channels) {
    throw new RangeError("encodeFrame: data length does not match rows × cols × channels");
  }
  const quality = Math.round(options.quality ?? DEFAULT_QUALITY);
  if (!(quality >= 1 && quality <= 100)) {
    throw new RangeError("encodeFrame: quality must be between 1 and 100");
  }
  const grey = frame.channels === 1;
  const image = sharp(frame.data, {
    raw: { width: frame.cols, height: frame.rows, channels: frame.channels },
  })
    .toColourspace(grey ? (wide ? "grey16" : "b-w") : (wide ? "rgb16" : "srgb"));
  const encoded = format === "jpeg"
    ? image.jpeg({ quality, chromaSubsampling: "4:2:0" })
    : format === "png"
    ? image.png(options.lossless ? { compressionLevel: 9, adaptiveFiltering: true } : { compressionLevel: 6 })
    : image.webp(options.lossless ? { lossless: true, effort: options.webpEffort ?? 2 } : { quality });
  const buffer = await encoded.toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
