/**
 * The shape every pixel codec returns, and the request it receives.
 * @module
 */

import type { PixelDescription } from "../image_info.ts";

/** One decoded frame, samples as unsigned bit patterns (sign handling happens later, for all codecs alike). */
export interface DecodedFrame {
  /** 8-bit samples for BitsAllocated 8, 16-bit words otherwise. */
  samples: Uint8Array | Uint16Array;
  /** Layout of multi-sample pixels in `samples`: 0 interleaved, 1 one plane per sample. */
  planar: 0 | 1;
  /** Photometric interpretation of `samples` (a codec may already have turned YCbCr into RGB). */
  photometric: string;
}

/** A decoder for one transfer-syntax family. */
/** WASM-backed decoders are async (module start-up); pure-JS ones return directly. */
export type FrameDecoder = (
  encoded: Uint8Array,
  pixels: PixelDescription,
) => DecodedFrame | Promise<DecodedFrame>;

/**
 * Copy bytes written by a decoder into 16-bit little-endian words (WASM heap views must not escape).
 *
 * @example
 * ```ts
 * wordsFromBytes(new Uint8Array([1, 0, 0, 1])); // Uint16Array [1, 256]
 * ```
 */
export function wordsFromBytes(bytes: Uint8Array): Uint16Array {
  const words = new Uint16Array(bytes.length >> 1);
  new Uint8Array(words.buffer).set(bytes.subarray(0, words.length * 2));
  return words;
}

/** What the cornerstone WASM decoders (OpenJPEG, OpenJPH, CharLS) have in common. */
export interface CornerstoneDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { bitsPerSample: number; componentCount: number };
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}

/**
 * Decode `encoded` with a fresh cornerstone decoder and free it: the samples are copied out of the WASM
 * heap (as 16-bit words above 8 bits per sample), and `details` reads anything else it needs from the
 * decoder before it goes.
 *
 * @example
 * ```ts
 * const { samples } = decodeWithCornerstone(new openjpeg.J2KDecoder(), stream, () => null);
 * ```
 */
export function decodeWithCornerstone<D extends CornerstoneDecoder, T>(
  decoder: D,
  encoded: Uint8Array,
  details: (decoder: D, info: { bitsPerSample: number; componentCount: number }) => T,
): { samples: Uint8Array | Uint16Array; details: T } {
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const bytes = decoder.getDecodedBuffer();
    return {
      samples: info.bitsPerSample > 8 ? wordsFromBytes(bytes) : bytes.slice(),
      details: details(decoder, info),
    };
  } finally {
    decoder.delete();
  }
}

/**
 * Check a codec's output size against the header so a short code stream surfaces as an error, and
 * give clamped byte output as a plain Uint8Array.
 *
 * @example
 * ```ts
 * checkDecodedSize(frame, pixels); // throws Error("decoded 100 samples, 4096 expected")
 * ```
 */
export function checkDecodedSize(frame: DecodedFrame, pixels: PixelDescription): DecodedFrame {
  const samples: ArrayBufferView = frame.samples;
  if (samples instanceof Uint8ClampedArray) {
    // Some WASM builds hand back clamped bytes; downstream takes any non-Uint8Array as 16-bit words
    // and would mask every sample, so they are viewed as plain bytes (no copy).
    frame.samples = new Uint8Array(samples.buffer, samples.byteOffset, samples.length);
  }
  const expected = pixels.rows * pixels.cols * pixels.samplesPerPixel;
  if (frame.samples.length < expected) {
    throw new Error(`decoded ${frame.samples.length} samples, ${expected} expected`);
  }
  if (frame.samples.length > expected) frame.samples = frame.samples.subarray(0, expected);
  return frame;
}
