/**
 * Marker positions in JPEG, JPEG-LS and JPEG 2000 code streams (and segment lengths where a marker
 * has one), for truncation at marker boundaries and targeted header corruption.
 * @module
 */

/** One marker found in a code stream. */
export interface MarkerSpan {
  offset: number;
  /** Second marker byte, e.g. 0xd8 for SOI, 0xc0 for SOF0, 0xf7 for JPEG-LS SOF55, 0x51 for J2K SIZ. */
  marker: number;
  /** Segment length (bytes after the marker, including the length field), or 0 for stand-alone markers. */
  length: number;
}

/**
 * Find the markers of a code stream. Segments are followed by their length; inside entropy-coded data
 * 0xFF00 stuffing, restart markers and JPEG-LS bit stuffing (0xFF then a byte < 0x80) are skipped.
 *
 * @example
 * ```ts
 * codestreamMarkers(new Uint8Array([0xff, 0xd8, 0xff, 0xd9])).map((m) => m.marker); // [0xd8, 0xd9]
 * ```
 */
export function codestreamMarkers(bytes: Uint8Array): MarkerSpan[] {
  const markers: MarkerSpan[] = [];
  let offset = 0;
  while (offset + 1 < bytes.length && markers.length < 10000) {
    if (bytes[offset] !== 0xff) {
      offset++;
      continue;
    }
    const marker = bytes[offset + 1];
    if (
      marker === 0xff || marker < 0x4f || (marker >= 0xd0 && marker <= 0xd7) ||
      (marker < 0x80 && marker !== 0x4f)
    ) {
      offset++;
      continue;
    }
    if (marker === 0xd8 || marker === 0xd9 || marker === 0x4f || marker === 0x93) {
      markers.push({ offset, marker, length: 0 });
      offset += 2;
      continue;
    }
    const length = offset + 3 < bytes.length ? (bytes[offset + 2] << 8) | bytes[offset + 3] : 0;
    markers.push({ offset, marker, length });
    offset += 2 + (marker === 0xda || marker === 0x90 ? length : Math.max(length, 0));
    if (marker === 0x90) {
      // J2K SOT: the tile-part data follows SOD; skip ahead to it without following Psot.
      continue;
    }
  }
  return markers;
}

/**
 * Boundaries of a code stream: every marker start, and the byte after each segment header.
 *
 * @example
 * ```ts
 * const cuts = codestreamBoundaries(jpegBytes);
 * ```
 */
export function codestreamBoundaries(bytes: Uint8Array): number[] {
  const cuts = new Set<number>();
  for (const marker of codestreamMarkers(bytes)) {
    cuts.add(marker.offset);
    cuts.add(marker.offset + 2);
    if (marker.length) cuts.add(Math.min(bytes.length, marker.offset + 2 + marker.length));
  }
  return [...cuts].sort((a, b) => a - b);
}
