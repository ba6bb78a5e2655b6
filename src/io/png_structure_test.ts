import assert from "node:assert/strict";
import { CorruptFileError } from "../errors.ts";
import { readImage } from "./image.ts";
import { pngStructureProblem } from "./png_structure.ts";

const PNG = Deno.readFileSync(new URL("../../fixtures/truth/case_0000_roi.png", import.meta.url));
/** First IDAT chunk: its offset, from a walk of the real file. */
function idatAt(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  let position = 8;
  while (String.fromCharCode(...bytes.subarray(position + 4, position + 8)) !== "IDAT") {
    position += 12 + view.getUint32(position);
  }
  return position;
}

Deno.test("pngStructureProblem: a sound PNG has none", () => {
  assert.equal(pngStructureProblem(PNG), undefined);
});

Deno.test("pngStructureProblem: a cut IDAT and a flipped IDAT bit are named with their byte offset", () => {
  const at = idatAt(PNG);
  const length = new DataView(PNG.buffer).getUint32(at);
  assert.equal(
    pngStructureProblem(PNG.subarray(0, at + 20)),
    `PNG chunk IDAT at byte ${at} declares ${length} data bytes, but the file ends 12 bytes later (CRC included)`,
  );
  const flipped = PNG.slice();
  flipped[at + 8 + 5] ^= 0x10;
  assert.equal(
    pngStructureProblem(flipped),
    `PNG chunk IDAT at byte ${at}: CRC mismatch (the chunk's type or data is damaged)`,
  );
});

Deno.test("readImage: libpng's bare read error becomes the broken chunk, naming the path", async () => {
  const at = idatAt(PNG);
  await assert.rejects(readImage(PNG.subarray(0, at + 100), { path: "in/roi.png" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.match(
      error.message,
      /^in\/roi\.png: PNG chunk IDAT at byte \d+ declares \d+ data bytes, but the file ends/,
    );
    return true;
  });
  const header = PNG.slice();
  header[16 + 3] ^= 0x01; // IHDR width
  await assert.rejects(
    readImage(header, { path: "w.png" }),
    /^CorruptFileError: w\.png: PNG chunk IHDR at byte 8: CRC mismatch/,
  );
});
