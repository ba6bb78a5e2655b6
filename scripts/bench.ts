/**
 * `deno task bench [--quick] [--worker] [--large GIB]`: read/write throughput, end-to-end `us` throughput with
 * --jobs 1 and 2, the codec floor, peak RSS per stage, and the text/ROI/worker benches when present.
 * Prints a table (with the change against the previous run) and writes bench/results.json;
 * the run before is kept as bench/previous.json.
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { OptionalBench } from "./bench/optional_stages.ts";
import { compareHeadlines, formatTable, type Headline, numericLeaves, saveResults } from "./bench/results.ts";
import { runStageProcess, type StageOutcome } from "./bench/run_stage.ts";
import type { StageRequest } from "./bench/stage_main.ts";
import { writeEchoDicom } from "./bench/synthetic_echo.ts";

const PUBLIC = "/work/shared/data/public";
const CT_FILE = `${PUBLIC}/dicom/CT1_JPLL.dcm`;
const MP4_FILE = `${PUBLIC}/video/sonosite_echo_pla_30f_derived.mp4`;
const RESULTS = new URL("../bench/results.json", import.meta.url).pathname;
const STAGE_TIMEOUT_S = 600;

/** Sizes of a run: the default meets issue 2/8, --quick is a smoke run. */
interface Plan {
  frames: number;
  rows: number;
  cols: number;
  jpegLoops: number;
  rawLoops: number;
  readRepetitions: number;
  ctRepetitions: number;
}

// 24 loops (960 frames): a batch long enough that a worker's one-off start-up (module load, OCR
// sessions, about 1 s) weighs on the figure about as little as it does in an archive-sized run.
const FULL: Plan = {
  frames: 40,
  rows: 600,
  cols: 800,
  jpegLoops: 16,
  rawLoops: 8,
  readRepetitions: 3,
  ctRepetitions: 30,
};
const QUICK: Plan = {
  frames: 10,
  rows: 600,
  cols: 800,
  jpegLoops: 2,
  rawLoops: 0,
  readRepetitions: 1,
  ctRepetitions: 5,
};

