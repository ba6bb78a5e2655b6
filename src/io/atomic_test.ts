import assert from "node:assert/strict";
import { join } from "node:path";
import { stageFolder, sweepTemporaries, TEMP_MARKER } from "./atomic.ts";

Deno.test("sweepTemporaries removes a staging folder that still receives writes, as an abandoned worker's does", async () => {
  const root = await Deno.makeTempDir({ prefix: "logik_sweep_" });
  try {
    const frame = await Deno.readFile("fixtures/inputs/case_0004.jpg");
    const staging = await stageFolder(join(root, "case"));
    // Writes keep landing in the folder, four at a time, until it is gone (as a terminated worker's
    // in-flight frame writes do).
    let written = 0, gone = false;
    const writer = (async () => {
      while (!gone) {
        const batch = Array.from({ length: 4 }, () => written++).map((index) =>
          Deno.writeFile(join(staging.path, `frame_${index}.jpeg`), frame).catch((error) => {
            if (error instanceof Deno.errors.NotFound) gone = true;
          })
        );
        await Promise.all(batch);
      }
    })();
    while (written < 40) await new Promise((resolve) => setTimeout(resolve, 1));
    assert.equal(await sweepTemporaries(root), 1);
    gone = true;
    await writer;
    const left = await Array.fromAsync(Deno.readDir(root));
    assert.deepEqual(left.filter((entry) => entry.name.startsWith(TEMP_MARKER)), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
