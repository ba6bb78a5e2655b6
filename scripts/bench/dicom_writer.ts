/**
 * A minimal Explicit VR Little Endian DICOM writer for benchmark inputs: one flat dataset, native or
 * encapsulated pixel data. Just enough of PS3.5 to make files every reader accepts; no sequences.
 * @module
 */

/** One data element; `value` is a string (padded per VR), numbers (US/UL) or raw bytes (OB/OW). */
export interface Element {
  tag: [number, number];
  vr: string;
  value: string | number[] | Uint8Array;
}

/** Transfer syntax UIDs used by the bench. */
export const TRANSFER_SYNTAX = {
  explicitLittle: "1.2.840.10008.1.2.1",
  jpegBaseline: "1.2.840.10008.1.2.4.50",
} as const;

const LONG_VRS = new Set(["OB", "OW", "OF", "SQ", "UT", "UN", "UC", "UR", "OD", "OL", "OV"]);

/**
 * Encode one element (explicit VR, little endian). Undefined length (0xFFFFFFFF) when `undefinedLength`.
 *
 * @example
 * ```ts
 * const bytes = encodeElement({ tag: [0x0028, 0x0010], vr: "US", value: [600] });
 * bytes.length; // 10
 * ```
 */
export function encodeElement(element: Element, undefinedLength = false): Uint8Array {
  const value = valueBytes(element);
  const long = LONG_VRS.has(element.vr);
  const header = new Uint8Array(long ? 12 : 8);
  const view = new DataView(header.buffer);
  view.setUint16(0, element.tag[0], true);
  view.setUint16(2, element.tag[1], true);
  header[4] = element.vr.charCodeAt(0);
  header[5] = element.vr.charCodeAt(1);
  if (long) view.setUint32(8, undefinedLength ? 0xffffffff : value.length, true);
  else view.setUint16(6, value.length, true);
  return concat([header, value]);
}

function valueBytes(element: Element): Uint8Array {
  const { vr, value } = element;
  if (value instanceof Uint8Array) return value.length % 2 ? concat([value, new Uint8Array(1)]) : value;
  if (Array.isArray(value)) {
    const size = vr === "UL" ? 4 : 2;
    const out = new Uint8Array(value.length * size);
    const view = new DataView(out.buffer);
    value.forEach((number, index) => {
      if (size === 4) view.setUint32(index * size, number, true);
      else view.setUint16(index * size, number, true);
    });
    return out;
  }
  const text = new TextEncoder().encode(value);
  if (text.length % 2 === 0) return text;
  // UIDs pad with NUL, everything else with a space (PS3.5 6.2).
  return concat([text, new Uint8Array([vr === "UI" ? 0 : 0x20])]);
}

/**
 * Encapsulated pixel data: an empty basic offset table then one fragment per frame, then the delimiter.
 *
 * @example
 * ```ts
 * const pixelData = encapsulate([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])]);
 * ```
 */
export function encapsulate(frames: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [
    encodeElement({ tag: [0x7fe0, 0x0010], vr: "OB", value: new Uint8Array(0) }, true),
  ];
  parts.push(item(new Uint8Array(0)));
  for (const frame of frames) parts.push(item(frame.length % 2 ? concat([frame, new Uint8Array(1)]) : frame));
  const delimiter = new Uint8Array(8);
  new DataView(delimiter.buffer).setUint16(0, 0xfffe, true);
  new DataView(delimiter.buffer).setUint16(2, 0xe0dd, true);
  parts.push(delimiter);
  return concat(parts);
}

function item(content: Uint8Array): Uint8Array {
  const header = new Uint8Array(8);
  const view = new DataView(header.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, 0xe000, true);
  view.setUint32(4, content.length, true);
  return concat([header, content]);
}

/**
 * A whole Part 10 file: preamble, "DICM", File Meta group, then the dataset elements in the order given
 * (callers pass them sorted by tag) and optional raw trailing bytes (e.g. encapsulated pixel data).
 *
 * @example
 * ```ts
 * const file = dicomFile("1.2.840.10008.5.1.4.1.1.7", "1.2.3.4", TRANSFER_SYNTAX.explicitLittle, [], new Uint8Array());
 * ```
 */
export function dicomFile(
  sopClassUid: string,
  sopInstanceUid: string,
  transferSyntax: string,
  dataset: Element[],
  trailing: Uint8Array,
): Uint8Array {
  const meta = concat([
    encodeElement({ tag: [0x0002, 0x0001], vr: "OB", value: new Uint8Array([0, 1]) }),
    encodeElement({ tag: [0x0002, 0x0002], vr: "UI", value: sopClassUid }),
    encodeElement({ tag: [0x0002, 0x0003], vr: "UI", value: sopInstanceUid }),
    encodeElement({ tag: [0x0002, 0x0010], vr: "UI", value: transferSyntax }),
    encodeElement({ tag: [0x0002, 0x0012], vr: "UI", value: "1.2.826.0.1.3680043.10.1234.1" }),
  ]);
  const groupLength = encodeElement({ tag: [0x0002, 0x0000], vr: "UL", value: [meta.length] });
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, groupLength, meta, ...dataset.map((element) => encodeElement(element)), trailing]);
}

/**
 * Join byte arrays.
 *
 * @example
 * ```ts
 * concat([new Uint8Array([1]), new Uint8Array([2])]); // Uint8Array [1, 2]
 * ```
 */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