const HEADLINES: Headline[] = [
  { label: "read US JPEG loop", path: "read.usJpeg.framesPerSecond", unit: "frames/s", higherIsBetter: true },
  { label: "read US JPEG loop", path: "read.usJpeg.fileMBps", unit: "MB/s in", higherIsBetter: true },
  { label: "read US JPEG peak RSS", path: "read.usJpeg.peakRssMB", unit: "MB", higherIsBetter: false },
  { label: "read CT 512x512", path: "read.ct.framesPerSecond", unit: "frames/s", higherIsBetter: true },
  { label: "read CT 512x512", path: "read.ct.pixelMBps", unit: "MB/s px", higherIsBetter: true },
  { label: "read CT peak RSS", path: "read.ct.peakRssMB", unit: "MB", higherIsBetter: false },
  {
    label: "write US JPEG q95",
    path: "write.usJpeg.jpeg.framesPerSecond",
    unit: "frames/s",
    higherIsBetter: true,
  },
  { label: "write US JPEG q95", path: "write.usJpeg.jpeg.pixelMBps", unit: "MB/s px", higherIsBetter: true },
  { label: "write US PNG", path: "write.usJpeg.png.framesPerSecond", unit: "frames/s", higherIsBetter: true },
  { label: "write US PNG", path: "write.usJpeg.png.pixelMBps", unit: "MB/s px", higherIsBetter: true },
  {
    label: "write CT JPEG q95",
    path: "write.ct.jpeg.framesPerSecond",
    unit: "frames/s",
    higherIsBetter: true,
  },
  { label: "write CT PNG", path: "write.ct.png.framesPerSecond", unit: "frames/s", higherIsBetter: true },
  { label: "write peak RSS (US PNG)", path: "write.usJpeg.png.peakRssMB", unit: "MB", higherIsBetter: false },
  {
    label: "us end-to-end --jobs 1",
    path: "endToEnd.us.jobs1.framesPerSecond",
    unit: "frames/s",
    higherIsBetter: true,
  },
  {
    label: "us end-to-end --jobs 2",
    path: "endToEnd.us.jobs2.framesPerSecond",
    unit: "frames/s",
    higherIsBetter: true,
  },
  {
    label: "us end-to-end --jobs 1 --threads 1",
    path: "endToEnd.us.jobs1Threads1.framesPerSecond",
    unit: "frames/s",
    higherIsBetter: true,
  },
  { label: "cores busy, --jobs 1", path: "endToEnd.us.jobs1.coresBusy", unit: "cores", higherIsBetter: true },
  { label: "cores busy, --jobs 2", path: "endToEnd.us.jobs2.coresBusy", unit: "cores", higherIsBetter: true },
  { label: "scaling jobs2/jobs1 (>=1.7)", path: "endToEnd.us.scaling", unit: "x", higherIsBetter: true },
  {
    label: "scaling jobs2/jobs1, one core per worker",
    path: "endToEnd.us.scalingOneCore",
    unit: "x",
    higherIsBetter: true,
  },
  {
    label: "us end-to-end --jobs 1 pinned to one CPU",
    path: "endToEnd.us.jobs1Pinned.framesPerSecond",
    unit: "frames/s",
    higherIsBetter: true,
  },
  {
    label: "scaling jobs2/jobs1 pinned to one CPU",
    path: "endToEnd.us.scalingPinned",
    unit: "x",
    higherIsBetter: true,
  },
  {
    label: "us end-to-end peak RSS j2",
    path: "endToEnd.us.jobs2.peakRssMB",
    unit: "MB",
    higherIsBetter: false,
  },
  {
    label: "us end-to-end MP4 --jobs 1",
    path: "endToEnd.mp4.framesPerSecond",
    unit: "frames/s",
    higherIsBetter: true,
  },
  {
    label: "codec floor (decode+JPEG)",
    path: "codecFloor.framesPerSecond",
    unit: "frames/s",
    higherIsBetter: true,
  },
  {
    label: "end-to-end/floor (>=0.5)",
    path: "codecFloor.endToEndOverFloor",
    unit: "x",
    higherIsBetter: true,
  },
  {
    label: "end-to-end one OCR thread/floor",
    path: "codecFloor.endToEndOneCoreOverFloor",
    unit: "x",
    higherIsBetter: true,
  },
  { label: "floor/end-to-end (<=2)", path: "codecFloor.floorOverEndToEnd", unit: "x", higherIsBetter: false },
  {
    label: "floor CPU/end-to-end CPU per frame, --jobs 1",
    path: "codecFloor.cpuCostRatioJobs1",
    unit: "x",
    higherIsBetter: true,
  },
  {
    label: "floor CPU/end-to-end CPU per frame, --jobs 2",
    path: "codecFloor.cpuCostRatioJobs2",
    unit: "x",
    higherIsBetter: true,
  },
  { label: "cores busy, codec floor", path: "codecFloor.coresBusy", unit: "cores", higherIsBetter: true },
  {
    label: "codec floor, two streams",
    path: "codecFloor.twoStreams.framesPerSecond",
    unit: "frames/s",
    higherIsBetter: true,
  },
  {
    label: "cores busy, floor two streams",
    path: "codecFloor.twoStreams.coresBusy",
    unit: "cores",
    higherIsBetter: true,
  },
  {
    label: "codec floor pinned to one CPU",
    path: "codecFloor.pinned.framesPerSecond",
    unit: "frames/s",
    higherIsBetter: true,
  },
  {
    label: "end-to-end/floor, both pinned to one CPU",
    path: "codecFloor.endToEndOverFloorPinned",
    unit: "x",
    higherIsBetter: true,
  },
  {
    label: "end-to-end --jobs 2/floor two streams",
    path: "codecFloor.endToEndJobs2OverTwoStreams",
    unit: "x",
    higherIsBetter: true,
  },
];

/**
 * Run the whole benchmark and return the results object that is also written to bench/results.json.
 *
 * @example
 * ```ts
 * const results = await runBench({ quick: true, worker: false });
 * ```
 */
