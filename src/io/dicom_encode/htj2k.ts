/**
 * HTJ2K lossless frames (transfer syntax 1.2.840.10008.1.2.4.201) with OpenJPH (npm:@cornerstonejs/codec-openjph).
 * Colour frames use the reversible colour transform, so the stored Photometric Interpretation is YBR_RCT.
 * @module
 */

import openjphFactory from "@cornerstonejs/codec-openjph/wasmjs";
import { frameBytes } from "./frame_bits.ts";
import type { PixelArray } from "../../volume.ts";

/** Shape of one frame to encode. */
export interface FrameShape {
  rows: number;
  cols: number;
  channels: 1 | 3;
  /** Bits actually used per sample (Bits Stored). */
  bitsStored: number;
  signed: boolean;
}

// deno-lint-ignore no-explicit-any
type WasmModule = any;
let modulePromise: Promise<WasmModule> | undefined;

/** The OpenJPH module, loaded once; its console output is silenced. */
export function loadOpenJph(): Promise<WasmModule> {
  // deno-lint-ignore no-explicit-any
  modulePromise ??= (openjphFactory as any)({ print: () => {}, printErr: () => {} });
  return modulePromise!;
}

/**
 * Encode one frame losslessly as an HTJ2K codestream.
 *
 * @example
 * ```ts
 * const codestream = await encodeHtj2k(new Uint8Array(64 * 64), { rows: 64, cols: 64, channels: 1, bitsStored: 8, signed: false });
 * codestream.length > 0; // true
 * ```
 */
export async function encodeHtj2k(samples: PixelArray, shape: FrameShape): Promise<Uint8Array> {
  const openjph = await loadOpenJph();
  const encoder = new openjph.HTJ2KEncoder();
  try {
    const input = encoder.getDecodedBuffer({
      width: shape.cols,
      height: shape.rows,
      bitsPerSample: shape.bitsStored,
      componentCount: shape.channels,
      isSigned: shape.signed,
      isUsingColorTransform: shape.channels === 3,
    });
    input.set(frameBytes(samples));
    // Small images cannot take the default five wavelet levels.
    const levels = Math.max(0, Math.min(5, Math.floor(Math.log2(Math.min(shape.rows, shape.cols))) - 1));
    encoder.setDecompositions(levels);
    encoder.setQuality(true, 0);
    encoder.encode();
    return encoder.getEncodedBuffer().slice();
  } finally {
    encoder.delete();
  }
}

/**
 * Decode an HTJ2K codestream back to interleaved little-endian sample bytes (used by the round-trip tests).
 *
 * @example
 * ```ts
 * const bytes = await decodeHtj2k(codestream); // Uint8Array of rows*cols*channels*bytesPerSample
 * ```
 */
export async function decodeHtj2k(codestream: Uint8Array): Promise<Uint8Array> {
  const openjph = await loadOpenJph();
  const decoder = new openjph.HTJ2KDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    decoder.decode();
    return decoder.getDecodedBuffer().slice();
  } finally {
    decoder.delete();
  }
}
