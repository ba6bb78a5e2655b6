import assert from "node:assert/strict";
import { join } from "node:path";
import { runBatch } from "./batch.ts";
import { parseProcessOptions } from "./options.ts";

const PUBLIC = new URL("../../shared/data/public/", import.meta.url).pathname;

async function tempDir(prefix: string): Promise<string> {
  return await Deno.makeTempDir({ prefix: `logik_${prefix}_` });
}

async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string, rel: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory) await visit(join(dir, entry.name), path);
      else out.push(path);
    }
  };
  await visit(root, "");
  return out.sort();
}

function skippedLines(text: string): string[][] {
  return text.split("\n").filter(Boolean).map((line) => line.split("\t"));
}

Deno.test("batch over every public sample: each file is processed or skipped with a specific reason; a rerun does nothing", async () => {
  const out = await tempDir("public");
  try {
    const options = parseProcessOptions({ mode: "us", verify: false });
    const first = await runBatch(PUBLIC, out, options, { jobs: 2 });
    const skipped = skippedLines(await Deno.readTextFile(join(out, "skipped_files.log")));
    const skippedNames = skipped.map(([path]) => path.split("/").pop()).sort();
    // MANIFEST.md is text, so it is refused too, as unsupported.
    assert.deepEqual(skippedNames, ["MANIFEST.md", "MR_truncated.dcm", "no_meta.dcm"]);
    const byName = Object.fromEntries(
      skipped.map(([path, kind, reason]) => [path.split("/").pop(), { kind, reason }]),
    );
    assert.equal(byName["MR_truncated.dcm"].kind, "CorruptFile");
    assert.match(byName["MR_truncated.dcm"].reason, /8130|truncat/i);
    assert.equal(byName["MANIFEST.md"].kind, "UnsupportedFormat");
    assert.ok(byName["no_meta.dcm"].reason.length > 10);
    assert.equal(first.skipped, 3);
    assert.equal(first.ok, first.filesSeen - 3);

    const manifest = JSON.parse(await Deno.readTextFile(join(out, "dicom/examples_ybr_color/manifest.json")));
    assert.equal(manifest.frames, 30);
    assert.equal(manifest.source, "dicom/examples_ybr_color.dcm");
    const frames = (await listTree(join(out, "dicom/examples_ybr_color"))).filter((f) => f.endsWith(".jpeg"));
    assert.equal(frames.length, 30, "every frame is written, the last one too");
    assert.equal(frames[29], "examples_ybr_color_0029.jpeg");
    const nifti = JSON.parse(await Deno.readTextFile(join(out, "nifti/example4d/manifest.json")));
    assert.equal(nifti.frames, 24 * 2);

    const before = await listTree(out);
    const second = await runBatch(PUBLIC, out, options, { jobs: 2 });
    assert.equal(second.ok, 0);
    assert.equal(second.skipped, 0);
    assert.equal(second.alreadyDone, first.filesSeen);
    assert.deepEqual(await listTree(out), before);
    assert.equal(skippedLines(await Deno.readTextFile(join(out, "skipped_files.log"))).length, 3);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bad inputs: one skipped line each, the batch goes on, no partial output folders", async () => {
  const input = await tempDir("bad_in");
  const out = await tempDir("bad_out");
  try {
    const good = await Deno.readFile(join(PUBLIC, "dicom/MR_small.dcm"));
    await Deno.writeFile(join(input, "good.dcm"), good);
    await Deno.writeFile(join(input, "truncated.dcm"), good.subarray(0, good.length - 500));
    await Deno.writeFile(join(input, "zero.dcm"), new Uint8Array());
    await Deno.writeTextFile(join(input, "notes.dcm"), "this is plain text, not an image at all\n");
    await Deno.mkdir(join(input, "folder.dcm"));
    // A DICOM whose pixel element claims far more bytes than the file holds.
    const lying = good.slice();
    const view = new DataView(lying.buffer);
    for (let i = 132; i < lying.length - 12; i++) {
      if (view.getUint16(i, true) === 0x7fe0 && view.getUint16(i + 2, true) === 0x0010) {
        view.setUint32(i + 8, 0x7ffffff0, true);
        break;
      }
    }
    await Deno.writeFile(join(input, "lying_length.dcm"), lying);
    await Deno.symlink(join(input, "loop_a"), join(input, "loop_b"));
    await Deno.symlink(join(input, "loop_b"), join(input, "loop_a"));
    await Deno.writeFile(join(input, "odd name\twith tab é.dcm"), good);
    // A PNG named .dcm is still read: content decides, not the extension.
    await Deno.copyFile(join(PUBLIC, "dicom/CT_small.dcm"), join(input, "ct.png"));

    const summary = await runBatch(input, out, parseProcessOptions({ mode: "deid" }), { jobs: 1 });
    const lines = skippedLines(await Deno.readTextFile(join(out, "skipped_files.log")));
    const reasons = Object.fromEntries(
      lines.map(([path, kind, reason]) => [path.split("/").pop(), `${kind}: ${reason}`]),
    );
    assert.match(reasons["truncated.dcm"], /^CorruptFile: /);
    assert.match(reasons["zero.dcm"], /^CorruptFile: empty file/);
    assert.match(reasons["notes.dcm"], /^UnsupportedFormat: /);
    assert.match(reasons["folder.dcm"], /^ReadError: .*directory/);
    assert.match(reasons["lying_length.dcm"], /^CorruptFile: /);
    assert.match(reasons["loop_a"], /^ReadError: .*loop/);
    assert.match(reasons["loop_b"], /^ReadError: .*loop/);
    assert.equal(lines.length, 7, lines.map((l) => l.join(" | ")).join("\n"));
    assert.equal(summary.ok, 3);
    const tree = await listTree(out);
    assert.ok(tree.includes("good/manifest.json"));
    assert.ok(tree.includes("ct/manifest.json"));
    assert.ok(tree.some((path) => path.startsWith("odd name\twith tab é/")));
    for (const bad of ["truncated", "zero", "notes", "lying_length"]) {
      assert.ok(!tree.some((path) => path.startsWith(`${bad}/`)), `no output folder for ${bad}`);
    }
    assert.ok(!tree.some((path) => path.includes(".logik-tmp-")), "no temporary leftovers");
  } finally {
    await Deno.remove(input, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("--max-bytes refuses a file before decoding it", async () => {
  const out = await tempDir("max");
  try {
    const summary = await runBatch(
      join(PUBLIC, "dicom/US1_UNCR.dcm"),
      out,
      parseProcessOptions({ mode: "deid", maxBytes: 100_000 }),
      { jobs: 1 },
    );
    assert.equal(summary.skipped, 1);
    const [line] = skippedLines(await Deno.readTextFile(join(out, "skipped_files.log")));
    assert.equal(line[1], "TooLarge");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("an output folder inside the input tree is refused", async () => {
  const input = await tempDir("nest");
  try {
    await assert.rejects(
      runBatch(input, join(input, "out"), parseProcessOptions({ mode: "deid" }), { jobs: 1 }),
      /inside the input/,
    );
  } finally {
    await Deno.remove(input, { recursive: true });
  }
});

Deno.test("a batch starts with its largest files, so a big file never runs alone at the end", async () => {
  const input = await tempDir("sizes_in");
  const out = await tempDir("sizes_out");
  try {
    // Named so that name order is the reverse of size order.
    const files = { "a.dcm": "CT_small.dcm", "b.dcm": "MR_small.dcm", "c.dcm": "US1_UNCR.dcm" };
    for (const [name, source] of Object.entries(files)) {
      await Deno.copyFile(`${PUBLIC}dicom/${source}`, join(input, name));
    }
    const sizes = Object.fromEntries(
      await Promise.all(
        Object.keys(files).map(async (name) => [name, (await Deno.stat(join(input, name))).size]),
      ),
    );
    const order: string[] = [];
    await runBatch(input, out, parseProcessOptions({ mode: "deid" }), {
      jobs: 1,
      onFile: (outcome) => outcome.ok && order.push(outcome.manifest.source!),
    });
    assert.deepEqual(order, Object.keys(files).sort((a, b) => sizes[b] - sizes[a]));
    assert.notDeepEqual(order, Object.keys(files).sort());
  } finally {
    await Deno.remove(input, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});
