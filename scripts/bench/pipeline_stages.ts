/**
 * End-to-end mode throughput through `runBatch`, and the codec floor: the same files only decoded,
 * converted to 8-bit and re-encoded to the same output format (JPEG q95) and written.
 * @module
 */
import { join } from "node:path";
import { cpuUsage } from "node:process";
import { runBatch } from "../../src/batch.ts";
import { toDisplay8 } from "../../src/display.ts";
import { ENCODES_IN_FLIGHT, writeVolumeOutputs } from "../../src/io/write_output.ts";
import { decodeVolume, readInputBytes } from "../../src/io/read.ts";
import { type Mode, parseProcessOptions } from "../../src/options.ts";

/** Result of one end-to-end batch. */
export interface EndToEnd {
  jobs: number;
  /** OCR threads per worker, when set (default cores / jobs). */
  threads?: number;
  files: number;
  ok: number;
  skipped: number;
  frames: number;
  seconds: number;
  framesPerSecond: number;
  /** Sum over files of manifest.timingsMs, per step (worker wall time, i.e. CPU-time split). */
  stepMs: Record<string, number>;
  /** Reasons of skipped files (class: reason), if any. */
  errors: string[];
  /** Process CPU time (all threads: workers, OCR, codecs) over wall time: how many cores the run kept busy. */
  coresBusy: number;
}

/**
 * Run `mode` over `input` into a fresh temporary output folder with `jobs` workers.
 *
 * @example
 * ```ts
 * const result = await benchEndToEnd("/tmp/echos", "us", 2);
 * ```
 */
export async function benchEndToEnd(
  input: string,
  mode: Mode,
  jobs: number,
  settings: { lowMemory?: boolean; threads?: number } = {},
): Promise<EndToEnd> {
  const outRoot = await Deno.makeTempDir({ prefix: "logik-bench-e2e-" });
  const stepMs: Record<string, number> = {};
  const errors: string[] = [];
  let frames = 0;
  try {
    const started = performance.now();
    const cpuStart = cpuUsage();
    const summary = await runBatch(input, outRoot, parseProcessOptions({ mode }), {
      jobs,
      lowMemory: settings.lowMemory,
      threads: settings.threads,
      onFile(outcome) {
        if (!outcome.ok) {
          errors.push(`${outcome.kind}: ${outcome.message}`);
          return;
        }
        frames += outcome.manifest.frames;
        for (const [step, ms] of Object.entries(outcome.manifest.timingsMs)) {
          stepMs[step] = Math.round((stepMs[step] ?? 0) + ms);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuUsage(cpuStart);
    return {
      jobs,
      ...(settings.threads ? { threads: settings.threads } : {}),
      files: summary.filesSeen,
      ok: summary.ok,
      skipped: summary.skipped,
      frames,
      seconds: round(seconds),
      framesPerSecond: round(frames / seconds),
      stepMs,
      errors,
      coresBusy: round((cpu.user + cpu.system) / 1e6 / seconds),
    };
  } finally {
    await Deno.remove(outRoot, { recursive: true });
  }
}

/** JPEG q95 frame stacks, what `us` writes for these loops by default. */
const FLOOR_OPTIONS = parseProcessOptions({ mode: "us", format: "jpeg", quality: 95 });

/**
 * Decode, display-convert, JPEG-encode (q95) and write every frame of every file in `dir`, one file at a
 * time, through the pipeline's own frame writer (as many frames in flight): the floor gets every trick
 * the end-to-end run gets, or the ratio between them would flatter the pipeline. With `share`, only
 * every `share.of`-th file from `share.index`.
 *
 * @example
 * ```ts
 * const floor = await benchCodecFloor("/tmp/echos");
 * ```
 */
export async function benchCodecFloor(dir: string, share = { index: 0, of: 1 }): Promise<{
  files: number;
  frames: number;
  seconds: number;
  framesPerSecond: number;
  framesInFlight: number;
  stepMs: { decode: number; encodeAndWrite: number };
  /** Process CPU time over wall time, as for {@link benchEndToEnd}. */
  coresBusy: number;
}> {
  const outRoot = await Deno.makeTempDir({ prefix: "logik-bench-floor-" });
  const stepMs = { decode: 0, encodeAndWrite: 0 };
  let frames = 0, files = 0;
  try {
    // `share` takes every `of`-th file from `index`, so that concurrent floor processes split the set.
    const names = (await Array.fromAsync(Deno.readDir(dir))).filter((e) => e.isFile).map((e) => e.name)
      .sort().filter((_, position) => position % share.of === share.index);
    const started = performance.now();
    const cpuStart = cpuUsage();
    for (const name of names) {
      const path = join(dir, name);
      let mark = performance.now();
      const bytes = await readInputBytes(path, name);
      const volume = toDisplay8(await decodeVolume(bytes, path, { label: name }));
      stepMs.decode += performance.now() - mark;
      mark = performance.now();
      // The pipeline's own writer: the same encoder, quality and frames in flight as end to end.
      await writeVolumeOutputs(volume, {
        dir: outRoot,
        name,
        options: FLOOR_OPTIONS,
        sourceBytes: bytes,
        crop: null,
        textRemoved: false,
        label: name,
      });
      stepMs.encodeAndWrite += performance.now() - mark;
      frames += volume.frames;
      files++;
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuUsage(cpuStart);
    return {
      files,
      frames,
      seconds: round(seconds),
      framesPerSecond: round(frames / seconds),
      framesInFlight: ENCODES_IN_FLIGHT,
      stepMs: { decode: Math.round(stepMs.decode), encodeAndWrite: Math.round(stepMs.encodeAndWrite) },
      coresBusy: round((cpu.user + cpu.system) / 1e6 / seconds),
    };
  } finally {
    await Deno.remove(outRoot, { recursive: true });
  }
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
