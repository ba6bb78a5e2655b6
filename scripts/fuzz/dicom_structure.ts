/**
 * A tolerant DICOM element walker for the fuzzer: where each element's tag, VR, length and value lie,
 * plus encapsulated fragments. It never throws; it stops at the first thing it cannot follow.
 * @module
 */

/** One data element as laid out in the file. */
export interface ElementSpan {
  offset: number;
  group: number;
  element: number;
  /** Two-letter VR, or "" for implicit VR. */
  vr: string;
  /** Where the VR bytes are (explicit VR only), else -1. */
  vrOffset: number;
  lengthOffset: number;
  lengthBytes: 2 | 4;
  valueOffset: number;
  /** Declared length, or -1 for undefined length. */
  length: number;
  littleEndian: boolean;
  /** Nesting depth: 0 for top-level elements. */
  depth: number;
}

/** One item of encapsulated pixel data (item 0 is the basic offset table). */
export interface FragmentSpan {
  offset: number;
  valueOffset: number;
  length: number;
  index: number;
}

/** The walk result. */
export interface DicomLayout {
  /** Offset of the first dataset byte after the File Meta group (132 + meta), or 0 without a preamble. */
  datasetOffset: number;
  hasPreamble: boolean;
  transferSyntax: string | null;
  elements: ElementSpan[];
  fragments: FragmentSpan[];
}

const LONG_VRS = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]);
const MAX_ELEMENTS = 20000;
/** Deeper nests are left unwalked: the walker recurses, and mutants nest 10,000 deep on purpose. */
const MAX_DEPTH = 500;

/**
 * Walk the File Meta group and the dataset (explicit or implicit VR, little or big endian; deflated
 * datasets are left opaque).
 *
 * @example
 * ```ts
 * const layout = dicomLayout(await Deno.readFile("../shared/data/public/dicom/CT_small.dcm"));
 * layout.elements.length > 10; // true
 * ```
 */
export function dicomLayout(bytes: Uint8Array): DicomLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hasPreamble = bytes.length >= 132 && text(bytes, 128, 4) === "DICM";
  const layout: DicomLayout = {
    datasetOffset: 0,
    hasPreamble,
    transferSyntax: null,
    elements: [],
    fragments: [],
  };
  let offset = hasPreamble ? 132 : 0;
  if (hasPreamble) {
    // The File Meta group is always explicit VR little endian.
    offset = walk(bytes, view, offset, bytes.length, true, true, 0, layout, (group) => group === 0x0002);
    const syntax = layout.elements.find((e) => e.group === 2 && e.element === 0x10);
    if (syntax && syntax.length > 0) {
      layout.transferSyntax = text(bytes, syntax.valueOffset, syntax.length).replace(/[\0 ]+$/, "");
    }
  }
  layout.datasetOffset = offset;
  const syntax = layout.transferSyntax;
  if (syntax === "1.2.840.10008.1.2.1.99") return layout;
  const explicit = syntax !== "1.2.840.10008.1.2" && (syntax !== null || looksExplicit(bytes, offset));
  const little = syntax !== "1.2.840.10008.1.2.2";
  walk(bytes, view, offset, bytes.length, explicit, little, 0, layout, () => true);
  return layout;
}

function looksExplicit(bytes: Uint8Array, offset: number): boolean {
  const a = bytes[offset + 4], b = bytes[offset + 5];
  return a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a;
}

