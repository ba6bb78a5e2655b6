import assert from "node:assert/strict";
import { join } from "node:path";
import { createEngines } from "./create_engines.ts";
import { claimNext, claimProgress, createFrameClaim } from "./frame_claim.ts";
import { openFrameSource } from "./io/frame_source.ts";
import type { Manifest } from "./manifest.ts";
import { parseProcessOptions } from "./options.ts";
import { planSample, processFileStreaming, STREAM_CHUNK_FRAMES } from "./pipeline_stream.ts";
import { helpWithFrames } from "./stream_helper.ts";
import type { HelperFailure, SpreadHost, SpreadOffer, SpreadTicket } from "./stream_spread.ts";
import { summarySpread } from "./text/volume_text.ts";
import { writeLargeDicom } from "../scripts/make_large_dicom.ts";
import { keepAllPlan } from "./testdata/keep_all_plan.ts";

const MOD = new URL("../mod.ts", import.meta.url).pathname;
const PUBLIC = new URL("../../shared/data/public/", import.meta.url).pathname;
const FIXTURE_PNG = new URL("../fixtures/inputs/case_0002.png", import.meta.url).pathname;
/** Inputs above this stream in the CLI runs here; passed to each child process, never set in ours. */
const THRESHOLD = "1000000";

/** Run the CLI (`us`) in a child process with the streaming threshold lowered for it alone. */
async function cli(input: string, out: string, jobs: number) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MOD, "us", input, out, "--jobs", String(jobs)],
    env: { LOGIK_STREAM_THRESHOLD: THRESHOLD },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

async function folderFiles(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for await (const entry of Deno.readDir(dir)) {
    files.set(entry.name, await Deno.readFile(join(dir, entry.name)));
  }
  return files;
}

/** Every path under `root` (relative), to check that nothing temporary or partial is left. */
async function tree(root: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(join(root, prefix))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    found.push(path);
    if (entry.isDirectory) found.push(...await tree(root, path));
  }
  return found;
}

function withoutTimings(manifest: Manifest): Omit<Manifest, "timingsMs"> {
  const { timingsMs: _timings, ...rest } = manifest;
  return rest;
}

/**
 * A JPEG multi-frame DICOM whose frames `broken` do not decode (their code streams lose their
 * markers), while the file still opens: the fragment index and frame 0 are intact.
 */
async function brokenJpegDicom(path: string, frames: number, broken: number[]): Promise<void> {
  await writeLargeDicom(path, { frames, rows: 240, cols: 320, jpeg: true });
  const bytes = await Deno.readFile(path);
  const starts: number[] = [];
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd8 && bytes[i + 2] === 0xff) starts.push(i);
  }
  assert.equal(starts.length, frames, "one JPEG code stream per frame");
  for (const frame of broken) bytes.fill(0, starts[frame] + 2, starts[frame] + 40);
  await Deno.writeFile(path, bytes);
}

/** Frames pass 1 never decodes (so a broken one fails pass 2, not the sample), in source order. */
async function unsampledFrames(path: string): Promise<number[]> {
  const source = await openFrameSource(path, { label: path });
  try {
    const plan = planSample(source.frames, source.meta, {
      mode: "us",
      frameBytes: source.rows * source.cols * source.channels,
    });
    const sampled = new Set([0, ...plan.textFrames, ...plan.roiFrames, ...summarySpread(source.frames)]);
    return [...Array(source.frames).keys()].filter((frame) => !sampled.has(frame));
  } finally {
    await source.close();
  }
}

