/**
 * PyLogik's published ultrasound ROI method, re-implemented from its description (issue 5, steps 1-8)
 * so the evaluation can run it beside ours on the same cases. Its weaknesses are kept on purpose:
 * kernels scaled from 710-row images, a three-point circle, symmetric candidate sectors, a flat notch.
 * @module
 */

import type { Mask, Volume } from "../src/volume.ts";
import { gaussianBlur } from "../src/roi/gaussian_blur.ts";
import { thresholdPlane } from "../src/roi/plane.ts";
import { binaryDilation, binaryErosion } from "../src/roi/binary_morphology.ts";
import { largestComponent } from "../src/roi/area_filter.ts";
import { diceScore } from "../src/metrics.ts";

/** What the baseline kept and how it got there. */
export interface BaselineResult {
  mask: Mask;
  /** "sector" when the three-point sector was used, "morphology" when it fell back to the mask. */
  method: "sector" | "morphology";
  /** Fraction of the chosen candidate sector inside the morphological mask (step 8). */
  coverage: number;
  apex: [number, number] | null;
  radius: number | null;
}

/**
 * Run steps 1-8 on a loop (8-bit or any sample type; channel 0 is used as PyLogik does).
 * Throws an Error when the geometry degenerates (collinear points, empty mask): that is a baseline crash.
 *
 * @example
 * ```ts
 * const volume = await readVolume("fixtures/inputs/case_0000.dcm");
 * const result = pylogikUltrasoundRoi(volume);
 * result.method; // "sector" or "morphology"
 * ```
 */
export function pylogikUltrasoundRoi(volume: Volume): BaselineResult {
  const { rows, cols, channels, frames, data } = volume;
  // Step 1: channel 0, maximum over time.
  const maximum = new Float32Array(rows * cols);
  const frameSize = rows * cols * channels;
  for (let f = 0; f < frames; f++) {
    const base = f * frameSize;
    for (let i = 0, s = base; i < maximum.length; i++, s += channels) {
      if (data[s] > maximum[i]) maximum[i] = data[s];
    }
  }
  // Step 2: Gaussian σ=1, threshold > 0.
  const blurred = gaussianBlur({ rows, cols, data: maximum }, 1);
  const foreground = thresholdPlane(blurred, 0);
  // Steps 3-5: kernels sized for 710-row echoes.
  const erosionRadius = Math.abs(rows - 710) <= 50 ? 15 : Math.round((15 * rows) / 710);
  const dilationRadius = Math.round((12 * rows) / 710);
  const morph = binaryDilation(largestComponent(binaryErosion(foreground, erosionRadius)), dilationRadius);
  // Step 6: three boundary points and the circle through them.
  const points = boundaryPoints(morph);
  if (!points) throw new Error("baseline: empty morphological mask");
  let { left, right } = points;
  const bottom = points.bottom;
  if (Math.abs(left[1] - right[1]) > 20) {
    const middle = (left[1] + right[1]) / 2;
    left = [left[0], middle];
    right = [right[0], middle];
  }
  const centre = circleCentre(left, bottom, right);
  if (!centre) throw new Error("baseline: the three boundary points are collinear");
  const radius = Math.hypot(bottom[0] - centre[0], bottom[1] - centre[1]);
  if (!(radius > 1) || centre[1] >= bottom[1]) {
    throw new Error("baseline: circle centre below the bottom point");
  }
  // Step 7: two symmetric candidates, one from each side slope; keep the better Dice against the mask.
  const halfLeft = Math.atan2(centre[0] - left[0], left[1] - centre[1]);
  const halfRight = Math.atan2(right[0] - centre[0], right[1] - centre[1]);
  if (!(halfLeft > 0) || !(halfRight > 0)) {
    throw new Error("baseline: side points on the wrong side of the apex");
  }
  const candidates = [halfLeft, halfRight].map((half) => fanMask(rows, cols, centre, radius, half));
  const scores = candidates.map((candidate) => diceScore(candidate, morph));
  const sector = scores[0] >= scores[1] ? candidates[0] : candidates[1];
  const maskTop = points.top;
  if (maskTop > centre[1] + 10) {
    // Near-field notch: nothing above the first mask row.
    sector.data.fill(0, 0, Math.min(rows, Math.ceil(maskTop)) * cols);
  }
  // Step 8: use the sector only when 90% of it lies inside the morphological mask.
  let inside = 0, area = 0;
  for (let i = 0; i < sector.data.length; i++) {
    if (!sector.data[i]) continue;
    area++;
    if (morph.data[i]) inside++;
  }
  const coverage = area ? inside / area : 0;
  if (coverage >= 0.9) return { mask: sector, method: "sector", coverage, apex: centre, radius };
  return { mask: morph, method: "morphology", coverage, apex: centre, radius };
}

function boundaryPoints(mask: Mask) {
  const { rows, cols, data } = mask;
  let leftX = cols, rightX = -1, top = rows, bottomY = -1;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      if (!data[y * cols + x]) continue;
      if (x < leftX) leftX = x;
      if (x > rightX) rightX = x;
      if (y < top) top = y;
      bottomY = y;
    }
  }
  if (rightX < 0) return null;
  const topmostIn = (x: number) => {
    for (let y = 0; y < rows; y++) if (data[y * cols + x]) return y;
    return rows;
  };
  let sumX = 0, count = 0;
  for (let x = 0; x < cols; x++) {
    if (data[bottomY * cols + x]) {
      sumX += x;
      count++;
    }
  }
  return {
    left: [leftX, topmostIn(leftX)] as [number, number],
    right: [rightX, topmostIn(rightX)] as [number, number],
    bottom: [sumX / count, bottomY] as [number, number],
    top,
  };
}

function circleCentre(
  a: [number, number],
  b: [number, number],
  c: [number, number],
): [number, number] | null {
  const d = 2 * (a[0] * (b[1] - c[1]) + b[0] * (c[1] - a[1]) + c[0] * (a[1] - b[1]));
  if (Math.abs(d) < 1e-6) return null;
  const a2 = a[0] ** 2 + a[1] ** 2, b2 = b[0] ** 2 + b[1] ** 2, c2 = c[0] ** 2 + c[1] ** 2;
  return [
    (a2 * (b[1] - c[1]) + b2 * (c[1] - a[1]) + c2 * (a[1] - b[1])) / d,
    (a2 * (c[0] - b[0]) + b2 * (a[0] - c[0]) + c2 * (b[0] - a[0])) / d,
  ];
}

function fanMask(rows: number, cols: number, apex: [number, number], radius: number, half: number): Mask {
  const data = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    const dy = y + 0.5 - apex[1];
    if (dy <= 0) continue;
    for (let x = 0; x < cols; x++) {
      const dx = x + 0.5 - apex[0];
      if (dx * dx + dy * dy > radius * radius) continue;
      if (Math.abs(Math.atan2(dx, dy)) <= half) data[y * cols + x] = 1;
    }
  }
  return { rows, cols, data };
}
