/**
 * Why an encapsulated frame's code stream could not be decoded, in terms of its structure: the first
 * broken marker segment or field, or a frame size that disagrees with the DICOM header. Decoders report
 * failures as bare numbers or library messages; this names what is wrong in the file instead.
 * @module
 */
import { type JpegFamily, jpegStructure } from "../../jpeg_structure.ts";
import type { PixelDescription } from "../image_info.ts";
import { j2kStructure } from "./j2k_structure.ts";

/** A checker for one code stream family: the problem, or undefined when the structure is sound. */
export type StreamProblem = (stream: Uint8Array, pixels: PixelDescription) => string | undefined;

function sizeMismatch(
  what: string,
  size: { cols: number; rows: number; components: number },
  pixels: PixelDescription,
): string | undefined {
  if (size.cols !== pixels.cols || size.rows !== pixels.rows) {
    return `${what} image size ${size.cols}x${size.rows} does not match the DICOM header's (0028,0011) Columns ${pixels.cols} x (0028,0010) Rows ${pixels.rows}`;
  }
  if (size.components !== pixels.samplesPerPixel) {
    return `${what} has ${size.components} components, the DICOM header's (0028,0002) Samples per Pixel is ${pixels.samplesPerPixel}`;
  }
  return undefined;
}

/**
 * Checker for JPEG (T.81) or JPEG-LS (T.87) code streams.
 *
 * @example
 * ```ts
 * jpegStreamProblem("JPEG-LS")(stream.subarray(0, 100), pixels); // "JPEG-LS scan (SOS at byte 39) is cut short: ..."
 * ```
 */
export function jpegStreamProblem(family: JpegFamily): StreamProblem {
  return (stream, pixels) => {
    const { frame, problem } = jpegStructure(stream, family);
    if (problem) return problem;
    return frame
      ? sizeMismatch(`${family} frame header`, { ...frame, components: frame.components.length }, pixels)
      : undefined;
  };
}

/**
 * Where the entropy-coded data of a structurally sound JPEG or JPEG-LS stream is, for the reason given
 * when a decoder still rejects it (decoders here say nothing about where they failed).
 *
 * @example
 * ```ts
 * jpegScanLocation("JPEG-LS")(stream); // "scan SOS at byte 39, data bytes 49-5120 of the code stream"
 * ```
 */
export function jpegScanLocation(family: JpegFamily): (stream: Uint8Array) => string | undefined {
  return (stream) => {
    const scans = jpegStructure(stream, family).scans ?? [];
    if (scans.length === 0) return undefined;
    const list = scans.slice(0, 3).map((scan) =>
      `SOS at byte ${scan.at}, data bytes ${scan.start}-${scan.end}`
    );
    const more = scans.length > 3 ? ` and ${scans.length - 3} more` : "";
    return `${scans.length === 1 ? "scan" : `${scans.length} scans`} ${
      list.join("; ")
    }${more} of the code stream`;
  };
}

/**
 * Checker for JPEG 2000 and HTJ2K code streams (and JP2 files).
 *
 * @example
 * ```ts
 * j2kStreamProblem(stream, pixels); // e.g. "JPEG 2000 code stream ends at byte 5120 with no EOC marker"
 * ```
 */
export const j2kStreamProblem: StreamProblem = (stream, pixels) => {
  const { size, problem } = j2kStructure(stream);
  if (problem) return problem;
  return size ? sizeMismatch("JPEG 2000 SIZ", size, pixels) : undefined;
};

/**
 * Checker for HTJ2K code streams: the JPEG 2000 structure, then that the stream is HTJ2K at all. A
 * Part 1 stream (no CAP marker for Part 15, no HT code-block style) under an HTJ2K transfer syntax
 * decodes to nothing in an HT-only decoder, which says no more than that.
 *
 * @example
 * ```ts
 * htj2kStreamProblem(part1Stream, pixels);
 * // "the code stream is Part 1 JPEG 2000, not the HTJ2K that (0002,0010) names: ..."
 * ```
 */
export const htj2kStreamProblem: StreamProblem = (stream, pixels) => {
  const problem = j2kStreamProblem(stream, pixels);
  if (problem) return problem;
  const coding = j2kStructure(stream).coding;
  if (!coding || coding.part15 || (coding.codeBlockStyle & 0x40) !== 0) return undefined;
  const style = coding.codeBlockStyle.toString(16).padStart(2, "0");
  return "the code stream is Part 1 JPEG 2000, not the HTJ2K that (0002,0010) names: no CAP marker for " +
    `Part 15, and the COD at byte ${coding.codAt} sets code-block style 0x${style} (no HT bit 0x40)`;
};
