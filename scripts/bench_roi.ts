/**
 * ROI benchmark: morphology on a 1024×768 mask with radius 15 and a full sector fit on a
 * 40-frame 800×600 RGB loop. Prints median milliseconds per operation as JSON.
 *
 * ```sh
 * deno run -A scripts/bench_roi.ts
 * ```
 * @module
 */
import { largestComponent } from "../src/roi/area_filter.ts";
import { binaryClosing, binaryDilation, binaryErosion, binaryOpening } from "../src/roi/binary_morphology.ts";
import { fillHoles } from "../src/roi/fill_holes.ts";
import { findRoi } from "../src/roi/find_roi.ts";
import { gaussianBlur } from "../src/roi/gaussian_blur.ts";
import { labelComponents } from "../src/roi/label_components.ts";
import { fitSector } from "../src/roi/sector.ts";
import { temporalExtremes } from "../src/roi/temporal_stats.ts";
import { shapeMask, syntheticScan } from "../src/roi/testdata/synthetic_scan.ts";
import { cpuUsage } from "node:process";

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Median wall-clock and CPU milliseconds (CPU time is robust to other jobs sharing the cores). */
function time(run: () => unknown, repeats: number): [number, number] {
  run(); // warm-up: JIT compilation is not what we measure
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const cpuStart = cpuUsage();
    const start = performance.now();
    run();
    wall.push(performance.now() - start);
    const used = cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  return [Math.round(median(wall) * 10) / 10, Math.round(median(cpu) * 10) / 10];
}

/**
 * Median milliseconds of each ROI operation on the reference sizes of issue 4: wall clock under
 * the operation's name, CPU time under `<name>_cpu`, and the 1-minute load average.
 *
 * @example
 * ```ts
 * const figures = await benchRoi();
 * figures["erosion_1024x768_r15"]; // e.g. 9.5
 * ```
 */
export function benchRoi(repeats = 9): Promise<Record<string, number>> {
  const phased = {
    kind: "phased" as const,
    apexX: 512,
    apexY: 60,
    leftAngle: -42,
    rightAngle: 40,
    nearRadius: 0,
    farRadius: 640,
  };
  const mask = shapeMask(phased, 768, 1024);
  const plane = { rows: 768, cols: 1024, data: Float32Array.from(mask.data, (value) => value * 100) };
  const loopShape = { ...phased, apexX: 400, apexY: 50, farRadius: 500 };
  const { volume } = syntheticScan(loopShape, { rows: 600, cols: 800, frames: 40, channels: 3 });
  const timed: Record<string, [number, number]> = {
    erosion_1024x768_r15: time(() => binaryErosion(mask, 15), repeats),
    dilation_1024x768_r15: time(() => binaryDilation(mask, 15), repeats),
    opening_1024x768_r15: time(() => binaryOpening(mask, 15), repeats),
    closing_1024x768_r15: time(() => binaryClosing(mask, 15), repeats),
    erosion_1024x768_r60: time(() => binaryErosion(mask, 60), repeats),
    label_components_1024x768: time(() => labelComponents(mask), repeats),
    largest_component_1024x768: time(() => largestComponent(mask), repeats),
    fill_holes_1024x768: time(() => fillHoles(mask), repeats),
    gaussian_blur_1024x768_sigma2: time(() => gaussianBlur(plane, 2), repeats),
    gaussian_blur_1024x768_sigma8: time(() => gaussianBlur(plane, 8), repeats),
    temporal_extremes_40x800x600_rgb: time(() => temporalExtremes(volume), repeats),
    fit_sector_40x800x600_rgb: time(() => fitSector(volume), repeats),
    find_roi_us_40x800x600_rgb: time(() => findRoi(volume, "us"), repeats),
  };
  const figures: Record<string, number> = {};
  for (const [name, [wall, cpu]] of Object.entries(timed)) {
    figures[name] = wall;
    figures[`${name}_cpu`] = cpu;
  }
  // Other jobs on the machine inflate wall-clock figures: keep the context with them.
  figures.load_average_1min = Math.round(Deno.loadavg()[0] * 100) / 100;
  return Promise.resolve(figures);
}

if (import.meta.main) {
  console.log(JSON.stringify(await benchRoi(), null, 2));
}
