/**
 * Find the element that breaks a DICOM header. dicom-parser stops with messages such as "buffer
 * overrun" that name neither the element nor the offset; this walk repeats the parse element by element
 * (PS3.5 section 7) and says which tag, at which byte, declares what. Messages carry tags, keywords,
 * offsets and lengths only, never element values.
 * @module
 */
import { inflateRawSync } from "node:zlib";
import { LONG_VRS, SHORT_VRS, VALID_VRS } from "./value_representations.ts";

const UNDEFINED = 0xffffffff;
/** How far into an element's value to look for a length that the elements after it would fit. */
const RESYNC_SPAN = 4096;
/** Deeper nesting than this is refused (dicom-parser recurses per level and runs out of stack). */
export const MAX_SEQUENCE_DEPTH = 64;

/** Keywords of tags that header damage most often hits; others are named by number alone. */
const KEYWORDS: Record<number, string> = {
  0x00020000: "File Meta Information Group Length",
  0x00020001: "File Meta Information Version",
  0x00020002: "Media Storage SOP Class UID",
  0x00020003: "Media Storage SOP Instance UID",
  0x00020010: "Transfer Syntax UID",
  0x00020012: "Implementation Class UID",
  0x00020013: "Implementation Version Name",
  0x00080005: "Specific Character Set",
  0x00080008: "Image Type",
  0x00080016: "SOP Class UID",
  0x00080018: "SOP Instance UID",
  0x00080060: "Modality",
  0x00181063: "Frame Time",
  0x00186011: "Sequence of Ultrasound Regions",
  0x00280002: "Samples per Pixel",
  0x00280004: "Photometric Interpretation",
  0x00280006: "Planar Configuration",
  0x00280008: "Number of Frames",
  0x00280010: "Rows",
  0x00280011: "Columns",
  0x00280030: "Pixel Spacing",
  0x00280100: "Bits Allocated",
  0x00280101: "Bits Stored",
  0x00280102: "High Bit",
  0x00280103: "Pixel Representation",
  0x00282110: "Lossy Image Compression",
  0x00282112: "Lossy Image Compression Ratio",
  0x00282114: "Lossy Image Compression Method",
  0x00281050: "Window Center",
  0x00281051: "Window Width",
  0x00281052: "Rescale Intercept",
  0x00281053: "Rescale Slope",
  0x00281201: "Red Palette Color Lookup Table Data",
  0x00281202: "Green Palette Color Lookup Table Data",
  0x00281203: "Blue Palette Color Lookup Table Data",
  0x00880200: "Icon Image Sequence",
  0x52009229: "Shared Functional Groups Sequence",
  0x52009230: "Per-frame Functional Groups Sequence",
  0x7fe00010: "Pixel Data",
  0xfffee000: "Item",
  0xfffee00d: "Item Delimitation Item",
  0xfffee0dd: "Sequence Delimitation Item",
};

/**
 * "DICOM tag (0028,0010) Rows" style name of a tag.
 *
 * @example
 * ```ts
 * tagName(0x00280010); // "DICOM tag (0028,0010) Rows"
 * ```
 */
export function tagName(tag: number): string {
  const keyword = KEYWORDS[tag >>> 0];
  return `DICOM tag ${tagNumber(tag)}${keyword ? ` ${keyword}` : ""}`;
}

/** "(0028,0010)": a tag's group and element alone. */
function tagNumber(tag: number): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, "0");
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

interface Syntax {
  explicit: boolean;
  little: boolean;
}

/** An element the walk has passed, for naming it when what follows it does not fit. */
interface Passed {
  tag: number;
  position: number;
  valueStart: number;
  length: number;
}

class Walk {
  readonly view: DataView;
  /** Where the top-level Pixel Data element ends, once the walk has passed it whole. */
  pixelEnd?: number;
  /** Set while trying other lengths for an element, so that the trial walks do not try again. */
  resyncing = false;
  /** Offset of `bytes[0]` in the file, for messages (non-zero after inflating a deflated dataset). */
  constructor(readonly bytes: Uint8Array, readonly base = 0) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  at(position: number): string {
    return `at byte ${this.base + position}`;
  }

