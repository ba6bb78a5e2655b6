import assert from "node:assert/strict";
import { mapBounded } from "./map_bounded.ts";

Deno.test("mapBounded keeps index order and never runs more than the limit at once", async () => {
  let running = 0, peak = 0;
  const results = await mapBounded(7, 2, async (index) => {
    running++;
    peak = Math.max(peak, running);
    // Later indices finish first, so order comes from the index, not from completion.
    await new Promise((resolve) => setTimeout(resolve, (7 - index) * 3));
    running--;
    return index * index;
  });
  assert.deepEqual(results, [0, 1, 4, 9, 16, 25, 36]);
  assert.equal(peak, 2);
});

Deno.test("mapBounded rejects with the step's error and refuses a limit below 1", async () => {
  await assert.rejects(
    mapBounded(3, 2, (index) => index === 1 ? Promise.reject(new Error("frame 1")) : Promise.resolve(index)),
    /frame 1/,
  );
  await assert.rejects(mapBounded(1, 0, () => Promise.resolve(0)), RangeError);
});
