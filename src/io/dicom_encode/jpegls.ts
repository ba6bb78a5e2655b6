/**
 * JPEG-LS lossless frames (transfer syntax 1.2.840.10008.1.2.4.80) with CharLS (npm:@cornerstonejs/codec-charls).
 * Colour is sample-interleaved RGB (no colour transform), so Photometric Interpretation stays RGB.
 * @module
 */

import charlsFactory from "@cornerstonejs/codec-charls/wasmjs";
import { frameBytes } from "./frame_bits.ts";
import type { FrameShape } from "./htj2k.ts";
import type { PixelArray } from "../../volume.ts";

// deno-lint-ignore no-explicit-any
type WasmModule = any;
let modulePromise: Promise<WasmModule> | undefined;

function loadCharls(): Promise<WasmModule> {
  // deno-lint-ignore no-explicit-any
  modulePromise ??= (charlsFactory as any)({ print: () => {}, printErr: () => {} });
  return modulePromise!;
}

/**
 * Encode one frame losslessly as JPEG-LS. Signed samples are coded as their unsigned bit pattern over
 * the full container width (JPEG-LS has no signed mode; DICOM readers reinterpret by Pixel Representation).
 *
 * @example
 * ```ts
 * const stream = await encodeJpegLs(new Uint8Array(64 * 64), { rows: 64, cols: 64, channels: 1, bitsStored: 8, signed: false });
 * stream[0] === 0xff && stream[1] === 0xd8; // true
 * ```
 */
export async function encodeJpegLs(samples: PixelArray, shape: FrameShape): Promise<Uint8Array> {
  const charls = await loadCharls();
  const encoder = new charls.JpegLSEncoder();
  try {
    const bitsPerSample = shape.signed ? samples.BYTES_PER_ELEMENT * 8 : Math.max(2, shape.bitsStored);
    const input = encoder.getDecodedBuffer({
      width: shape.cols,
      height: shape.rows,
      bitsPerSample,
      componentCount: shape.channels,
    });
    input.set(frameBytes(samples));
    encoder.setNearLossless(0);
    if (shape.channels === 3) encoder.setInterleaveMode(2);
    encoder.encode();
    return encoder.getEncodedBuffer().slice();
  } finally {
    encoder.delete();
  }
}

/**
 * Decode a JPEG-LS stream to interleaved little-endian sample bytes (round-trip tests).
 *
 * @example
 * ```ts
 * const bytes = await decodeJpegLs(stream);
 * ```
 */
export async function decodeJpegLs(stream: Uint8Array): Promise<Uint8Array> {
  const charls = await loadCharls();
  const decoder = new charls.JpegLSDecoder();
  try {
    decoder.getEncodedBuffer(stream.length).set(stream);
    decoder.decode();
    const decoded = decoder.getDecodedBuffer();
    return new Uint8Array(decoded.buffer.slice(decoded.byteOffset, decoded.byteOffset + decoded.byteLength));
  } finally {
    decoder.delete();
  }
}