  /** Walk elements in [position, end); `within` names the enclosing item for messages. */
  elements(
    position: number,
    end: number,
    syntax: Syntax,
    depth: number,
    within: string,
    until?: (tag: number) => boolean,
  ): { position: number; problem?: string; tags: Set<number> } {
    const tags = new Set<number>();
    let previous: Passed | undefined;
    while (position < end) {
      if (position + 8 > end) {
        return {
          position,
          tags,
          problem: `DICOM ${within} ends ${this.at(end)} inside the header of the element ${
            this.at(position)
          }`,
        };
      }
      const tag = ((this.view.getUint16(position, syntax.little) << 16) |
        this.view.getUint16(position + 2, syntax.little)) >>> 0;
      if (until?.(tag)) return { position, tags };
      if (tag === 0xfffee00d && depth > 0) return { position: position + 8, tags }; // end of an item
      if ((tag >>> 16) === 0xfffe) {
        return {
          position,
          tags,
          problem: this.strayItem(tag, position, end, syntax, depth, within, previous),
        };
      }
      let vr: string | undefined;
      let length: number;
      let header: number;
      if (syntax.explicit && (tag >>> 16) !== 0xfffe) {
        vr = String.fromCharCode(this.bytes[position + 4], this.bytes[position + 5]);
        if (LONG_VRS.has(vr)) {
          if (position + 12 > end) {
            return {
              position,
              tags,
              problem: `${tagName(tag)} ${this.at(position)}: the DICOM ${within} ends inside its header`,
            };
          }
          length = this.view.getUint32(position + 8, syntax.little);
          header = 12;
        } else if (SHORT_VRS.has(vr)) {
          length = this.view.getUint16(position + 6, syntax.little);
          header = 8;
        } else {
          return {
            position,
            tags,
            problem: `${tagName(tag)} ${this.at(position)} has an invalid value representation (VR) code`,
          };
        }
      } else {
        length = this.view.getUint32(position + 4, syntax.little);
        header = 8;
      }
      tags.add(tag);
      const valueStart = position + header;
      if (length === UNDEFINED) {
        const nested = this.undefinedLength(tag, vr, valueStart, end, syntax, depth, position);
        if (nested.problem) return { position, tags, problem: nested.problem };
        position = nested.position;
        if (depth === 0 && tag === 0x7fe00010) this.pixelEnd = position;
        continue;
      }
      if (valueStart + length > end) {
        return {
          position,
          tags,
          problem: `${tagName(tag)} ${
            this.at(position)
          } declares a value length of ${length} bytes, but the ${within} ends ${
            end - valueStart
          } bytes later`,
        };
      }
      if (vr === "SQ") {
        const items = this.items(tag, valueStart, valueStart + length, syntax, depth, position);
        if (items.problem) return { position, tags, problem: items.problem };
      }
      previous = { tag, position, valueStart, length };
      position = valueStart + length;
      if (depth === 0 && tag === 0x7fe00010) this.pixelEnd = position;
    }
    return { position, tags };
  }

  /**
   * An item or delimiter tag where a dataset's next element should start. Only sequences and the Pixel
   * Data hold items, so either the element before it declares too long a value (its value then swallows
   * the headers that follow, as a bit flip in a length does) or these bytes are damaged. When a shorter
   * length for that element lands on an element from which the rest walks cleanly, that length is named.
   */
  strayItem(
    tag: number,
    position: number,
    end: number,
    syntax: Syntax,
    depth: number,
    within: string,
    previous: Passed | undefined,
  ): string {
    // Messages stay short: the batch log keeps the first 300 characters of a reason, path included.
    const stray = `an ${tagName(tag).replace("DICOM tag ", "")} tag`;
    if (!previous) {
      return `DICOM ${within}: ${stray} ${this.at(position)} stands where an element should start, ` +
        "outside any sequence";
    }
    const element = `${tagName(previous.tag)} ${this.at(previous.position)}`;
    const declared = `${element} declares a value length of ${previous.length} bytes`;
    const fit = this.resync(previous, end, syntax, depth, within);
    if (fit === undefined) {
      return `${declared}; after it, ${
        this.at(position)
      }, comes ${stray}, outside any sequence: that length ` +
        "or the bytes after the value are damaged";
    }
    return `${declared}, too long: it ends ${this.at(position)} on ${stray}, outside any sequence; ` +
      `${fit.length} bytes end on ${tagNumber(fit.tag)} ${this.at(previous.valueStart + fit.length)}`;
  }

