/**
 * DICOM RLE Lossless (1.2.840.10008.1.2.5), PS3.5 Annex G: a 64-byte header of segment offsets, then one
 * PackBits-coded segment per byte plane (most significant byte first, sample by sample).
 * @module
 */

import type { PixelDescription } from "../image_info.ts";
import type { DecodedFrame } from "./decoded_frame.ts";

/**
 * Expand one PackBits segment into `target` (one byte plane). Returns how many bytes were written.
 *
 * @example
 * ```ts
 * const plane = new Uint8Array(4);
 * unpackBits(new Uint8Array([0xfd, 7]), plane); // 4: [7, 7, 7, 7]
 * ```
 */
export function unpackBits(segment: Uint8Array, target: Uint8Array): number {
  let read = 0;
  let written = 0;
  while (read < segment.length && written < target.length) {
    const header = segment[read++];
    if (header < 128) {
      // literal run of header + 1 bytes
      const count = Math.min(header + 1, segment.length - read, target.length - written);
      target.set(segment.subarray(read, read + count), written);
      read += header + 1;
      written += count;
    } else if (header > 128) {
      // replicate the next byte 257 - header times
      if (read >= segment.length) break;
      const count = Math.min(257 - header, target.length - written);
      target.fill(segment[read++], written, written + count);
      written += count;
    } // 128 is a no-op
  }
  return written;
}

/**
 * Decode one RLE frame into interleaved samples.
 *
 * @example
 * ```ts
 * const frame = decodeRle(fragmentBytes, pixels);
 * frame.planar; // 0
 * ```
 */
export function decodeRle(encoded: Uint8Array, pixels: PixelDescription): DecodedFrame {
  if (encoded.length < 64) throw new Error("RLE frame shorter than its 64-byte header");
  const header = new DataView(encoded.buffer, encoded.byteOffset, 64);
  const segmentCount = header.getUint32(0, true);
  const bytesPerSample = pixels.bitsAllocated > 8 ? 2 : 1;
  const expectedSegments = bytesPerSample * pixels.samplesPerPixel;
  if (segmentCount !== expectedSegments) {
    throw new Error(`RLE header has ${segmentCount} segments, ${expectedSegments} expected`);
  }
  const offsets: number[] = [];
  for (let index = 0; index < segmentCount; index++) offsets.push(header.getUint32(4 + index * 4, true));
  offsets.push(encoded.length);
  const pixelCount = pixels.rows * pixels.cols;
  const plane = new Uint8Array(pixelCount);
  const bytes = new Uint8Array(pixelCount * expectedSegments);
  const stride = expectedSegments; // bytes per pixel in the output
  for (let segment = 0; segment < segmentCount; segment++) {
    const start = offsets[segment];
    const end = Math.min(
      offsets[segment + 1] > start ? offsets[segment + 1] : encoded.length,
      encoded.length,
    );
    if (start < 64 || start >= encoded.length) {
      throw new Error(`RLE segment ${segment} offset is out of range`);
    }
    plane.fill(0);
    const written = unpackBits(encoded.subarray(start, end), plane);
    if (written < pixelCount) {
      throw new Error(`RLE segment ${segment} holds ${written} of ${pixelCount} bytes`);
    }
    // Segment order: sample 0 MSB, sample 0 LSB, sample 1 MSB... Output is little-endian interleaved.
    const sample = Math.floor(segment / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
    const base = sample * bytesPerSample + byteInSample;
    for (let pixel = 0; pixel < pixelCount; pixel++) bytes[pixel * stride + base] = plane[pixel];
  }
  const samples = bytesPerSample === 2 ? new Uint16Array(bytes.buffer) : bytes;
  return { samples, planar: 0, photometric: pixels.photometric };
}
