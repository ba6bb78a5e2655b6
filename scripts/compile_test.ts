// `deno compile` needs the denort runtime, which it downloads; this network blocks that download.
// With DENORT_BIN pointing at a denort binary the single-binary build is tested for real; otherwise it skips, loudly.
import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;
const PUBLIC = new URL("../../shared/data/public/", import.meta.url).pathname;
const denort = Deno.env.get("DENORT_BIN");
const available = denort !== undefined &&
  (await Deno.stat(denort).then((info) => info.isFile).catch(() => false));
if (!available) {
  console.warn(
    "SKIP compile_test: DENORT_BIN is not set to a denort binary, and deno compile cannot download one on this network",
  );
}

Deno.test({
  name: "deno compile builds a single binary that processes a DICOM file",
  ignore: !available,
  async fn() {
    const dist = await Deno.makeTempDir({ prefix: "logik_compile_" });
    try {
      const binary = join(dist, "logik");
      const build = await new Deno.Command(Deno.execPath(), {
        args: ["compile", "-A", "--include", "src/file_worker.ts", "--output", binary, "mod.ts"],
        cwd: ROOT,
        env: { DENORT_BIN: denort! },
      }).output();
      assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
      const out = join(dist, "out");
      const run = await new Deno.Command(binary, {
        args: ["us", join(PUBLIC, "dicom/US1_UNCR.dcm"), out, "--jobs", "1"],
      }).output();
      assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
      const manifest = JSON.parse(await Deno.readTextFile(join(out, "US1_UNCR/manifest.json")));
      assert.equal(manifest.frames, 1);
      assert.ok(manifest.text.boxes.length > 0);
    } finally {
      await Deno.remove(dist, { recursive: true });
    }
  },
});
