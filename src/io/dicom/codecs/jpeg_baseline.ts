/**
 * JPEG Baseline (1.2.840.10008.1.2.4.50) and JPEG Extended (.51): DCT code streams.
 * 8-bit streams go to libjpeg-turbo (cornerstone WASM build); 12-bit streams to the libjpeg-turbo
 * 12-bit decoder inside dcmjs-codecs, since the cornerstone build is 8-bit only.
 * @module
 */

import libjpegTurboFactory from "@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs";
import dcmjsCodecs from "dcmjs-codecs";
import type { PixelDescription } from "../image_info.ts";
import { checkDecodedSize, type DecodedFrame, wordsFromBytes } from "./decoded_frame.ts";
import { jpegFrameHeader } from "./jpeg_markers.ts";
import { withWasmModule } from "./wasm_module.ts";

// deno-lint-ignore no-explicit-any
const nativeCodecs = (dcmjsCodecs as any).NativeCodecs;
// deno-lint-ignore no-explicit-any
const CodecContext = (dcmjsCodecs as any).Context;
let nativeCodecsReady: Promise<void> | undefined;

function decode8Bit(
  // deno-lint-ignore no-explicit-any
  libjpeg: any,
  encoded: Uint8Array,
): { samples: Uint8Array; components: number } {
  const decoder = new libjpeg.JPEGDecoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    return { samples: decoder.getDecodedBuffer().slice(), components: info.componentCount };
  } finally {
    decoder.delete();
  }
}

async function decode12Bit(encoded: Uint8Array, pixels: PixelDescription): Promise<Uint16Array> {
  nativeCodecsReady ??= nativeCodecs.initializeAsync({ logCodecsInfo: false, logCodecsTrace: false });
  await nativeCodecsReady;
  const context = new CodecContext({
    width: pixels.cols,
    height: pixels.rows,
    bitsAllocated: 16,
    bitsStored: pixels.bitsStored,
    samplesPerPixel: pixels.samplesPerPixel,
    pixelRepresentation: pixels.signed ? 1 : 0,
    planarConfiguration: 0,
    photometricInterpretation: pixels.photometric,
    encodedBuffer: encoded,
  });
  const decoded = nativeCodecs.decodeJpeg(context, { convertColorspaceToRgb: pixels.samplesPerPixel === 3 });
  return wordsFromBytes(decoded.getDecodedBuffer());
}

/**
 * Decode one JPEG Baseline/Extended frame. Colour streams come back as RGB: libjpeg converts YCbCr itself.
 *
 * @example
 * ```ts
 * const frame = await decodeJpegBaseline(fragmentBytes, pixels);
 * frame.photometric; // "RGB" for a YBR_FULL_422 source
 * ```
 */
export async function decodeJpegBaseline(
  encoded: Uint8Array,
  pixels: PixelDescription,
): Promise<DecodedFrame> {
  const header = jpegFrameHeader(encoded);
  if (!header) throw new Error("no JPEG frame header (SOF) in the code stream");
  const photometric = header.components === 3 ? "RGB" : pixels.photometric;
  if (header.precision > 8) {
    const samples = await decode12Bit(encoded, pixels);
    return checkDecodedSize({ samples, planar: 0, photometric }, pixels);
  }
  const { samples, components } = await withWasmModule(
    libjpegTurboFactory,
    (libjpeg) => decode8Bit(libjpeg, encoded),
  );
  return checkDecodedSize(
    { samples, planar: 0, photometric: components === 3 ? "RGB" : pixels.photometric },
    pixels,
  );
}
