import assert from "node:assert/strict";
import { join } from "node:path";

const PUBLIC = new URL("../../shared/data/public/", import.meta.url).pathname;
const MOD = new URL("../mod.ts", import.meta.url).pathname;
const SAMPLES = [
  "dicom/US1_UNCR.dcm",
  "dicom/OBXXXX1A_2frame.dcm",
  "dicom/CT_small.dcm",
  "dicom/MR_small_RLE.dcm",
  "dicom/color-px.dcm",
  "dicom/examples_ybr_color.dcm",
  "nifti/standard.nii.gz",
  "video/sonosite_echo_pla_30f_derived.avi",
];

function cli(input: string, output: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MOD, "us", input, output, "--jobs", "1", "--json"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function snapshot(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const visit = async (dir: string, rel: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory) await visit(join(dir, entry.name), path);
      else if (entry.name === "manifest.json") {
        const manifest = JSON.parse(await Deno.readTextFile(join(dir, entry.name)));
        delete manifest.timingsMs;
        files.set(path, JSON.stringify(manifest));
      } else if (
        !["processed_files.log", "summary.json", "skipped_files.log", ".logik_skipped_keys"].includes(path)
      ) {
        const bytes = await Deno.readFile(join(dir, entry.name));
        const digest = await crypto.subtle.digest("SHA-256", bytes);
        files.set(path, Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""));
      }
    }
  };
  await visit(root, "");
  return files;
}

Deno.test("a run killed with SIGKILL halfway and rerun gives the same outputs as an uninterrupted run", async () => {
  const input = await Deno.makeTempDir({ prefix: "logik_resume_in_" });
  const whole = await Deno.makeTempDir({ prefix: "logik_resume_whole_" });
  const resumed = await Deno.makeTempDir({ prefix: "logik_resume_killed_" });
  try {
    for (const sample of SAMPLES) {
      await Deno.mkdir(join(input, sample, ".."), { recursive: true });
      await Deno.copyFile(join(PUBLIC, sample), join(input, sample));
    }
    const reference = await cli(input, whole).output();
    assert.equal(reference.code, 0, new TextDecoder().decode(reference.stderr));

    const victim = cli(input, resumed);
    const deadline = Date.now() + 120_000;
    let done = 0;
    while (Date.now() < deadline) {
      const log = await Deno.readTextFile(join(resumed, "processed_files.log")).catch(() => "");
      done = log.split("\n").filter(Boolean).length;
      if (done >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    victim.kill("SIGKILL");
    await victim.output();
    assert.ok(done >= 2 && done < SAMPLES.length, `killed after ${done} of ${SAMPLES.length} files`);

    const rerun = await cli(input, resumed).output();
    assert.equal(rerun.code, 0, new TextDecoder().decode(rerun.stderr));
    const lines = new TextDecoder().decode(rerun.stdout).split("\n").filter(Boolean);
    assert.ok(lines.length <= SAMPLES.length - 2, "the rerun skips what the killed run finished");

    const expected = await snapshot(whole);
    const actual = await snapshot(resumed);
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
    for (const [path, digest] of expected) assert.equal(actual.get(path), digest, path);
    const processed = (await Deno.readTextFile(join(resumed, "processed_files.log"))).split("\n").filter(
      Boolean,
    );
    assert.equal(new Set(processed).size, SAMPLES.length);
  } finally {
    for (const dir of [input, whole, resumed]) await Deno.remove(dir, { recursive: true });
  }
});
