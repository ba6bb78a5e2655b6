import assert from "node:assert/strict";
import { splice } from "./byte_ops.ts";

Deno.test("splice cuts at the file's end when an element of a truncated file declares more bytes", async () => {
  const bytes = await Deno.readFile(
    new URL("../../../shared/data/public/dicom/MR_truncated.dcm", import.meta.url),
  );
  const cut = splice(bytes, bytes.length - 10, bytes.length + 4096, new Uint8Array(0));
  assert.equal(cut.length, bytes.length - 10);
  assert.deepEqual(cut, bytes.subarray(0, bytes.length - 10));
});
