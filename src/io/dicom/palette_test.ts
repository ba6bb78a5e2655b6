import assert from "node:assert/strict";
import { applyPalette, expandSegmentedLut, type Palette } from "./palette.ts";

Deno.test("expandSegmentedLut: discrete, linear (both slopes, flat) and indirect segments", () => {
  assert.deepEqual(expandSegmentedLut(new Uint16Array([0, 2, 0, 112])), [0, 112]);
  assert.deepEqual(
    expandSegmentedLut(new Uint16Array([0, 2, 0, 28672, 1, 5, 49152])),
    [0, 28672, 32768, 36864, 40960, 45056, 49152],
  );
  assert.deepEqual(
    expandSegmentedLut(new Uint16Array([0, 2, 0, 49152, 1, 5, 28672])),
    [0, 49152, 45056, 40960, 36864, 32768, 28672],
  );
  assert.deepEqual(expandSegmentedLut(new Uint16Array([0, 1, 7, 1, 3, 7])), [7, 7, 7, 7]);
  // indirect: replay 2 segments starting at word 0
  assert.deepEqual(
    expandSegmentedLut(new Uint16Array([0, 2, 0, 112, 1, 5, 192, 2, 2, 0, 0])),
    [0, 112, 128, 144, 160, 176, 192, 0, 112, 128, 144, 160, 176, 192],
  );
  assert.throws(() => expandSegmentedLut(new Uint16Array([1, 5, 100])), /starts with a linear segment/);
  assert.throws(() => expandSegmentedLut(new Uint16Array([3, 1, 0])), /unknown segment type/);
});

Deno.test("applyPalette clamps below the first mapped value and past the last entry", () => {
  const channel = (values: number[]) => ({ firstMapped: 10, entries: new Uint8Array(values) });
  const palette: Palette = { red: channel([1, 2, 3]), green: channel([4, 5, 6]), blue: channel([7, 8, 9]) };
  const rgb = applyPalette(new Uint16Array([0, 10, 11, 12, 500]), palette, new Uint8Array(15));
  assert.deepEqual([...rgb], [1, 4, 7, 1, 4, 7, 2, 5, 8, 3, 6, 9, 3, 6, 9]);
});
