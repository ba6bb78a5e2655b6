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

Deno.test("mapBounded starts no step after a failure and rejects only once running steps have settled", async () => {
  const started: number[] = [];
  let settled = 0;
  const outcome = mapBounded(40, 4, async (index) => {
    started.push(index);
    await new Promise((resolve) => setTimeout(resolve, index === 2 ? 1 : 15));
    settled++;
    if (index === 2) throw new Error("frame 2");
    return index;
  });
  await assert.rejects(outcome, /frame 2/);
  // Steps 0-3 were running when step 2 failed; none was started after it.
  assert.deepEqual(started, [0, 1, 2, 3]);
  assert.equal(settled, 4, "every running step settled before the rejection");
});
