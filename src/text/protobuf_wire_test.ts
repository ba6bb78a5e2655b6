import assert from "node:assert/strict";
import { ocrModelPaths } from "./model_files.ts";
import { decodeMessage, encodeMessage, repeatedVarints, WireFormatError } from "./protobuf_wire.ts";

Deno.test("decodeMessage and encodeMessage give back the detection model byte for byte", async () => {
  const bytes = await Deno.readFile(ocrModelPaths().detection);
  const fields = decodeMessage(bytes);
  assert.ok(
    fields.some((field) => field.number === 7 && field.wireType === 2),
    "a ModelProto has its graph in field 7",
  );
  assert.deepEqual(encodeMessage(fields), bytes);
});

Deno.test("repeatedVarints reads packed and unpacked runs, and negative int64 values", () => {
  // Field 1 packed [3, 300], then field 1 unpacked -1 (ten bytes of two's complement).
  const bytes = new Uint8Array([0x0a, 0x03, 0x03, 0xac, 0x02, 0x08, ...Array(9).fill(0xff), 0x01]);
  const fields = decodeMessage(bytes);
  assert.deepEqual(repeatedVarints(fields, 1), [3, 300, -1]);
  assert.deepEqual(encodeMessage(fields), bytes);
});

Deno.test("decodeMessage rejects truncated and malformed input with a reason", () => {
  // A length-delimited field claiming 5 bytes with 1 present.
  assert.throws(() => decodeMessage(new Uint8Array([0x0a, 0x05, 0x41])), WireFormatError);
  // A varint cut off.
  assert.throws(() => decodeMessage(new Uint8Array([0x08, 0x96])), WireFormatError);
  // Wire type 3 (groups) is not used by ONNX.
  assert.throws(() => decodeMessage(new Uint8Array([0x0b])), /wire type 3/);
  // Field number 0 is invalid.
  assert.throws(() => decodeMessage(new Uint8Array([0x00, 0x01])), /field number 0/);
});