  /** The shortest value length for `element` after which the walk runs cleanly to `end`, if any. */
  resync(
    element: Passed,
    end: number,
    syntax: Syntax,
    depth: number,
    within: string,
  ): { length: number; tag: number } | undefined {
    if (this.resyncing) return undefined;
    this.resyncing = true;
    const pixelEnd = this.pixelEnd;
    try {
      const last = Math.min(element.length, RESYNC_SPAN, end - element.valueStart - 8);
      for (let length = 0; length < last; length++) {
        const at = element.valueStart + length;
        const tag = ((this.view.getUint16(at, syntax.little) << 16) |
          this.view.getUint16(at + 2, syntax.little)) >>> 0;
        // Elements of a dataset come in ascending tag order (PS3.5 7.1): a candidate must follow `element`.
        if (tag <= element.tag || (tag >>> 16) === 0xfffe) continue;
        if (syntax.explicit && !VALID_VRS.has(String.fromCharCode(this.bytes[at + 4], this.bytes[at + 5]))) {
          continue;
        }
        if (!this.elements(at, end, syntax, depth, within).problem) return { length, tag };
      }
      return undefined;
    } finally {
      this.pixelEnd = pixelEnd;
      this.resyncing = false;
    }
  }

  undefinedLength(
    tag: number,
    vr: string | undefined,
    start: number,
    end: number,
    syntax: Syntax,
    depth: number,
    position: number,
  ): { position: number; problem?: string } {
    if (tag === 0x7fe00010) return this.fragments(start, end, syntax);
    const nextIsItem = start + 4 <= end && this.view.getUint16(start, syntax.little) === 0xfffe;
    if (vr !== undefined && vr !== "SQ" && vr !== "UN") {
      // dicom-parser reads such a value up to the first (FFFE,E00D) Item Delimitation Item, which ends
      // the first item of a sequence rather than the sequence, and loses its place in the dataset there.
      return {
        position,
        problem: `${tagName(tag)} ${this.at(position)} has VR ${vr} but an undefined length (only SQ, UN ` +
          `and Pixel Data may)${nextIsItem ? "; it holds items, so likely an SQ with a wrong VR" : ""}`,
      };
    }
    if (vr === "SQ" || vr === "UN" || nextIsItem) {
      // UN of undefined length is an implicit little endian sequence (PS3.5 6.2.2)
      const inner = vr === "UN" ? { explicit: false, little: true } : syntax;
      return this.items(tag, start, end, inner, depth, position, true);
    }
    return {
      position,
      problem: `${tagName(tag)} ${
        this.at(position)
      } has an undefined length, which only sequences and pixel data may have`,
    };
  }

