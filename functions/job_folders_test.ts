import assert from "node:assert/strict";
import { makeJobFolder, sweepStaleJobFolders } from "./job_folders.ts";

Deno.test({
  name: "sweepStaleJobFolders removes folders of dead processes and keeps live ones",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const parent = await Deno.makeTempDir();
    try {
      const live = await makeJobFolder(parent);
      // A pid above the kernel's pid_max cannot be alive.
      const dead = `${parent}/logik-job-99999999-abc`;
      await Deno.mkdir(`${dead}/out`, { recursive: true });
      assert.equal(await sweepStaleJobFolders(parent), 1);
      assert.ok(Deno.statSync(live).isDirectory);
      assert.throws(() => Deno.statSync(dead));
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  },
});
