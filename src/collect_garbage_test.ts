import assert from "node:assert/strict";
import { collectGarbage, releaseFreedMemory } from "./collect_garbage.ts";

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("collectGarbage runs a full collection: an unreachable 64 MB frame buffer is reclaimed", async () => {
  let frame: Uint8Array | null = new Uint8Array(64 * 2 ** 20);
  const ref = new WeakRef(frame);
  frame = null;
  // A WeakRef target stays alive until the end of the task that created or read it.
  await nextTask();
  assert.equal(collectGarbage(), true);
  await nextTask();
  assert.equal(ref.deref(), undefined);
});

Deno.test("releaseFreedMemory reaches glibc's malloc_trim on Linux with FFI allowed", () => {
  assert.equal(releaseFreedMemory(), Deno.build.os === "linux");
});