  items(
    tag: number,
    start: number,
    end: number,
    syntax: Syntax,
    depth: number,
    position: number,
    delimited = false,
  ): { position: number; problem?: string } {
    if (depth >= MAX_SEQUENCE_DEPTH) {
      return { position, problem: `sequences nest more than ${MAX_SEQUENCE_DEPTH} levels deep` };
    }
    const sequence = `sequence ${tagName(tag).replace("DICOM tag ", "")} ${this.at(position)}`;
    let at = start;
    while (at < end) {
      if (at + 8 > end) {
        return {
          position,
          problem: `DICOM ${sequence}: the data ends inside the item header ${this.at(at)}`,
        };
      }
      const { kind, length } = this.itemHeader(at, syntax);
      if (kind === "delimiter") return { position: at + 8 };
      if (kind === "other") {
        return {
          position,
          problem: `DICOM ${sequence}: the item ${this.at(at)} does not start with the item tag (FFFE,E000)`,
        };
      }
      const itemEnd = length === UNDEFINED ? end : at + 8 + length;
      if (itemEnd > end) {
        return {
          position,
          problem: `DICOM ${sequence}: its item ${this.at(at)} declares ${length} bytes, but the ${
            delimited ? "file" : "sequence"
          } ends ${end - at - 8} bytes later`,
        };
      }
      const inner = this.elements(at + 8, itemEnd, syntax, depth + 1, `item of the ${sequence}`);
      if (inner.problem) {
        // Name the outermost sequence of a too-deep nesting: that is the element a reader can point at.
        const tooDeep = depth === 0 && inner.problem.startsWith("sequences nest");
        return { position, problem: tooDeep ? `DICOM ${sequence}: ${inner.problem}` : inner.problem };
      }
      at = length === UNDEFINED ? inner.position : itemEnd;
    }
    return delimited
      ? {
        position,
        problem: `DICOM ${sequence} has no sequence delimitation item before the end of the file`,
      }
      : { position: at };
  }

  /** The 8-byte header at `at` inside a sequence or encapsulated data: an item with its length, the sequence delimiter, or something else. */
  itemHeader(at: number, syntax: Syntax): { kind: "item" | "delimiter" | "other"; length: number } {
    const group = this.view.getUint16(at, syntax.little),
      element = this.view.getUint16(at + 2, syntax.little);
    const length = this.view.getUint32(at + 4, syntax.little);
    if (group !== 0xfffe) return { kind: "other", length };
    return { kind: element === 0xe000 ? "item" : element === 0xe0dd ? "delimiter" : "other", length };
  }

  fragments(start: number, end: number, syntax: Syntax): { position: number; problem?: string } {
    if (start >= end) {
      // Encapsulated data always opens with the Basic Offset Table item, empty or not.
      return {
        position: end,
        problem: `Pixel Data (7FE0,0010): the file ends ${
          this.at(end)
        }, before the first item (the Basic Offset Table) of its encapsulated frames`,
      };
    }
    let at = start;
    while (at + 8 <= end) {
      const { kind, length } = this.itemHeader(at, syntax);
      if (kind === "delimiter") return { position: at + 8 };
      if (kind === "other") {
        return {
          position: at,
          problem: `Pixel Data (7FE0,0010): the fragment ${
            this.at(at)
          } does not start with the item tag (FFFE,E000)`,
        };
      }
      if (at + 8 + length > end) {
        return {
          position: at,
          problem: `Pixel Data (7FE0,0010): the fragment ${
            this.at(at)
          } declares ${length} bytes, but the file ends ${end - at - 8} bytes later`,
        };
      }
      at += 8 + length;
    }
    if (at < end) {
      return {
        position: at,
        problem: `Pixel Data (7FE0,0010): the file ends ${this.at(end)} inside the header of the fragment ${
          this.at(at)
        }`,
      };
    }
    return { position: end }; // a missing sequence delimiter at the very end is tolerated
  }
}

const TRANSFER_SYNTAXES: Record<string, Syntax> = {
  "1.2.840.10008.1.2": { explicit: false, little: true },
  "1.2.840.10008.1.2.2": { explicit: true, little: false },
};

/**
 * The first structural problem of a DICOM header, or undefined when the walk finds none. `bytes` is
 * the file with its preamble (or a preamble-less dataset, then `guessedSyntax` says how to read it).
 *
 * @example
 * ```ts
 * const bytes = Deno.readFileSync("CT_small.dcm");
 * new DataView(bytes.buffer).setUint16(3270, 0xfff0, true); // the value length of (0028,0010) Rows
 * dicomHeaderProblem(bytes);
 * // "DICOM tag (0028,0010) Rows at byte 3264 declares a value length of 65520 bytes, but the file ends 35934 bytes later"
 * ```
 */
