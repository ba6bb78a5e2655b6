import assert from "node:assert/strict";
import { readWords, storedSamples, swapBytePairs } from "./pixel_samples.ts";

Deno.test("storedSamples sign-extends BitsStored < 16 and masks bits above BitsStored", () => {
  assert.deepEqual([...storedSamples(new Uint16Array([0x0fff, 0x0800, 0x07ff, 0xf001]), 12, true)], [
    -1,
    -2048,
    2047,
    1,
  ]);
  assert.deepEqual([...storedSamples(new Uint16Array([0xf123]), 12, false)], [0x123]);
  const signed8 = storedSamples(new Uint8Array([0xff, 0x7f]), 8, true);
  assert.ok(signed8 instanceof Int16Array);
  assert.deepEqual([...signed8], [-1, 127]);
  const full = new Uint16Array([65535]);
  assert.equal(storedSamples(full, 16, false), full);
});

Deno.test("swapBytePairs and readWords handle big-endian words, odd offsets too", () => {
  assert.deepEqual([...swapBytePairs(new Uint8Array([1, 2, 3, 4, 5]))], [2, 1, 4, 3, 5]);
  assert.deepEqual([...readWords(new Uint8Array([9, 0x12, 0x34]), 1, 1, false)], [0x1234]);
  assert.deepEqual([...readWords(new Uint8Array([9, 0x12, 0x34]), 1, 1, true)], [0x3412]);
});
