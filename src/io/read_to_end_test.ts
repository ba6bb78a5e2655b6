import assert from "node:assert/strict";
import { readToEnd } from "./read_to_end.ts";

const PATH = "../shared/data/public/dicom/US1_UNCR.dcm";

Deno.test("readToEnd gives the file's bytes when the stat size is right, too small or too large", async () => {
  const expected = await Deno.readFile(PATH);
  // Too small stands for a file that grew after the stat, too large for one that shrank.
  for (const size of [expected.length, 1000, expected.length + 12345]) {
    using file = await Deno.open(PATH);
    const bytes = await readToEnd(file, size);
    assert.equal(bytes.length, expected.length, `stat size ${size}`);
    assert.deepEqual(bytes, expected);
  }
});