export function dicomHeaderProblem(bytes: Uint8Array, guessedSyntax?: string): string | undefined {
  return walkFile(bytes, guessedSyntax).problem;
}

/**
 * Where bytes that belong to no element start after a complete dataset: the top-level walk passed a
 * whole Pixel Data element and then met an element it cannot read (appended garbage, a second copy of
 * the file, an element cut off by truncation). Undefined when the walk finds no such point, when the
 * problem lies before the end of the Pixel Data, or for a deflated dataset (its offsets are not the
 * file's). `bytes` and `guessedSyntax` are as for {@link dicomHeaderProblem}.
 *
 * @example
 * ```ts
 * const bytes = Deno.readFileSync("SC_rgb_small_odd.dcm");
 * trailingDataStart(Uint8Array.of(...bytes, ...bytes)); // bytes.length
 * ```
 */
export function trailingDataStart(bytes: Uint8Array, guessedSyntax?: string): number | undefined {
  const walk = walkFile(bytes, guessedSyntax);
  if (walk.problem === undefined || walk.deflated || walk.pixelEnd === undefined) return undefined;
  return walk.position !== undefined && walk.position >= walk.pixelEnd ? walk.position : undefined;
}

/** The whole-file walk: its first problem, the top-level element it lies in, and the Pixel Data end. */
function walkFile(
  bytes: Uint8Array,
  guessedSyntax?: string,
): { problem?: string; position?: number; pixelEnd?: number; deflated?: boolean } {
  const prefixed = bytes.length >= 132 && String.fromCharCode(...bytes.subarray(128, 132)) === "DICM";
  let walk = new Walk(bytes);
  let position = prefixed ? 132 : 0;
  let transferSyntax = guessedSyntax;
  if (prefixed || !guessedSyntax) {
    const isMeta = (tag: number) => (tag >>> 16) !== 0x0002;
    const meta = walk.elements(position, bytes.length, { explicit: true, little: true }, 0, "file", isMeta);
    if (meta.problem) return { problem: meta.problem };
    if (!meta.tags.has(0x00020010)) {
      return { problem: "DICOM File Meta lacks the (0002,0010) Transfer Syntax UID element" };
    }
    transferSyntax = readTransferSyntax(bytes, position, meta.position);
    position = meta.position;
  }
  const deflated = transferSyntax === "1.2.840.10008.1.2.1.99";
  if (deflated) {
    try {
      walk = new Walk(new Uint8Array(inflateRawSync(bytes.subarray(position))), position);
      position = 0;
    } catch {
      return {}; // the inflater reports its own, specific failure
    }
  }
  if (position >= walk.bytes.length) {
    return {
      problem: `DICOM file ends at byte ${
        walk.base + position
      }, right after its File Meta: there is no dataset`,
    };
  }
  const syntax = TRANSFER_SYNTAXES[transferSyntax ?? ""] ?? { explicit: true, little: true };
  const result = walk.elements(position, walk.bytes.length, syntax, 0, "file");
  return { problem: result.problem, position: result.position, pixelEnd: walk.pixelEnd, deflated };
}

function readTransferSyntax(bytes: Uint8Array, start: number, end: number): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let position = start; position + 8 <= end;) {
    const tag = ((view.getUint16(position, true) << 16) | view.getUint16(position + 2, true)) >>> 0;
    const vr = String.fromCharCode(bytes[position + 4], bytes[position + 5]);
    const long = LONG_VRS.has(vr);
    const length = long ? view.getUint32(position + 8, true) : view.getUint16(position + 6, true);
    const valueStart = position + (long ? 12 : 8);
    if (tag === 0x00020010) {
      return String.fromCharCode(...bytes.subarray(valueStart, valueStart + length)).replace(/[\0 ]+$/, "");
    }
    position = valueStart + length;
  }
  return undefined;
}
