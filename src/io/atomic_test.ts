import assert from "node:assert/strict";
import { join } from "node:path";
import { stageFolder, sweepTemporaries, TEMP_MARKER } from "./atomic.ts";

Deno.test("sweepTemporaries removes a staging folder that still receives writes, as an abandoned worker's does", async () => {
  const root = await Deno.makeTempDir({ prefix: "logik_sweep_" });
  // A terminated worker's writes in flight still land while the sweep runs, but they are few: here
  // ten more batches of four frames after the sweep starts. A writer that never stops could keep the
  // folder non-empty through every retry under load (clean-clone CI saw that once).
  let batchesLeft = Infinity;
  let writer: Promise<void> = Promise.resolve();
  try {
    const frame = await Deno.readFile("fixtures/inputs/case_0004.jpg");
    const staging = await stageFolder(join(root, "case"));
    let written = 0;
    writer = (async () => {
      for (; batchesLeft > 0; batchesLeft--) {
        const batch = Array.from({ length: 4 }, () => written++).map((index) =>
          Deno.writeFile(join(staging.path, `frame_${index}.jpeg`), frame).catch((error) => {
            if (error instanceof Deno.errors.NotFound) batchesLeft = 0;
          })
        );
        await Promise.all(batch);
      }
    })();
    while (written < 40) await new Promise((resolve) => setTimeout(resolve, 1));
    batchesLeft = Math.min(batchesLeft, 10);
    assert.equal(await sweepTemporaries(root), 1);
    await writer;
    const left = await Array.fromAsync(Deno.readDir(root));
    assert.deepEqual(left.filter((entry) => entry.name.startsWith(TEMP_MARKER)), []);
  } finally {
    batchesLeft = 0;
    await writer;
    await Deno.remove(root, { recursive: true });
  }
});
