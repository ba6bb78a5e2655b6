/**
 * Parse DICOM bytes into a dicom-parser DataSet: Part 10 files, preamble-less datasets and Deflated
 * Explicit VR Little Endian. Maps parser failures onto Logik's error classes.
 * @module
 */

import dicomParser from "dicom-parser";
import type { DataSet } from "dicom-parser";
import { inflateRawSync } from "node:zlib";
import { CorruptFileError, LogikError, TooLargeError, UnsupportedFormatError } from "../../errors.ts";
import { dicomHeaderProblem, tagName, trailingDataStart } from "./header_problem.ts";
import { VALID_VRS } from "./value_representations.ts";

/** Transfer syntax UIDs the dataset layer itself knows about. */
export const IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
export const EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
export const EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";

/** A parsed dataset plus facts about how it was stored. */
export interface ParsedDicom {
  dataSet: DataSet;
  /** Transfer syntax UID from the File Meta, or the one guessed for a preamble-less dataset. */
  transferSyntax: string;
  /** True when the bytes had no 128-byte preamble and "DICM" prefix. */
  preambleless: boolean;
  /** Set when parsing stopped early (truncated file): the partial dataset is still returned. */
  truncated: boolean;
  /**
   * Bytes after a complete dataset that form no element (appended garbage, a second copy of the file):
   * where they start in the parsed bytes and how many there are. They are left out of `dataSet`.
   */
  trailing?: { start: number; bytes: number };
}

function hasPart10Prefix(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 &&
    bytes[131] === 0x4d;
}

/** How the first element of a preamble-less dataset looks: its group and whether its VR is explicit. */
function firstElementShape(bytes: Uint8Array): { group: number; explicit: boolean } | undefined {
  if (bytes.length < 8) return undefined;
  const group = bytes[0] | (bytes[1] << 8);
  const element = bytes[2] | (bytes[3] << 8);
  // Datasets start with a low group: File Meta (0002) or Identifying (0008); a few writers start at 0004/0005.
  if (group !== 0x0002 && group !== 0x0008 && group !== 0x0004 && group !== 0x0005) return undefined;
  if (element > 0x1fff && group !== 0x0008) return undefined;
  const vr = String.fromCharCode(bytes[4], bytes[5]);
  if (VALID_VRS.has(vr)) return { group, explicit: true };
  const implicitLength = bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24);
  if (group === 0x0002) return undefined; // File Meta is always explicit
  if (implicitLength >= 0 && implicitLength <= bytes.length - 8) return { group, explicit: false };
  return undefined;
}

/**
 * True when the bytes look like DICOM: "DICM" at offset 128, or a plausible group 0002/0008 element at offset 0
 * (a dataset written without preamble). Used to sniff files without an extension.
 *
 * @example
 * ```ts
 * looksLikeDicom(Deno.readFileSync("scan")); // true for a Part 10 file
 * ```
 */
export function looksLikeDicom(bytes: Uint8Array): boolean {
  return hasPart10Prefix(bytes) || firstElementShape(bytes) !== undefined;
}

function metaTransferSyntax(bytes: Uint8Array): string | undefined {
  try {
    return dicomParser.readPart10Header(bytes).string("x00020010");
  } catch {
    return undefined;
  }
}

/** A short, value-free text for anything a parser threw (dicom-parser throws plain strings too). */
export function errorText(error: unknown): string {
  if (typeof error === "string") return error;
  // dicom-parser recurses once per nested sequence; a hostile nesting depth exhausts the stack.
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return "sequences are nested too deeply to parse";
  }
  if (error && typeof error === "object") {
    const inner = (error as { exception?: unknown }).exception;
    if (inner !== undefined) return errorText(inner);
    if (error instanceof Error) return error.message;
  }
  return "unknown parser failure";
}

/** dicom-parser messages name the function and the failure, never element values; keep them short. */
function safeReason(error: unknown): string {
  return errorText(error).replace(/^dicomParser[.:]\s*/, "").slice(0, 160);
}

