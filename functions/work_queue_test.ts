import assert from "node:assert/strict";
import { createWorkQueue } from "./work_queue.ts";

Deno.test("createWorkQueue runs at most `concurrency` tasks and refuses what does not fit", async () => {
  const queue = createWorkQueue(2, 1);
  let running = 0;
  let peak = 0;
  const gates: (() => void)[] = [];
  const task = () =>
    new Promise<number>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      gates.push(() => {
        running--;
        resolve(1);
      });
    });
  assert.equal(queue.tryAddAll([task, task, task, task]), null, "4 tasks do not fit in 2 + 1");
  const accepted = queue.tryAddAll([task, task, task])!;
  assert.equal(queue.active, 2);
  assert.equal(queue.waiting, 1);
  assert.equal(queue.tryAddAll([task]), null);
  while (gates.length > 0 || queue.active > 0) {
    gates.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assert.deepEqual(await Promise.all(accepted), [1, 1, 1]);
  assert.equal(peak, 2);
  await queue.idle();
  assert.equal(queue.free, 3);
});
