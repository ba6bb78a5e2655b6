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

Deno.test("--low-memory (detection in 448-px tiles) reads and masks the text the default detector does", async () => {
  const out = await Deno.makeTempDir({ prefix: "logik_lowmem_" });
  try {
    const input = join(PUBLIC, "dicom/US1_UNCR.dcm");
    const run = async (dir: string, ...flags: string[]) => {
      const { code, stderr } = await logik("us", input, join(out, dir), "--jobs", "1", ...flags);
      assert.equal(code, 0, stderr);
      const folder = join(out, dir, "US1_UNCR");
      const manifest = JSON.parse(await Deno.readTextFile(join(folder, "manifest.json")));
      const csv = await Deno.readTextFile(join(folder, "US1_UNCR_txt.csv"));
      // Letters and digits as read: tiles may split or join a line, and punctuation reads less surely.
      const words = csv.trim().split("\n").slice(1).map((line) =>
        line.split(",")[2].replace(/[^A-Z0-9]/gi, "")
      );
      const boxes = manifest.text.boxes as { x: number; y: number; width: number; height: number }[];
      return { boxes, words, residual: manifest.text.residual as number | null };
    };
    const normal = await run("default");
    const low = await run("low", "--low-memory", "--verify");
    assert.equal(low.residual, 0, "the leak check finds text left under --low-memory");
    assert.ok(normal.boxes.length > 10, "US1_UNCR carries burned-in text");
    const joined = low.words.join("|");
    for (const word of normal.words.filter((word) => /[A-Z]{3}/.test(word))) {
      assert.ok(joined.includes(word), `"${word}" not read under --low-memory: ${joined}`);
    }
    const covered = (x: number, y: number) =>
      low.boxes.some((box) => x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height);
    let masked = 0;
    let alsoMasked = 0;
    for (const box of normal.boxes) {
      for (let y = box.y; y < box.y + box.height; y++) {
        for (let x = box.x; x < box.x + box.width; x++) {
          masked++;
          if (covered(x, y)) alsoMasked++;
        }
      }
    }
    // Box margins differ by a pixel or two where a line meets a tile seam.
    assert.ok(
      alsoMasked / masked >= 0.95,
      `only ${alsoMasked} of ${masked} pixels masked under --low-memory`,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