export async function runBench(
  flags: { quick: boolean; worker: boolean; largeGiB: number },
): Promise<Record<string, unknown>> {
  const plan = flags.quick ? QUICK : FULL;
  const work = await Deno.makeTempDir({ prefix: "logik-bench-" });
  const started = performance.now();
  const stage = async (title: string, request: StageRequest, cpus?: string): Promise<StageOutcome> => {
    const t0 = performance.now();
    const outcome = await runStageProcess(request, STAGE_TIMEOUT_S, { cpus });
    const note = outcome.error
      ? `FAILED: ${outcome.error}`
      : `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    console.error(`  ${title}: ${note}`);
    return outcome;
  };
  try {
    console.error(
      `generating ${plan.jpegLoops} JPEG + ${plan.rawLoops} uncompressed loops of ${plan.frames} frames...`,
    );
    const loops = join(work, "loops");
    await Deno.mkdir(loops);
    const loopBytes: number[] = [];
    for (let index = 0; index < plan.jpegLoops + plan.rawLoops; index++) {
      const compression = index < plan.jpegLoops ? "jpeg" : "none";
      const name = `echo_${compression}_${index}.dcm`;
      loopBytes.push(
        await writeEchoDicom(join(loops, name), {
          seed: index + 1,
          frames: plan.frames,
          rows: plan.rows,
          cols: plan.cols,
          compression,
        }),
      );
    }
    const usJpeg = join(loops, "echo_jpeg_0.dcm");

    const read = {
      usJpeg: await stage("read US JPEG", { stage: "read", file: usJpeg, repetitions: plan.readRepetitions }),
      ct: await stage("read CT", { stage: "read", file: CT_FILE, repetitions: plan.ctRepetitions }),
    };
    const write = {
      usJpeg: {
        jpeg: await stage("write US JPEG", { stage: "write", file: usJpeg, format: "jpeg", repetitions: 1 }),
        png: await stage("write US PNG", { stage: "write", file: usJpeg, format: "png", repetitions: 1 }),
      },
      ct: {
        jpeg: await stage("write CT JPEG", {
          stage: "write",
          file: CT_FILE,
          format: "jpeg",
          repetitions: plan.ctRepetitions,
        }),
        png: await stage("write CT PNG", {
          stage: "write",
          file: CT_FILE,
          format: "png",
          repetitions: plan.ctRepetitions,
        }),
      },
    };
    const jobs1 = await stage("us end-to-end --jobs 1", { stage: "e2e", input: loops, mode: "us", jobs: 1 });
    const jobs2 = await stage("us end-to-end --jobs 2", { stage: "e2e", input: loops, mode: "us", jobs: 2 });
    // --jobs 1 gives its one worker both cores for OCR, so jobs2/jobs1 cannot reach 2 by construction;
    // with one OCR thread per worker the ratio measures how well the pool itself scales.
    const jobs1Threads1 = await stage("us end-to-end --jobs 1 --threads 1", {
      stage: "e2e",
      input: loops,
      mode: "us",
      jobs: 1,
      threads: 1,
    });
    // Pinned to one CPU, encoder and OCR threads included: one worker on exactly one core, the unit
    // --jobs 2 adds a second of. Its floor is pinned likewise.
    const jobs1Pinned = await stage("us end-to-end --jobs 1 --threads 1, pinned to CPU 0", {
      stage: "e2e",
      input: loops,
      mode: "us",
      jobs: 1,
      threads: 1,
    }, "0");
    const mp4 = await stage("us end-to-end MP4", { stage: "e2e", input: MP4_FILE, mode: "us", jobs: 1 });
    const floor = await stage("codec floor", { stage: "floor", dir: loops });
    const floorPinned = await stage("codec floor, pinned to CPU 0", { stage: "floor", dir: loops }, "0");
    // Two floor processes at once, each on half the files: the floor with both cores, to set against
    // --jobs 2 (one floor stream keeps about 1.4 cores busy, --jobs 2 about 1.95).
    const floor2 = combineStreams(
      await Promise.all(
        [0, 1].map((index) =>
          stage(`codec floor, stream ${index + 1} of 2`, {
            stage: "floor",
            dir: loops,
            share: { index, of: 2 },
          })
        ),
      ),
    );
    const e2eFps = typeof jobs1.framesPerSecond === "number" && jobs1.frames ? jobs1.framesPerSecond : null;
    const floorFps = typeof floor.framesPerSecond === "number" ? floor.framesPerSecond : null;

    const large = flags.largeGiB > 0
      ? await largeInput(work, flags.largeGiB, stage)
      : { available: false, reason: "not run: pass --large 2 (writes a 2 GiB DICOM, takes minutes)" };

    const optional: Record<string, unknown> = {};
    const names: OptionalBench[] = flags.worker ? ["text", "roi", "worker"] : ["text", "roi"];
    for (const name of names) {
      optional[name] = await stage(`optional ${name}`, {
        stage: "optional",
        name,
        options: { quick: flags.quick },
      });
    }
    if (!flags.worker) {
      optional.worker = { available: false, reason: "not run: pass --worker (needs the Ceph RGW)" };
    }

    return {
      date: new Date().toISOString(),
      machine: machine(),
      quick: flags.quick,
      plan,
      inputs: {
        usLoops:
          `${plan.jpegLoops} JPEG baseline + ${plan.rawLoops} uncompressed RGB, ${plan.frames}x${plan.rows}x${plan.cols}`,
        usLoopBytes: loopBytes,
        ct: "CT1_JPLL.dcm (512x512 int16, JPEG lossless)",
        mp4: "sonosite_echo_pla_30f_derived.mp4",
      },
      read,
      write,
      endToEnd: {
        us: {
          jobs1,
          jobs2,
          jobs1Threads1,
          scaling: ratio(jobs2.framesPerSecond, jobs1.framesPerSecond),
          scalingOneCore: ratio(jobs2.framesPerSecond, jobs1Threads1.framesPerSecond),
          jobs1Pinned,
          // --jobs 2 on both cores against one worker held to one core.
          scalingPinned: ratio(jobs2.framesPerSecond, jobs1Pinned.framesPerSecond),
        },
        mp4,
        large,
      },
      codecFloor: {
        ...floor,
        endToEndOverFloor: ratio(e2eFps, floorFps),
        // One OCR thread end to end against the same floor: how much of the ratio OCR threading buys.
        endToEndOneCoreOverFloor: ratio(jobs1Threads1.framesPerSecond, floorFps),
        floorOverEndToEnd: ratio(floorFps, e2eFps),
        // Cost rather than speed: CPU time per frame of the floor over that of the pipeline.
        cpuCostRatioJobs1: ratio(cpuMsPerFrame(floor), cpuMsPerFrame(jobs1)),
        cpuCostRatioJobs2: ratio(cpuMsPerFrame(floor), cpuMsPerFrame(jobs2)),
        twoStreams: floor2,
        pinned: floorPinned,
        // One core each: the pipeline against the floor, both held to CPU 0.
        endToEndOverFloorPinned: ratio(jobs1Pinned.framesPerSecond, floorPinned.framesPerSecond),
        // Like for like: --jobs 2 against the floor run as two streams at once.
        endToEndJobs2OverTwoStreams: ratio(jobs2.framesPerSecond, floor2.framesPerSecond),
      },
      optional,
      totalSeconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

/** Concurrent floor streams as one run: frames summed over the longest stream's seconds. */
function combineStreams(streams: StageOutcome[]): Record<string, unknown> {
  const failed = streams.find((stream) => stream.error);
  if (failed) return { error: failed.error };
  const frames = streams.reduce((sum, stream) => sum + Number(stream.frames), 0);
  const seconds = Math.max(...streams.map((stream) => Number(stream.seconds)));
  const cpuSeconds = streams.reduce(
    (sum, stream) => sum + Number(stream.coresBusy) * Number(stream.seconds),
    0,
  );
  return {
    streams: streams.length,
    frames,
    seconds,
    framesPerSecond: Number((frames / seconds).toFixed(3)),
    coresBusy: Number((cpuSeconds / seconds).toFixed(3)),
  };
}

/** CPU milliseconds per frame of a stage that reports frames/s and cores busy, or null. */
function cpuMsPerFrame(stage: StageOutcome): number | null {
  const { framesPerSecond, coresBusy } = stage;
  if (typeof framesPerSecond !== "number" || typeof coresBusy !== "number" || framesPerSecond <= 0) {
    return null;
  }
  return (1000 * coresBusy) / framesPerSecond;
}

/** Issue 8: a big multi-frame DICOM from scripts/make_large_dicom.ts, run through `us` with its peak RSS. */
async function largeInput(
  work: string,
  gib: number,
  stage: (title: string, request: StageRequest) => Promise<StageOutcome>,
): Promise<Record<string, unknown>> {
  try {
    const { writeLargeDicom } = await import("./make_large_dicom.ts");
    const path = join(work, "large.dcm");
    console.error(`generating a ${gib} GiB multi-frame DICOM...`);
    const written = await writeLargeDicom(path, { bytes: Math.round(gib * 1024 ** 3) });
    const result = await stage(`us end-to-end ${gib} GiB DICOM`, {
      stage: "e2e",
      input: path,
      mode: "us",
      jobs: 1,
      // The bounded-memory figure is for hosts that ask for it; the default keeps the faster detector.
      lowMemory: true,
    });
    await Deno.remove(path);
    return { file: written, ...result };
  } catch (error) {
    return { available: false, reason: `not available: ${(error as Error).message.split("\n")[0]}` };
  }
}

function ratio(numerator: unknown, denominator: unknown): number | null {
  if (typeof numerator !== "number" || typeof denominator !== "number" || !denominator) return null;
  return Math.round((numerator / denominator) * 1000) / 1000;
}

function machine(): Record<string, unknown> {
  let cpuModel = "unknown";
  try {
    cpuModel = Deno.readTextFileSync("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpuModel;
  } catch {
    // not Linux
  }
  return {
    cores: navigator.hardwareConcurrency,
    cpuModel,
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    memoryGB: Math.round(Deno.systemMemoryInfo().total / 1024 ** 3),
    // Other jobs on a shared machine skew every figure: record how busy it was.
    loadAverage: Deno.loadavg(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  };
}

function optionalRows(results: Record<string, unknown>, previous: unknown) {
  const optional = results.optional as Record<string, StageOutcome>;
  const headlines: Headline[] = [];
  for (const [name, outcome] of Object.entries(optional)) {
    const entry = outcome as { available?: boolean; reason?: string; error?: string };
    if (!entry.available) {
      headlines.push({
        label: `${name}: ${entry.reason ?? entry.error}`.slice(0, 90),
        path: "-",
        unit: "",
        higherIsBetter: true,
      });
      continue;
    }
    for (const path of Object.keys(numericLeaves(optional[name], `optional.${name}`))) {
      if (path.endsWith(".peakRssMB") || path.includes(".result.")) {
        const lowerIsBetter = /ms|Ms|RssMB|seconds/.test(path);
        headlines.push({
          label: path.replace(/^optional\./, ""),
          path,
          unit: "",
          higherIsBetter: !lowerIsBetter,
        });
      }
    }
  }
  return compareHeadlines(headlines, results, previous);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      worker: { type: "boolean", default: false },
      large: { type: "string", default: "0" },
    },
  });
  const results = await runBench({
    quick: values.quick!,
    worker: values.worker!,
    largeGiB: Number(values.large),
  });
  const saved = await saveResults(RESULTS, results) as Record<string, unknown> | null;
  // A quick run is not comparable with a full one: compare like with like only.
  const previous = saved && saved.quick === results.quick ? saved : null;
  if (saved && !previous) console.log("(previous run was a different size: no deltas)");
  const rows = [...compareHeadlines(HEADLINES, results, previous), ...optionalRows(results, previous)];
  console.log(
    `\nLogik bench ${results.date} (${values.quick ? "quick" : "full"}), ${JSON.stringify(results.machine)}`,
  );
  console.log(`US loops: ${(results.inputs as Record<string, unknown>).usLoops}`);
  console.log(formatTable(rows));
  const errors = [results.endToEnd, results.codecFloor, results.read, results.write]
    .flatMap((group) => Object.values(group as Record<string, unknown>))
    .flatMap((entry) =>
      (entry && typeof entry === "object" && "error" in entry) ? [String(entry.error)] : []
    );
  for (const error of errors) console.log(`error: ${error}`);
  console.log(`\nresults: ${RESULTS}${saved ? " (previous run kept as bench/previous.json)" : ""}`);
}