/** Header of the element that stands in for preamble and File Meta in an inflated dataset: (0000,0000) OB. */
const FILLER_HEADER = Uint8Array.of(0, 0, 0, 0, 0x4f, 0x42, 0, 0, 0, 0, 0, 0);

/** Drop the stand-in element the inflater put at byte 0 (group 0000 never belongs in a file's dataset). */
function removeFiller(dataSet: DataSet): void {
  const filler = dataSet.elements.x00000000;
  if (filler && filler.dataOffset === FILLER_HEADER.length && filler.vr === "OB") {
    delete dataSet.elements.x00000000;
  }
}

/**
 * Parse a DICOM byte stream. Throws UnsupportedFormatError when the bytes are not DICOM at all and
 * CorruptFileError when a DICOM header is broken before the pixel data. With `stopAtPixelData` the
 * parse ends at the top-level Pixel Data element's header (its tag, VR, length and dataOffset are
 * set, its value is not read), so a file prefix is enough.
 *
 * @example
 * ```ts
 * const parsed = parseDicomBytes(Deno.readFileSync("a.dcm"), "a.dcm", 4 * 2 ** 30);
 * parsed.transferSyntax; // "1.2.840.10008.1.2.1"
 * ```
 */
export function parseDicomBytes(
  bytes: Uint8Array,
  path: string,
  maxBytes: number,
  stopAtPixelData = false,
): ParsedDicom {
  let input = bytes;
  let preambleless = false;
  let guessedSyntax: string | undefined;
  if (!hasPart10Prefix(bytes)) {
    const shape = firstElementShape(bytes);
    if (!shape) {
      throw new UnsupportedFormatError(
        `${path}: no DICOM preamble/File Meta ("DICM" at byte 128) and no parsable dataset at byte 0`,
      );
    }
    preambleless = true;
    if (shape.group === 0x0002) {
      // File Meta without the preamble: give it one so the meta group is read normally.
      input = new Uint8Array(bytes.length + 132);
      input.set([0x44, 0x49, 0x43, 0x4d], 128);
      input.set(bytes, 132);
    } else {
      guessedSyntax = shape.explicit ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN;
    }
  }
  const inflater = (array: Uint8Array, position: number): Uint8Array => {
    let inflated: Uint8Array;
    try {
      inflated = inflateRawSync(array.subarray(position), {
        maxOutputLength: Math.min(maxBytes + 2 ** 26, 2 ** 32),
      });
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
        throw new TooLargeError(`${path}: deflated dataset inflates past the size limit`);
      }
      throw new CorruptFileError(`${path}: deflated dataset could not be inflated (${safeReason(error)})`);
    }
    // dicom-parser parses the returned array from byte 0, not from `position`: the preamble and "DICM"
    // would be read as elements, and whether that lands on the File Meta again depends on its bytes
    // (without (0002,0000) it did not, and the whole dataset failed with "buffer overrun"). The File Meta
    // is already parsed (its values are read from these same offsets), so the preamble's first 12 bytes
    // become the header of one OB element that spans up to `position`; it is skipped, then removed.
    const full = new Uint8Array(position + inflated.length);
    full.set(array.subarray(0, position));
    full.set(FILLER_HEADER);
    new DataView(full.buffer).setUint32(8, position - FILLER_HEADER.length, true);
    full.set(inflated, position);
    return full;
  };
  const options = {
    inflater,
    ...(guessedSyntax ? { TransferSyntaxUID: guessedSyntax } : {}),
    ...(stopAtPixelData ? { untilTag: "x7fe00010" } : {}),
  };
  let dataSet: DataSet;
  let truncated = false;
  let trailing: ParsedDicom["trailing"];
  try {
    // deno-lint-ignore no-explicit-any
    dataSet = dicomParser.parseDicom(input, options as any);
  } catch (error) {
    if (error instanceof LogikError) throw error;
    const partial = (error as { dataSet?: DataSet })?.dataSet;
    // Bytes after a whole Pixel Data element that the parser ran into: it read them as elements (a
    // second copy of the file overwrote the first one's tags with values cut off at the end of the file)
    // and then failed. The dataset before them is complete, so it is parsed on its own and they are left out.
    const cut = partial?.elements?.x7fe00010 ? trailingDataStart(input, guessedSyntax) : undefined;
    const whole = cut === undefined ? undefined : parseWithout(input, cut, options);
    if (whole) {
      dataSet = whole;
      trailing = { start: cut!, bytes: input.length - cut! };
    } else if (partial && partial.elements?.x7fe00010) {
      // The header is complete; pixel checks report the exact shortfall. The partial dataset lacks the
      // File Meta, so read it again for the transfer syntax.
      dataSet = partial;
      truncated = true;
      if (!guessedSyntax) guessedSyntax = metaTransferSyntax(input);
    } else if (preambleless && !partial?.elements) {
      throw new UnsupportedFormatError(
        `${path}: no DICOM preamble/File Meta and no parsable dataset (${safeReason(error)})`,
      );
    } else {
      // dicom-parser's messages ("buffer overrun") name no element: walk the header to find the one.
      const problem = dicomHeaderProblem(input, guessedSyntax);
      throw new CorruptFileError(
        `${path}: ${problem ?? `DICOM header is malformed (parser: ${safeReason(error)})`}`,
      );
    }
  }
  removeFiller(dataSet);
  const transferSyntax = ((truncated ? undefined : dataSet.string("x00020010")) ?? guessedSyntax ??
    IMPLICIT_VR_LITTLE_ENDIAN)
    .replace(/\0/g, "").trim();
  return { dataSet, transferSyntax, preambleless, truncated, ...(trailing ? { trailing } : {}) };
}

