/**
 * Regression test for the fuzzing findings kept in fixtures/fuzz: every kept mutant (the small seeds
 * themselves, and the larger ones replayed from their public source file and mutation seed) must be
 * processed or skipped with a specific, non-internal reason, without crashing the process, within a
 * generous time bound, and without leaving an output folder behind when skipped.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { outputStem } from "../src/pipeline.ts";
import { isUnspecific } from "./fuzz/check_batch.ts";
import { readNotes } from "./fuzz/keep_findings.ts";
import { applyMutator } from "./fuzz/make_mutant.ts";
import { runCli } from "./fuzz/run_cli.ts";
import { describeSeed } from "./fuzz/seed_file.ts";

const ROOT = new URL("../fixtures/fuzz", import.meta.url).pathname;
const PUBLIC = "/work/shared/data/public";
const FIXTURES = new URL("../fixtures", import.meta.url).pathname;

async function gatherMutants(inDir: string): Promise<string[]> {
  const names: string[] = [];
  for (const note of await readNotes(ROOT)) {
    // Notes are named <mutant file name>.json; gzipped seeds add .gz to that name.
    const target = join(inDir, note.noteFile.replace(/\.json$/, ""));
    if (note.seedFile && note.seedEncoding === "gzip") {
      await Deno.writeFile(target, gunzipSync(await Deno.readFile(join(ROOT, "seeds", note.seedFile))));
    } else if (note.seedFile) {
      await Deno.copyFile(join(ROOT, "seeds", note.seedFile), target);
    } else {
      // Too big to keep: rebuild it from the public file with the recorded mutator and seed.
      const source = [join(PUBLIC, note.source), join(FIXTURES, note.source)];
      const path = await firstExisting(source);
      if (!path) continue;
      const mutation = applyMutator(
        describeSeed(note.source, path, await Deno.readFile(path)),
        note.mutator,
        note.mutationSeed,
      );
      if (!mutation) continue;
      await Deno.writeFile(target, mutation.bytes);
    }
    names.push(target.slice(inDir.length + 1));
  }
  return [...new Set(names)];
}

async function firstExisting(paths: string[]): Promise<string | null> {
  for (const path of paths) {
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch {
      // try the next
    }
  }
  return null;
}

Deno.test("every kept fuzz finding is processed or skipped with a specific reason", async (t) => {
  const work = await Deno.makeTempDir({ prefix: "logik-fuzz-regression-" });
  try {
    const inDir = join(work, "in"), outDir = join(work, "out");
    await Deno.mkdir(inDir);
    const names = await gatherMutants(inDir);
    assert.ok(names.length > 0, "fixtures/fuzz holds no findings (run deno task fuzz to collect them)");
    // Generous: 30 s of start-up plus 20 s per file on two workers.
    const run = await runCli(inDir, outDir, {
      jobs: 2,
      idleSeconds: 120,
      totalSeconds: 30 + 20 * names.length,
    });
    await t.step("the batch process exits normally", () => {
      assert.ok(!run.timedOut, "the batch did not finish within the bound");
      assert.ok(
        run.code === 0 || run.code === 1,
        `exit ${run.code ?? run.signal}: ${run.stderrTail.slice(-500)}`,
      );
    });
    const byFile = new Map(run.lines.map((line) => [line.file, line]));
    for (const name of names.sort()) {
      await t.step(name, async () => {
        const line = byFile.get(join(inDir, name));
        assert.ok(line, "no result line (the process crashed or hung on it)");
        if (line.status === "ok") return;
        assert.notEqual(line.error, "InternalError", `InternalError: ${line.reason}`);
        const prefix = `${join(inDir, name)}: `;
        const reason = (line.reason ?? "").startsWith(prefix)
          ? line.reason!.slice(prefix.length)
          : line.reason ?? "";
        assert.ok(!isUnspecific(reason), `unspecific reason: ${reason}`);
        const folder = join(outDir, outputStem(name));
        const left = await Deno.stat(folder).then(() => true, () => false);
        assert.ok(!left, "output folder left behind for a skipped file");
      });
    }
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