function walk(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  explicit: boolean,
  little: boolean,
  depth: number,
  layout: DicomLayout,
  accept: (group: number) => boolean,
): number {
  let offset = start;
  while (offset + 8 <= end && layout.elements.length < MAX_ELEMENTS) {
    const group = view.getUint16(offset, little);
    const element = view.getUint16(offset + 2, little);
    if (!accept(group)) return offset;
    if (group === 0xfffe) {
      // Item or delimiter inside a sequence: the caller handles it.
      return offset;
    }
    let vr = "", vrOffset = -1, lengthOffset: number, lengthBytes: 2 | 4, length: number;
    if (explicit) {
      vr = text(bytes, offset + 4, 2);
      vrOffset = offset + 4;
      if (LONG_VRS.has(vr)) {
        lengthOffset = offset + 8;
        lengthBytes = 4;
        if (offset + 12 > end) return offset;
        length = view.getUint32(lengthOffset, little);
      } else {
        lengthOffset = offset + 6;
        lengthBytes = 2;
        length = view.getUint16(lengthOffset, little);
      }
    } else {
      lengthOffset = offset + 4;
      lengthBytes = 4;
      length = view.getUint32(lengthOffset, little);
    }
    const valueOffset = lengthOffset + lengthBytes;
    const undefinedLength = length === 0xffffffff;
    layout.elements.push({
      offset,
      group,
      element,
      vr,
      vrOffset,
      lengthOffset,
      lengthBytes,
      valueOffset,
      length: undefinedLength ? -1 : length,
      littleEndian: little,
      depth,
    });
    if (group === 0x7fe0 && element === 0x0010 && undefinedLength) {
      return fragments(view, valueOffset, end, little, layout);
    }
    if ((vr === "SQ" || (!explicit && undefinedLength)) && depth >= MAX_DEPTH) return end;
    if (vr === "SQ" || (!explicit && undefinedLength)) {
      offset = sequence(
        bytes,
        view,
        valueOffset,
        undefinedLength ? end : Math.min(end, valueOffset + length),
        explicit,
        little,
        depth + 1,
        layout,
      );
      if (offset < 0) return end;
      continue;
    }
    if (undefinedLength) return end;
    offset = valueOffset + length;
  }
  return offset;
}

function sequence(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  explicit: boolean,
  little: boolean,
  depth: number,
  layout: DicomLayout,
): number {
  let offset = start;
  while (offset + 8 <= end) {
    const group = view.getUint16(offset, little), element = view.getUint16(offset + 2, little);
    const length = view.getUint32(offset + 4, little);
    if (group !== 0xfffe) return -1;
    if (element === 0xe0dd) return offset + 8;
    if (element !== 0xe000) return -1;
    const itemEnd = length === 0xffffffff ? end : Math.min(end, offset + 8 + length);
    let inner = walk(bytes, view, offset + 8, itemEnd, explicit, little, depth, layout, () => true);
    if (
      inner + 8 <= end && view.getUint16(inner, little) === 0xfffe &&
      view.getUint16(inner + 2, little) === 0xe00d
    ) {
      inner += 8;
    }
    offset = length === 0xffffffff ? inner : offset + 8 + length;
  }
  return offset;
}

function fragments(view: DataView, start: number, end: number, little: boolean, layout: DicomLayout): number {
  let offset = start, index = 0;
  while (offset + 8 <= end) {
    const element = view.getUint16(offset + 2, little);
    const length = view.getUint32(offset + 4, little);
    if (view.getUint16(offset, little) !== 0xfffe || element !== 0xe000) return offset;
    layout.fragments.push({ offset, valueOffset: offset + 8, length, index: index++ });
    offset += 8 + length;
  }
  return offset;
}

function text(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, Math.min(bytes.length, offset + length)));
}

/**
 * Every structural boundary of a layout: element starts, length fields, value starts and ends, fragments.
 *
 * @example
 * ```ts
 * const cuts = dicomBoundaries(dicomLayout(bytes));
 * ```
 */
export function dicomBoundaries(layout: DicomLayout): number[] {
  const cuts = new Set<number>([0, 128, 132, layout.datasetOffset]);
  for (const e of layout.elements) {
    cuts.add(e.offset);
    cuts.add(e.lengthOffset);
    cuts.add(e.valueOffset);
    if (e.length > 0) cuts.add(e.valueOffset + e.length);
  }
  for (const f of layout.fragments) {
    cuts.add(f.offset);
    cuts.add(f.valueOffset);
    cuts.add(f.valueOffset + f.length);
  }
  return [...cuts].sort((a, b) => a - b);
}