/** Parse `input` up to `end`, or undefined when even that fails. */
function parseWithout(input: Uint8Array, end: number, options: object): DataSet | undefined {
  try {
    // deno-lint-ignore no-explicit-any
    return dicomParser.parseDicom(input.subarray(0, end), options as any);
  } catch {
    return undefined;
  }
}

/**
 * Whether a thrown value is one of dicom-parser's own failures (plain strings, or Errors whose message
 * starts with "dicomParser"), which name a parser function rather than the broken element.
 *
 * @example
 * ```ts
 * isParserFailure("dicomParser.readFixedString: attempt to read past end of buffer"); // true
 * ```
 */
export function isParserFailure(error: unknown): boolean {
  if (error instanceof LogikError) return false;
  if (typeof error === "string") return true;
  if (error && typeof error === "object" && "exception" in error) return true;
  return error instanceof Error && /^dicomParser\b/.test(error.message);
}

/**
 * A CorruptFileError for a dicom-parser failure met after the header parsed (reading an element's
 * value): the header walk names the broken element, else the parser's message is quoted.
 *
 * @example
 * ```ts
 * throw parserFailure("dicomParser.readFixedString: attempt to read past end of buffer", bytes, "a.dcm");
 * ```
 */
export function parserFailure(error: unknown, bytes: Uint8Array, path: string): CorruptFileError {
  const problem = dicomHeaderProblem(bytes) ?? valueOverrun(bytes);
  return new CorruptFileError(
    `${path}: ${problem ?? `a DICOM element's value could not be read (parser: ${safeReason(error)})`}`,
  );
}

/** The first top-level element whose value the parser placed past the end of the bytes, named. */
function valueOverrun(bytes: Uint8Array): string | undefined {
  let dataSet: DataSet | undefined;
  try {
    dataSet = dicomParser.parseDicom(bytes);
  } catch (error) {
    dataSet = (error as { dataSet?: DataSet })?.dataSet;
  }
  for (const element of Object.values(dataSet?.elements ?? {})) {
    const end = element.dataOffset + element.length;
    if (end > bytes.length) {
      return `${
        tagName(parseInt(element.tag.slice(1), 16))
      } declares a value length of ${element.length} bytes, ` +
        `but the file ends ${Math.max(0, bytes.length - element.dataOffset)} bytes after its value starts`;
    }
  }
  return undefined;
}
