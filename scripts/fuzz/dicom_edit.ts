/**
 * Structure-aware edits of DICOM bytes: replace or insert a top-level element and keep the File Meta
 * group length right, so that a mutant breaks exactly one thing.
 * @module
 */
import { ascii, join, splice, withUint } from "./byte_ops.ts";
import type { DicomLayout, ElementSpan } from "./dicom_structure.ts";

/**
 * The top-level element with this tag, if any.
 *
 * @example
 * ```ts
 * findElement(layout, 0x0028, 0x0010)?.valueOffset;
 * ```
 */
export function findElement(layout: DicomLayout, group: number, element: number): ElementSpan | undefined {
  return layout.elements.find((e) => e.depth === 0 && e.group === group && e.element === element);
}

/**
 * Replace an element's value (defined length, top level), fixing its length field and the meta group length.
 *
 * @example
 * ```ts
 * const out = replaceValue(bytes, layout, rowsElement, new Uint8Array([0, 0]));
 * ```
 */
export function replaceValue(
  bytes: Uint8Array,
  layout: DicomLayout,
  element: ElementSpan,
  value: Uint8Array,
): Uint8Array {
  const padded = value.length % 2 ? join([value, ascii(element.vr === "UI" ? "\0" : " ")]) : value;
  const end = element.valueOffset + Math.max(0, element.length);
  let out = splice(bytes, element.valueOffset, end, padded);
  out = withUint(out, element.lengthOffset, element.lengthBytes, padded.length, element.littleEndian);
  return fixMetaLength(out, layout, element, padded.length - Math.max(0, element.length));
}

/**
 * Insert raw element bytes before the first top-level element whose tag is greater than (group, element).
 *
 * @example
 * ```ts
 * const out = insertElement(bytes, layout, 0x0028, 0x0008, encoded);
 * ```
 */
export function insertElement(
  bytes: Uint8Array,
  layout: DicomLayout,
  group: number,
  element: number,
  encoded: Uint8Array,
): Uint8Array {
  const key = group * 0x10000 + element;
  const after = layout.elements.find((e) =>
    e.depth === 0 && e.group !== 2 && e.group * 0x10000 + e.element > key
  );
  const at = after ? after.offset : bytes.length;
  return splice(bytes, at, at, encoded);
}

/**
 * Encode a short element in the file's own encoding (explicit VR when the dataset uses it).
 *
 * @example
 * ```ts
 * encodeShort(0x0028, 0x0008, "IS", ascii("5 "), true, true);
 * ```
 */
export function encodeShort(
  group: number,
  element: number,
  vr: string,
  value: Uint8Array,
  explicit: boolean,
  little: boolean,
): Uint8Array {
  const padded = value.length % 2 ? join([value, ascii(" ")]) : value;
  const header = new Uint8Array(explicit ? 8 : 8);
  const view = new DataView(header.buffer);
  view.setUint16(0, group, little);
  view.setUint16(2, element, little);
  if (explicit) {
    header.set(ascii(vr), 4);
    view.setUint16(6, padded.length, little);
  } else {
    view.setUint32(4, padded.length, little);
  }
  return join([header, padded]);
}

/**
 * Whether the dataset (not the meta group) uses explicit VR, judged from its first element.
 *
 * @example
 * ```ts
 * datasetIsExplicit(layout); // true for most files
 * ```
 */
export function datasetIsExplicit(layout: DicomLayout): boolean {
  const first = layout.elements.find((e) => e.group !== 2);
  return first ? first.vr !== "" : true;
}

/**
 * Whether the dataset is little endian.
 *
 * @example
 * ```ts
 * datasetIsLittle(layout);
 * ```
 */
export function datasetIsLittle(layout: DicomLayout): boolean {
  const first = layout.elements.find((e) => e.group !== 2);
  return first ? first.littleEndian : true;
}

function fixMetaLength(
  bytes: Uint8Array,
  layout: DicomLayout,
  element: ElementSpan,
  delta: number,
): Uint8Array {
  if (element.group !== 2 || delta === 0) return bytes;
  const groupLength = findElement(layout, 2, 0);
  if (!groupLength || groupLength.length !== 4) return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const old = view.getUint32(groupLength.valueOffset, true);
  return withUint(bytes, groupLength.valueOffset, 4, old + delta, true);
}
