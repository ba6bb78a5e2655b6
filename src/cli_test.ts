import assert from "node:assert/strict";
import { join } from "node:path";

const PUBLIC = new URL("../../shared/data/public/", import.meta.url).pathname;
const MOD = new URL("../mod.ts", import.meta.url).pathname;

async function logik(...args: string[]) {
  const result = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", MOD, ...args] }).output();
  const decoder = new TextDecoder();
  return { code: result.code, stdout: decoder.decode(result.stdout), stderr: decoder.decode(result.stderr) };
}

Deno.test("--help shows usage with examples and exits 0", async () => {
  const { code, stdout } = await logik("--help");
  assert.equal(code, 0);
  assert.match(stdout, /Usage:/);
  assert.match(stdout, /Examples:/);
  assert.match(stdout, /logik us/);
});

Deno.test("usage errors exit 2 with a readable line", async () => {
  const badMode = await logik("scan", "in", "out");
  assert.equal(badMode.code, 2);
  assert.match(badMode.stderr, /first argument must be one of deid, us, one, clean, text/);
  const badQuality = await logik(
    "us",
    join(PUBLIC, "dicom/CT_small.dcm"),
    "/tmp/logik_never",
    "--quality",
    "300",
  );
  assert.equal(badQuality.code, 2);
  assert.match(badQuality.stderr, /--quality: /);
  const badFormat = await logik(
    "us",
    join(PUBLIC, "dicom/CT_small.dcm"),
    "/tmp/logik_never",
    "--format",
    "gif",
  );
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /--format: /);
  const unknownFlag = await logik("us", "a", "b", "--colour");
  assert.equal(unknownFlag.code, 2);
  const noKey = await logik(
    "us",
    join(PUBLIC, "dicom/CT_small.dcm"),
    "/tmp/logik_never",
    "--format",
    "dicom",
  );
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /site-key/);
});

Deno.test("exit 1 when a file is skipped, JSON lines per file, and --rename hides names unless --mapping", async () => {
  const input = await Deno.makeTempDir({ prefix: "logik_cli_in_" });
  const out = await Deno.makeTempDir({ prefix: "logik_cli_out_" });
  const secure = await Deno.makeTempDir({ prefix: "logik_cli_map_" });
  try {
    await Deno.copyFile(join(PUBLIC, "dicom/MR_small.dcm"), join(input, "Doe_John.dcm"));
    await Deno.copyFile(join(PUBLIC, "dicom/MR_truncated.dcm"), join(input, "broken.dcm"));
    const mapping = join(secure, "map.csv");
    const run = await logik("deid", input, out, "--rename", "--mapping", mapping, "--json", "--jobs", "1");
    assert.equal(run.code, 1);
    const lines = run.stdout.trim().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((line) => line.status).sort(), ["ok", "skipped"]);
    const folders = [];
    for await (const entry of Deno.readDir(out)) if (entry.isDirectory) folders.push(entry.name);
    assert.equal(folders.length, 1);
    assert.match(folders[0], /^[0-9a-f]{16}$/);
    const manifest = JSON.parse(await Deno.readTextFile(join(out, folders[0], "manifest.json")));
    assert.equal(manifest.source, undefined, "no source path with --rename");
    const csv = await Deno.readTextFile(join(out, folders[0], `${folders[0]}_txt.csv`));
    assert.ok(!csv.includes("Doe_John"), "the CSV does not name the original file");
    const table = await Deno.readTextFile(mapping);
    assert.match(table, new RegExp(`Doe_John\\.dcm,${folders[0]}`));
  } finally {
    for (const dir of [input, out, secure]) await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--low-memory finds and masks the same text as the default detector", async () => {
  const out = await Deno.makeTempDir({ prefix: "logik_lowmem_" });
  try {
    const input = join(PUBLIC, "dicom/US1_UNCR.dcm");
    const boxesOf = async (dir: string, ...flags: string[]) => {
      const { code, stderr } = await logik("us", input, join(out, dir), "--jobs", "1", ...flags);
      assert.equal(code, 0, stderr);
      const manifest = JSON.parse(await Deno.readTextFile(join(out, dir, "US1_UNCR", "manifest.json")));
      return manifest.text.boxes.map((box: { x: number; y: number; width: number; height: number }) =>
        [box.x, box.y, box.width, box.height].join(",")
      ).sort();
    };
    const fast = await boxesOf("default");
    assert.ok(fast.length > 0, "US1_UNCR carries burned-in text");
    assert.deepEqual(await boxesOf("low", "--low-memory"), fast);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
