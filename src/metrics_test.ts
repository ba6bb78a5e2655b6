import assert from "node:assert/strict";
import { colorSelect, diceScore, imshowpair } from "./metrics.ts";

const mask = (values: number[]) => ({ rows: 1, cols: values.length, data: Uint8Array.from(values) });

Deno.test("diceScore follows PyLogik: label k only, empty pair scores 1", () => {
  assert.equal(diceScore(mask([1, 1, 0, 0]), mask([0, 1, 1, 0])), 0.5);
  assert.equal(diceScore(mask([1, 1, 1, 1]), mask([1, 1, 1, 1])), 1);
  assert.equal(diceScore(mask([0, 0]), mask([0, 0])), 1);
  assert.equal(diceScore(mask([1, 0]), mask([0, 1])), 0);
  // Label images: only k counts; 0/255 masks need k = 255.
  assert.equal(diceScore(mask([2, 2, 1, 0]), mask([2, 1, 1, 0]), 2), 2 / 3);
  assert.equal(diceScore(mask([255, 0]), mask([255, 255]), 255), 2 / 3);
  assert.throws(() => diceScore(mask([1]), mask([1, 0])), RangeError);
});

Deno.test("imshowpair: green = pred only, magenta = truth only, white = both, black = neither", () => {
  const frame = imshowpair(mask([1, 1, 0, 0]), mask([0, 1, 1, 0]));
  assert.equal(frame.channels, 3);
  assert.deepEqual([...frame.data], [124, 252, 0, 255, 255, 255, 255, 0, 252, 0, 0, 0]);
  const custom = imshowpair(mask([255]), mask([0]), [1, 2, 3], [4, 5, 6]);
  assert.deepEqual([...custom.data], [1, 2, 3]);
});

Deno.test("colorSelect picks chromatic pixels, ignores greys and single-channel frames", () => {
  const frame = {
    rows: 1,
    cols: 4,
    channels: 3 as const,
    // Doppler red, grey, slightly tinted grey (JPEG noise), blue overlay.
    data: Uint8Array.from([220, 30, 10, 128, 128, 128, 130, 122, 126, 20, 40, 230]),
  };
  assert.deepEqual([...colorSelect(frame).data], [1, 0, 0, 1]);
  assert.deepEqual([...colorSelect(frame, 5).data], [1, 0, 1, 1]);
  assert.deepEqual(
    [...colorSelect({ rows: 1, cols: 2, channels: 1, data: Uint8Array.from([0, 255]) }).data],
    [0, 0],
  );
});