Deno.test({
  name:
    "CLI --jobs 2: the worker done with the small file writes some frames of the streamed DICOM, outputs as --jobs 1's",
  sanitizeResources: false,
  fn: async () => {
    const work = await Deno.makeTempDir({ prefix: "logik_spread_" });
    try {
      const input = join(work, "in");
      await Deno.mkdir(input);
      const written = await writeLargeDicom(join(input, "loop.dcm"), { frames: 96, rows: 300, cols: 400 });
      // Two files: on two cores a one-file batch starts no second worker (see SPREAD_MIN_CORES).
      await Deno.copyFile(FIXTURE_PNG, join(input, "small.png"));
      const runs = [];
      for (const jobs of [1, 2]) {
        const out = join(work, `out${jobs}`);
        const { code, stderr } = await cli(input, out, jobs);
        assert.equal(code, 0, stderr);
        const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
        const manifest = JSON.parse(await Deno.readTextFile(join(out, "loop", "manifest.json"))) as Manifest;
        runs.push({ out, summary, manifest, files: await folderFiles(join(out, "loop")) });
        assert.deepEqual((await tree(out)).filter((path) => path.includes(".logik-tmp-")), []);
      }
      const [one, two] = runs;
      assert.equal(one.summary.helperFrames, 0, "one job: nobody to help");
      // The owner's pass 1 (OCR) takes far longer than a helper needs to start, so it always joins.
      assert.ok(
        two.summary.helperFrames > 0 && two.summary.helperFrames < written.frames,
        `helper wrote ${two.summary.helperFrames} of ${written.frames} frames`,
      );
      assert.equal(two.summary.helperFrames % STREAM_CHUNK_FRAMES, 0, "whole chunks");
      assert.deepEqual(withoutTimings(two.manifest), withoutTimings(one.manifest));
      assert.equal(one.manifest.outputs.filter((file) => file.endsWith(".jpeg")).length, written.frames);
      assert.deepEqual([...two.files.keys()].sort(), [...one.files.keys()].sort());
      for (const [file, bytes] of one.files) {
        if (file !== "manifest.json") assert.deepEqual(two.files.get(file), bytes, file);
      }
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "CLI --jobs 2: a streamed DICOM whose pass-2 frames do not decode is skipped whole, the batch goes on",
  sanitizeResources: false,
  fn: async () => {
    const work = await Deno.makeTempDir({ prefix: "logik_spread_broken_" });
    try {
      const input = join(work, "in");
      await Deno.mkdir(input);
      const path = join(input, "broken.dcm");
      await writeLargeDicom(path, { frames: 400, rows: 240, cols: 320, jpeg: true });
      // Every fourth frame the sample does not need, from a third of the way in: whoever writes
      // those chunks, owner or helper, meets one.
      const broken = (await unsampledFrames(path)).filter((frame, i) => frame > 130 && i % 4 === 0);
      await brokenJpegDicom(path, 400, broken);
      // Below the threshold: processed whole by the other worker while the big one runs.
      await writeLargeDicom(join(input, "small.dcm"), { frames: 2, rows: 240, cols: 320 });
      const out = join(work, "out");
      const { code, stderr } = await cli(input, out, 2);
      assert.equal(code, 1, stderr);
      const skipped = await Deno.readTextFile(join(out, "skipped_files.log"));
      const [line, ...more] = skipped.trim().split("\n");
      assert.deepEqual(more, []);
      const [file, kind, reason] = line.split("\t");
      assert.equal(file, path);
      assert.equal(kind, "CorruptFile");
      assert.match(reason, /JPEG .*frame \d+/);
      const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
      assert.equal(summary.ok, 1);
      assert.equal(summary.skipped, 1);
      assert.deepEqual(
        (await tree(out)).filter((entry) => entry.startsWith("broken") || entry.includes(".logik-tmp-")),
        [],
        "no output folder and no staging left for the failed file",
      );
      assert.ok((await Deno.stat(join(out, "small", "manifest.json"))).isFile);
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
});

Deno.test("a helper whose chunk does not decode reports it naming the file; one seeing another file declines", async () => {
  const work = await Deno.makeTempDir({ prefix: "logik_spread_helper_" });
  try {
    const path = join(work, "broken.dcm");
    await brokenJpegDicom(path, 40, [21]);
    const offer: SpreadOffer = {
      id: "test",
      claim: createFrameClaim(40, STREAM_CHUNK_FRAMES),
      path,
      shape: { frames: 40, rows: 240, cols: 320, channels: 3, type: "uint8" },
      dir: work,
      name: "broken",
      options: parseProcessOptions({ mode: "us" }),
      plan: keepAllPlan(),
    };
    // Someone else has taken chunks 0 and 1: the helper starts at 16, writes it, then meets frame 21.
    claimNext(offer.claim);
    claimNext(offer.claim);
    const result = await helpWithFrames(offer);
    assert.equal(result.ok, false);
    const failure = (result as { failure: HelperFailure }).failure;
    assert.equal(failure.kind, "CorruptFile");
    assert.ok(failure.message.startsWith(`${path}: `), failure.message);
    assert.match(failure.message, /frame 21\b/);
    assert.equal(claimProgress(offer.claim).written, 0, "the failed chunk is not counted as written");
    assert.deepEqual(await tree(work), ["broken.dcm"], "no frame of the failed chunk written");

    // The file is not what the owner opened (another frame count): no help, nothing claimed.
    const other: SpreadOffer = {
      ...offer,
      claim: createFrameClaim(41, STREAM_CHUNK_FRAMES),
      shape: { ...offer.shape, frames: 41 },
    };
    assert.deepEqual(await helpWithFrames(other), { ok: true, frames: 0 });
    assert.equal(claimProgress(other.claim).written, 0);
    assert.ok(claimNext(other.claim), "the owner still has every chunk");
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test({
  name: "a helper's failure (or crash) in its chunk fails the owner's file at once, leaving no output",
  sanitizeResources: false,
  fn: async () => {
    const work = await Deno.makeTempDir({ prefix: "logik_spread_owner_" });
    const engines = await createEngines({ lowMemory: true });
    try {
      const path = join(work, "loop.dcm");
      await writeLargeDicom(path, { frames: 200, rows: 240, cols: 320, jpeg: true });
      const outRoot = join(work, "out");
      let offered = null as SpreadOffer | null;
      // A helper that takes the first chunk, never writes it, and is reported failed a little later:
      // without the report the owner would wait for those frames for ever.
      const host: SpreadHost = {
        open(offer) {
          offered = offer;
          assert.deepEqual(claimNext(offer.claim), { start: 0, end: STREAM_CHUNK_FRAMES });
          return {
            failure: new Promise<HelperFailure>((resolve) =>
              setTimeout(() => resolve({ kind: "CorruptFile", message: `${path}: frame 3 is broken` }), 300)
            ),
            close() {},
          };
        },
      };
      const started = performance.now();
      await assert.rejects(
        processFileStreaming(
          path,
          parseProcessOptions({ mode: "us" }),
          {
            outRoot,
            relativePath: "loop.dcm",
          },
          engines,
          { spread: host },
        ),
        (error: Error & { kind?: string }) => {
          assert.equal(error.kind, "CorruptFile");
          assert.equal(error.message, `${path}: frame 3 is broken`);
          return true;
        },
      );
      assert.ok(offered, "the streamed DICOM was offered");
      assert.ok(performance.now() - started < 60_000);
      assert.equal(claimNext(offered!.claim), null, "the claim is closed: other helpers stop");
      assert.deepEqual(await tree(outRoot), [], "no output folder and no staging folder");
    } finally {
      await engines.close();
      await Deno.remove(work, { recursive: true });
    }
  },
});

/**
 * A host whose "idle worker" is a helper running in this thread: the offer goes through a structured
 * clone (as postMessage sends it) except the claim's buffer, which is shared.
 */
function inThreadHost(helped: Promise<unknown>[]): SpreadHost {
  return {
    open(offer): SpreadTicket {
      const copy: SpreadOffer = { ...structuredClone({ ...offer, claim: null }), claim: offer.claim };
      let report: (failure: HelperFailure) => void = () => {};
      const failure = new Promise<HelperFailure>((resolve) => (report = resolve));
      helped.push(
        helpWithFrames(copy).then((result) => {
          if (!result.ok) report(result.failure);
        }),
      );
      return { failure, close() {} };
    },
  };
}

// `us` keeps a sector (mask, fill and crop in play; its text lies outside the sector), `deid` a box
// that holds text (blanking in play): between them every part of the plan a helper receives counts.
for (const mode of ["us", "deid"] as const) {
  Deno.test({
    name:
      `spread pass 2 (${mode}, text boxes, ROI, crop): the helper's frames are the owner's, byte for byte`,
    sanitizeResources: false,
    fn: async () => {
      const engines = await createEngines({ lowMemory: true });
      const runs: { manifest: Manifest; files: Map<string, Uint8Array>; helperFrames: number }[] = [];
      try {
        for (const spread of [false, true]) {
          const outRoot = await Deno.makeTempDir({ prefix: "logik_spread_roi_" });
          const helped: Promise<unknown>[] = [];
          let helperFrames = -1;
          try {
            const manifest = await processFileStreaming(
              join(PUBLIC, "dicom/examples_ybr_color.dcm"),
              parseProcessOptions({ mode, masks: true }),
              { outRoot, relativePath: "examples_ybr_color.dcm" },
              engines,
              {
                spread: spread ? inThreadHost(helped) : undefined,
                onHelped: (frames) => (helperFrames = frames),
              },
            );
            await Promise.all(helped);
            runs.push({
              manifest,
              files: await folderFiles(join(outRoot, "examples_ybr_color")),
              helperFrames,
            });
          } finally {
            await Deno.remove(outRoot, { recursive: true });
          }
        }
      } finally {
        await engines.close();
      }
      const [alone, spread] = runs;
      assert.equal(alone.helperFrames, 0);
      assert.ok(spread.helperFrames > 0, "the helper took some chunks");
      // What the plan carries is really in play: boxes to blank, a mask to apply, a crop.
      assert.ok(alone.manifest.text.boxes.length > 0);
      assert.ok(alone.manifest.crop);
      assert.notEqual(alone.manifest.roi.method, "none");
      assert.deepEqual(withoutTimings(spread.manifest), withoutTimings(alone.manifest));
      assert.deepEqual([...spread.files.keys()].sort(), [...alone.files.keys()].sort());
      for (const [file, bytes] of alone.files) {
        if (file !== "manifest.json") assert.deepEqual(spread.files.get(file), bytes, file);
      }
    },
  });
}

/**
 * Start the CLI at --jobs 2 on `input` and send `signals` once the streamed file's staging folder
 * holds frames (pass 2 under way, its helper at work).
 */
async function signalInPassTwo(input: string, out: string, signals: Deno.Signal[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MOD, "us", input, out, "--jobs", "2"],
    env: { LOGIK_STREAM_THRESHOLD: THRESHOLD },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let exited = false;
  child.status.then(() => (exited = true));
  const framesStaged = async () => {
    const entries = await tree(out).catch(() => []);
    return entries.some((entry) => entry.includes(".logik-tmp-") && /_\d{4}\.jpeg$/.test(entry));
  };
  while (!exited && !(await framesStaged())) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(!exited, "the batch ended before pass 2 could be interrupted");
  for (const signal of signals) {
    child.kill(signal);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  const result = await child.output();
  return { code: result.code, stderr: new TextDecoder().decode(result.stderr) };
}

Deno.test({
  name: "cancelling a spread pass 2: one SIGINT finishes the file whole, two SIGTERMs leave nothing",
  sanitizeResources: false,
  fn: async () => {
    const work = await Deno.makeTempDir({ prefix: "logik_spread_cancel_" });
    try {
      const input = join(work, "in");
      await Deno.mkdir(input);
      const written = await writeLargeDicom(join(input, "loop.dcm"), { frames: 240, rows: 300, cols: 400 });
      // A second file, so that the second worker exists and, once done with it, helps.
      await Deno.copyFile(FIXTURE_PNG, join(input, "small.png"));

      const finished = join(work, "finished");
      const first = await signalInPassTwo(input, finished, ["SIGINT"]);
      assert.equal(first.code, 130, first.stderr);
      const summary = JSON.parse(await Deno.readTextFile(join(finished, "summary.json")));
      assert.deepEqual([summary.ok, summary.notDone, summary.cancelled], [2, 0, true]);
      const manifest = JSON.parse(
        await Deno.readTextFile(join(finished, "loop", "manifest.json")),
      ) as Manifest;
      const frames = (await tree(join(finished, "loop"))).filter((file) => file.endsWith(".jpeg"));
      assert.equal(frames.length, written.frames);
      assert.equal(manifest.outputs.filter((file) => file.endsWith(".jpeg")).length, written.frames);
      assert.deepEqual((await tree(finished)).filter((entry) => entry.includes(".logik-tmp-")), []);

      const abandoned = join(work, "abandoned");
      const second = await signalInPassTwo(input, abandoned, ["SIGTERM", "SIGTERM"]);
      assert.equal(second.code, 130, second.stderr);
      assert.match(second.stderr, /abandoning the files in flight/);
      const left = JSON.parse(await Deno.readTextFile(join(abandoned, "summary.json")));
      // The small file is usually done by then; the streamed one is abandoned either way.
      assert.deepEqual([left.ok + left.notDone, left.cancelled], [2, true]);
      assert.ok(left.notDone >= 1);
      assert.deepEqual(
        (await tree(abandoned)).filter((entry) => entry.startsWith("loop") || entry.includes(".logik-tmp-")),
        [],
        "no output folder and no staging left",
      );
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
});
