/**
 * Subprocess entry for one benchmark stage, so that each stage's peak RSS is its own:
 * `deno run -A scripts/bench/stage_main.ts '<json StageRequest>'` prints `BENCH_RESULT <json>` last.
 * @module
 */
import { benchRead, benchWrite } from "./codec_stages.ts";
import { type OptionalBench, runOptionalBench } from "./optional_stages.ts";
import { peakRssMb, startRssSampler } from "./peak_rss.ts";
import { benchCodecFloor, benchEndToEnd } from "./pipeline_stages.ts";

/** What the parent asks a stage process to measure. */
export type StageRequest =
  | { stage: "read"; file: string; repetitions: number }
  | { stage: "write"; file: string; format: "jpeg" | "png"; repetitions: number }
  | { stage: "e2e"; input: string; mode: "us" | "deid"; jobs: number; lowMemory?: boolean; threads?: number }
  | { stage: "floor"; dir: string; share?: { index: number; of: number } }
  | { stage: "optional"; name: OptionalBench; options: { quick?: boolean } };

/** Marker of the result line on stdout. */
export const RESULT_MARKER = "BENCH_RESULT ";

/**
 * Run one stage in this process and return its result with the peak RSS.
 *
 * @example
 * ```ts
 * const result = await runStage({ stage: "read", file: "../shared/data/public/dicom/CT1_JPLL.dcm", repetitions: 3 });
 * ```
 */
export async function runStage(request: StageRequest): Promise<Record<string, unknown>> {
  const sampler = startRssSampler();
  let result: unknown;
  switch (request.stage) {
    case "read":
      result = await benchRead(request.file, request.repetitions);
      break;
    case "write":
      result = await benchWrite(request.file, request.format, request.repetitions);
      break;
    case "e2e":
      result = await benchEndToEnd(request.input, request.mode, request.jobs, {
        lowMemory: request.lowMemory,
        threads: request.threads,
      });
      break;
    case "floor":
      result = await benchCodecFloor(request.dir, request.share);
      break;
    case "optional":
      result = await runOptionalBench(request.name, request.options);
      break;
  }
  return {
    ...(result as Record<string, unknown>),
    peakRssMB: peakRssMb(sampler.stop()),
    cpusAllowed: await cpusAllowed(),
  };
}

/** The CPUs this process may run on (Linux `Cpus_allowed_list`), or null elsewhere. */
async function cpusAllowed(): Promise<string | null> {
  try {
    const status = await Deno.readTextFile("/proc/self/status");
    return status.match(/^Cpus_allowed_list:\s*(\S+)/m)?.[1] ?? null;
  } catch {
    return null;
  }
}

if (import.meta.main) {
  const request = JSON.parse(Deno.args[0]) as StageRequest;
  const result = await runStage(request);
  console.log(RESULT_MARKER + JSON.stringify(result));
  // Worker pools or ONNX sessions may keep the event loop alive; the result is out.
  Deno.exit(0);
}
