import assert from "node:assert/strict";
import { join } from "node:path";
import { TEMP_MARKER } from "./io/atomic.ts";
import { PROCESSED_LOG } from "./batch_log.ts";

const INPUTS = new URL("../fixtures/inputs/", import.meta.url).pathname;
const MOD = new URL("../mod.ts", import.meta.url).pathname;

/** Start the CLI on the fixture inputs; send `signals` once the first file is logged as processed. */
async function runAndSignal(out: string, jobs: number, signals: Deno.Signal[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MOD, "us", INPUTS, out, "--jobs", String(jobs)],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const processedLog = join(out, PROCESSED_LOG);
  const status = child.status;
  let exited = false;
  status.then(() => exited = true);
  while (!exited && (await Deno.readTextFile(processedLog).catch(() => "")).trim() === "") {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(!exited, "the batch ended before any signal could be sent");
  for (const signal of signals) {
    child.kill(signal);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  const result = await child.output();
  return { code: result.code, stderr: new TextDecoder().decode(result.stderr) };
}

async function listTree(root: string): Promise<string[]> {
  const names: string[] = [];
  const visit = async (dir: string, prefix: string) => {
    for await (const entry of Deno.readDir(dir)) {
      names.push(prefix + entry.name);
      if (entry.isDirectory) await visit(join(dir, entry.name), `${prefix}${entry.name}/`);
    }
  };
  await visit(root, "");
  return names;
}

/** Output folders that hold a manifest, i.e. committed files. */
async function committedFolders(out: string): Promise<string[]> {
  const folders: string[] = [];
  for await (const entry of Deno.readDir(out)) {
    if (!entry.isDirectory) continue;
    const hasManifest = await Deno.stat(join(out, entry.name, "manifest.json")).then(() => true, () => false);
    if (hasManifest) folders.push(entry.name);
  }
  return folders.sort();
}

function processedCount(text: string): number {
  return text.split("\n").filter((line) => line.trim()).length;
}

Deno.test("SIGINT finishes the file in flight, starts no more, exits 130 with a summary; a rerun completes the rest", async () => {
  const out = await Deno.makeTempDir({ prefix: "logik_cancel_" });
  try {
    const first = await runAndSignal(out, 1, ["SIGINT"]);
    assert.equal(first.code, 130, first.stderr);
    assert.match(first.stderr, /stopping: finishing the files in flight/);
    assert.match(first.stderr, /cancelled, \d+ file\(s\) left for the next run/);
    const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
    assert.equal(summary.cancelled, true);
    assert.equal(summary.skipped, 0);
    assert.ok(summary.notDone >= 1, "the signal came while files were still waiting");
    assert.equal(summary.ok + summary.notDone, summary.filesSeen);
    assert.deepEqual((await listTree(out)).filter((name) => name.includes(TEMP_MARKER)), []);
    // Every committed folder is a logged file, and the other way round.
    assert.equal((await committedFolders(out)).length, summary.ok);
    assert.equal(processedCount(await Deno.readTextFile(join(out, PROCESSED_LOG))), summary.ok);

    const rerun = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MOD, "us", INPUTS, out, "--jobs", "2"],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(rerun.code, 0, new TextDecoder().decode(rerun.stderr));
    const resumed = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
    assert.equal(resumed.cancelled, false);
    assert.equal(resumed.alreadyDone, summary.ok);
    assert.equal(resumed.ok, summary.notDone);
    assert.equal((await committedFolders(out)).length, summary.filesSeen);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a second SIGTERM abandons the files in flight and leaves no partial output", async () => {
  const out = await Deno.makeTempDir({ prefix: "logik_abandon_" });
  try {
    const result = await runAndSignal(out, 2, ["SIGTERM", "SIGTERM"]);
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /abandoning the files in flight/);
    const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
    assert.equal(summary.cancelled, true);
    assert.ok(summary.notDone >= 1);
    assert.equal(summary.ok + summary.skipped + summary.notDone, summary.filesSeen);
    assert.deepEqual((await listTree(out)).filter((name) => name.includes(TEMP_MARKER)), []);
    assert.equal((await committedFolders(out)).length, summary.ok);
    assert.equal(processedCount(await Deno.readTextFile(join(out, PROCESSED_LOG))), summary.ok);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
