/**
 * Just enough JPEG marker parsing to route a code stream to the right decoder.
 * @module
 */

/** Start-of-frame header facts. */
export interface JpegFrameHeader {
  /** SOF marker byte (0xC0 baseline, 0xC1 extended, 0xC3 lossless...). */
  marker: number;
  /** Sample precision in bits (8 or 12 for DCT processes, 2-16 for lossless). */
  precision: number;
  rows: number;
  cols: number;
  components: number;
}

/**
 * Find the SOF segment of a JPEG code stream; undefined when there is none.
 *
 * @example
 * ```ts
 * jpegFrameHeader(bytes)?.precision; // 12 for JPEG Extended
 * ```
 */
export function jpegFrameHeader(bytes: Uint8Array): JpegFrameHeader | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let position = 2;
  while (position + 4 <= bytes.length) {
    if (bytes[position] !== 0xff) return undefined;
    const marker = bytes[position + 1];
    if (marker === 0xff) {
      position++; // fill byte
      continue;
    }
    const length = (bytes[position + 2] << 8) | bytes[position + 3];
    const isFrameHeader = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 &&
      marker !== 0xcc;
    if (isFrameHeader) {
      if (position + 10 > bytes.length) return undefined;
      return {
        marker,
        precision: bytes[position + 4],
        rows: (bytes[position + 5] << 8) | bytes[position + 6],
        cols: (bytes[position + 7] << 8) | bytes[position + 8],
        components: bytes[position + 9],
      };
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan before any frame header
    position += 2 + length;
  }
  return undefined;
}
