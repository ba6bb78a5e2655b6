import assert from "node:assert/strict";
import { runStageProcess } from "./run_stage.ts";

const CT = new URL("../../../shared/data/public/dicom/CT1_JPLL.dcm", import.meta.url).pathname;

Deno.test("runStageProcess with cpus runs the stage on those CPUs only", async () => {
  const all = await runStageProcess({ stage: "read", file: CT, repetitions: 1 }, 120);
  assert.equal(all.error, undefined, all.error);
  const pinned = await runStageProcess({ stage: "read", file: CT, repetitions: 1 }, 120, { cpus: "0" });
  if (pinned.error?.includes("needs taskset")) {
    console.warn("SKIPPED: taskset (util-linux) is not installed");
    return;
  }
  assert.equal(pinned.error, undefined, pinned.error);
  assert.equal(pinned.cpusAllowed, "0");
  assert.equal(typeof pinned.framesPerSecond, "number");
  // Unpinned, the stage may use every CPU of the machine.
  const cores = navigator.hardwareConcurrency;
  if (cores > 1) assert.notEqual(all.cpusAllowed, "0");
});
