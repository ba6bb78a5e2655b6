/**
 * The protobuf wire format, field by field: enough to take an ONNX model apart and put it back
 * together without a schema compiler. Unknown fields pass through untouched.
 * @module
 */

/** One field of a message: a varint (wire type 0), or bytes (2: length-delimited; 1 and 5: fixed 64/32-bit). */
export type WireField =
  | { number: number; wireType: 0; varint: bigint }
  | { number: number; wireType: 1 | 2 | 5; bytes: Uint8Array };

/** The model bytes are not a well-formed protobuf message. */
export class WireFormatError extends Error {}

/**
 * Split a message into its fields, in order. Byte fields are views into `bytes`, not copies.
 *
 * @example
 * ```ts
 * decodeMessage(new Uint8Array([0x08, 0x96, 0x01])); // [{ number: 1, wireType: 0, varint: 150n }]
 * ```
 */
export function decodeMessage(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let offset = 0;
  const varint = (): bigint => {
    const { value, next } = readVarint(bytes, offset);
    offset = next;
    return value;
  };
  const take = (length: number): Uint8Array => {
    if (length < 0 || offset + length > bytes.length) {
      throw new WireFormatError(`field of ${length} bytes runs past the end at byte ${offset}`);
    }
    const view = bytes.subarray(offset, offset + length);
    offset += length;
    return view;
  };
  while (offset < bytes.length) {
    const key = varint();
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (number === 0) throw new WireFormatError(`field number 0 at byte ${offset}`);
    if (wireType === 0) fields.push({ number, wireType, varint: varint() });
    else if (wireType === 1) fields.push({ number, wireType, bytes: take(8) });
    else if (wireType === 5) fields.push({ number, wireType, bytes: take(4) });
    else if (wireType === 2) fields.push({ number, wireType, bytes: take(Number(varint())) });
    else throw new WireFormatError(`unsupported wire type ${wireType} at byte ${offset}`);
  }
  return fields;
}

/** A nested message to be encoded in place, without first encoding it into bytes of its own. */
export interface NestedField {
  number: number;
  wireType: 2;
  message: OutputField[];
}

/** A field to encode: as decoded, or a nested message. */
export type OutputField = WireField | NestedField;

/**
 * Serialise fields in the given order into one buffer of the exact size: nested messages are written
 * in place, so a model of N bytes costs N bytes to encode, not N per nesting level.
 *
 * @example
 * ```ts
 * encodeMessage([{ number: 1, wireType: 0, varint: 150n }]); // Uint8Array [0x08, 0x96, 0x01]
 * ```
 */
export function encodeMessage(fields: OutputField[]): Uint8Array {
  const sizes = new Map<OutputField[], number>();
  const out = new Uint8Array(messageSize(fields, sizes));
  const end = writeMessage(fields, sizes, out, 0);
  if (end !== out.length) throw new WireFormatError(`encoded ${end} bytes of ${out.length}`);
  return out;
}

function messageSize(fields: OutputField[], sizes: Map<OutputField[], number>): number {
  let size = 0;
  for (const field of fields) {
    size += varintSize(BigInt(field.number) << 3n | BigInt(field.wireType));
    if (field.wireType === 0) size += varintSize(field.varint);
    else if ("message" in field) {
      const inner = messageSize(field.message, sizes);
      sizes.set(field.message, inner);
      size += varintSize(BigInt(inner)) + inner;
    } else {
      if (field.wireType === 2) size += varintSize(BigInt(field.bytes.length));
      size += field.bytes.length;
    }
  }
  return size;
}

function writeMessage(
  fields: OutputField[],
  sizes: Map<OutputField[], number>,
  out: Uint8Array,
  offset: number,
): number {
  for (const field of fields) {
    offset = writeVarint(BigInt(field.number) << 3n | BigInt(field.wireType), out, offset);
    if (field.wireType === 0) offset = writeVarint(field.varint, out, offset);
    else if ("message" in field) {
      offset = writeVarint(BigInt(sizes.get(field.message)!), out, offset);
      offset = writeMessage(field.message, sizes, out, offset);
    } else {
      if (field.wireType === 2) offset = writeVarint(BigInt(field.bytes.length), out, offset);
      out.set(field.bytes, offset);
      offset += field.bytes.length;
    }
  }
  return offset;
}

