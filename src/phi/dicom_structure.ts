/**
 * Structural check of a DICOM Part 10 byte stream before de-identification: every element header and
 * value must lie inside the file and every undefined-length sequence must be closed. dcmjs silently
 * shortens a value cut off by the end of the file; a de-identifier must refuse such a file instead.
 * @module
 */

import { inflateRawSync } from "node:zlib";
import { LONG_VRS } from "../io/dicom/value_representations.ts";

const UNDEFINED = 0xffffffff;

interface Cursor {
  view: DataView;
  explicit: boolean;
  little: boolean;
}

const hex = (value: number) => value.toString(16).padStart(4, "0").toUpperCase();

/**
 * The first structural problem found, or null when every element fits. Never mentions values.
 *
 * @example
 * ```ts
 * elementStructureProblem(Deno.readFileSync("MR_small.dcm")); // null
 * elementStructureProblem(Deno.readFileSync("MR_small.dcm").slice(0, 600)); // "element (0008,0070) ..."
 * ```
 */
export function elementStructureProblem(bytes: Uint8Array): string | null {
  try {
    if (bytes.length < 132 || new TextDecoder().decode(bytes.subarray(128, 132)) !== "DICM") {
      return "no DICM signature at byte 128";
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const meta: Cursor = { view, explicit: true, little: true };
    let offset = 132;
    let transferSyntax = "";
    while (offset + 8 <= bytes.length && view.getUint16(offset, true) === 0x0002) {
      const element = view.getUint16(offset + 2, true);
      const header = readHeader(meta, offset, bytes.length);
      if (typeof header === "string") return header;
      if (element === 0x0010) {
        transferSyntax = new TextDecoder().decode(
          bytes.subarray(header.valueStart, header.valueStart + header.length),
        )
          .replace(/[\0 ]+$/, "");
      }
      offset = header.valueStart + header.length;
    }
    let body = bytes.subarray(offset);
    if (transferSyntax === "1.2.840.10008.1.2.1.99") body = new Uint8Array(inflateRawSync(body));
    const cursor: Cursor = {
      view: new DataView(body.buffer, body.byteOffset, body.byteLength),
      explicit: transferSyntax !== "1.2.840.10008.1.2",
      little: transferSyntax !== "1.2.840.10008.1.2.2",
    };
    const result = walk(cursor, 0, body.length, false, 0);
    return typeof result === "string" ? result : null;
  } catch (error) {
    return `unreadable structure (${(error as Error).name})`;
  }
}

interface Header {
  group: number;
  element: number;
  vr: string;
  length: number;
  valueStart: number;
}

function readHeader(cursor: Cursor, offset: number, end: number): Header | string {
  const { view, little } = cursor;
  if (offset + 8 > end) return "element header cut off by the end of the data";
  const group = view.getUint16(offset, little);
  const element = view.getUint16(offset + 2, little);
  const name = `element (${hex(group)},${hex(element)})`;
  if (group === 0xfffe || !cursor.explicit) {
    const length = view.getUint32(offset + 4, little);
    return check({ group, element, vr: "", length, valueStart: offset + 8 }, end, name);
  }
  const vr = String.fromCharCode(view.getUint8(offset + 4), view.getUint8(offset + 5));
  if (LONG_VRS.has(vr)) {
    if (offset + 12 > end) return `${name}: header cut off`;
    return check(
      { group, element, vr, length: view.getUint32(offset + 8, little), valueStart: offset + 12 },
      end,
      name,
    );
  }
  return check(
    { group, element, vr, length: view.getUint16(offset + 6, little), valueStart: offset + 8 },
    end,
    name,
  );
}

function check(header: Header, end: number, name: string): Header | string {
  if (header.length !== UNDEFINED && header.valueStart + header.length > end) {
    return `${name}: value length exceeds the data`;
  }
  return header;
}

/** Walk elements in [offset, end); in an undefined-length item, stop after the item delimiter. */
function walk(
  cursor: Cursor,
  offset: number,
  end: number,
  inUndefinedItem: boolean,
  depth: number,
): number | string {
  if (depth > 32) return "sequences nested too deeply";
  while (offset < end) {
    const header = readHeader(cursor, offset, end);
    if (typeof header === "string") return header;
    if (header.group === 0xfffe && header.element === 0xe00d) {
      if (inUndefinedItem) return header.valueStart;
      return "item delimiter outside an item";
    }
    if (header.length !== UNDEFINED) {
      if (header.vr === "SQ") {
        const items = walkItems(cursor, header.valueStart, header.valueStart + header.length, false, depth);
        if (typeof items === "string") return items;
      }
      offset = header.valueStart + header.length;
      continue;
    }
    const next = walkItems(cursor, header.valueStart, end, true, depth);
    if (typeof next === "string") return next;
    offset = next;
  }
  return inUndefinedItem ? "item not closed before the end of its container" : offset;
}

/** Items of a sequence (or fragments of encapsulated pixel data, whose contents are not parsed). */
function walkItems(
  cursor: Cursor,
  offset: number,
  end: number,
  undefinedLength: boolean,
  depth: number,
): number | string {
  while (offset < end) {
    const header = readHeader(cursor, offset, end);
    if (typeof header === "string") return header;
    if (header.group !== 0xfffe) {
      return `unexpected element (${hex(header.group)},${hex(header.element)}) in a sequence`;
    }
    if (header.element === 0xe0dd) return header.valueStart;
    if (header.element !== 0xe000) return "unexpected delimiter in a sequence";
    if (header.length === UNDEFINED) {
      const next = walk(cursor, header.valueStart, end, true, depth + 1);
      if (typeof next === "string") return next;
      offset = next;
    } else {
      offset = header.valueStart + header.length;
    }
  }
  return undefinedLength ? "sequence not closed before the end of the data" : offset;
}