/** The varint at `offset`, and the offset after it. */
function readVarint(bytes: Uint8Array, offset: number): { value: bigint; next: number } {
  let value = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (offset >= bytes.length) throw new WireFormatError(`varint runs past the end at byte ${offset}`);
    const byte = bytes[offset++];
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return { value: BigInt.asUintN(64, value), next: offset };
  }
  throw new WireFormatError(`varint longer than 10 bytes at byte ${offset}`);
}

/** Bytes of a varint: a non-negative value, or a negative int64 (ten bytes, two's complement). */
function varintSize(value: bigint): number {
  let rest = BigInt.asUintN(64, value);
  let size = 1;
  while (rest >= 0x80n) {
    rest >>= 7n;
    size++;
  }
  return size;
}

function writeVarint(value: bigint, out: Uint8Array, offset: number): number {
  let rest = BigInt.asUintN(64, value);
  while (rest >= 0x80n) {
    out[offset++] = Number(rest & 0x7fn) | 0x80;
    rest >>= 7n;
  }
  out[offset++] = Number(rest);
  return offset;
}

/**
 * The values of a repeated varint field, packed (one bytes field) or not, as signed 64-bit numbers.
 *
 * @example
 * ```ts
 * repeatedVarints(decodeMessage(new Uint8Array([0x0a, 0x02, 0x03, 0x04])), 1); // [3, 4]
 * ```
 */
export function repeatedVarints(fields: WireField[], number: number): number[] {
  const values: number[] = [];
  for (const field of fields) {
    if (field.number !== number) continue;
    if (field.wireType === 0) values.push(Number(BigInt.asIntN(64, field.varint)));
    else if (field.wireType === 2) {
      // Packed: the varints follow one another inside one length-delimited field.
      for (let offset = 0; offset < field.bytes.length;) {
        const { value, next } = readVarint(field.bytes, offset);
        values.push(Number(BigInt.asIntN(64, value)));
        offset = next;
      }
    }
  }
  return values;
}

/**
 * Strings exactly as stored: invalid UTF-8 is an error (not U+FFFD) and a leading BOM is kept, so a
 * name decoded and encoded again is the same name.
 */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The value of a string field (the last one wins, as protobuf says), or "" when absent.
 *
 * @example
 * ```ts
 * stringField(decodeMessage(new Uint8Array([0x0a, 0x01, 0x41])), 1); // "A"
 * ```
 */
export function stringField(fields: WireField[], number: number): string {
  const field = fields.findLast((candidate) => candidate.number === number && candidate.wireType === 2);
  return field && field.wireType === 2 ? utf8.decode(field.bytes) : "";
}

/**
 * All values of a repeated string field, in order.
 *
 * @example
 * ```ts
 * repeatedStrings(decodeMessage(new Uint8Array([0x0a, 0x01, 0x41, 0x0a, 0x01, 0x42])), 1); // ["A", "B"]
 * ```
 */
export function repeatedStrings(fields: WireField[], number: number): string[] {
  return fields.flatMap((field) =>
    field.number === number && field.wireType === 2 ? [utf8.decode(field.bytes)] : []
  );
}

/**
 * A length-delimited field holding a string.
 *
 * @example
 * ```ts
 * encodeMessage([textField(4, "Conv")]);
 * ```
 */
export function textField(number: number, text: string): WireField {
  return { number, wireType: 2, bytes: new TextEncoder().encode(text) };
}

/**
 * A length-delimited field holding a nested message.
 *
 * @example
 * ```ts
 * encodeMessage([messageField(7, [textField(2, "graph")])]);
 * ```
 */
export function messageField(number: number, fields: OutputField[]): NestedField {
  return { number, wireType: 2, message: fields };
}

/**
 * A varint field.
 *
 * @example
 * ```ts
 * encodeMessage([varintField(2, 1)]); // data_type FLOAT
 * ```
 */
export function varintField(number: number, value: number): WireField {
  return { number, wireType: 0, varint: BigInt(value) };
}
