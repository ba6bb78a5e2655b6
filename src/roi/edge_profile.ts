/**
 * Sub-pixel location of a step edge from samples taken across it: where the median intensity
 * profile, walked outwards, first drops below a level between its inside and outside. Lossy
 * compression and the closing of the evidence smear a scan edge outwards by a few pixels; the half
 * level of a blurred step stays where the step is, and a lower level keeps the foot of a soft edge.
 * @module
 */
import { median, medianInPlace } from "./median.ts";

/** Where a step edge crosses a level, relative to the position the samples were taken about. */
export interface EdgeCrossing {
  /** Outward offset (px) of the level crossing from distance 0. */
  offset: number;
  /** Level inside the edge (median profile). */
  inside: number;
  /** Level outside the edge (darkest median just outside). */
  outside: number;
  /** Number of samples used. */
  samples: number;
  /** Width (px) of the transition from 80% to 20% of the contrast: a few px for a blurred step. */
  width: number;
}

/** Options of {@linkcode levelCrossing}. */
export interface LevelCrossingOptions {
  /** Half-width (px) of the band of distances used (default 12). */
  window?: number;
  /** Width (px) of the distance bins (default 0.5). */
  binWidth?: number;
  /** Smallest inside-outside contrast (grey levels) taken for a step (default 6). */
  minContrast?: number;
  /** The inside level is read at distances up to this one (default 0). */
  start?: number;
  /** Crossing level as a fraction of the contrast above the outside level (default 0.5). */
  level?: number;
}

/**
 * Locate a bright-inside, dark-outside step from samples (signed outward distance, value). Samples
 * are binned by distance (`binWidth` px) within ±`window` px; each bin's median makes the profile, so
 * a few rows crossed by markers or dark pools do not move it (a median of steps of different heights
 * at one place crosses half its height at that place). The edge is where the profile, walked
 * outwards from its brightest point, first drops to `level` of the contrast. Returns null when there is no clear step
 * (contrast below `minContrast` grey levels, or no crossing in the window).
 *
 * @example
 * ```ts
 * const distances: number[] = [], values: number[] = [];
 * for (let row = 0; row < 20; row++) {
 *   for (let d = -10; d <= 10; d++) {
 *     distances.push(d + 0.3);
 *     values.push(d + 0.3 < 2 ? 100 : 0); // the step lies between 1.3 and 2.3
 *   }
 * }
 * levelCrossing(Float64Array.from(distances), Float64Array.from(values))?.offset; // 1.8
 * ```
 */
export function levelCrossing(
  distances: Float64Array,
  values: Float64Array,
  options: LevelCrossingOptions = {},
): EdgeCrossing | null {
  const window = options.window ?? 12;
  const levelFraction = options.level ?? 0.5;
  const binWidth = options.binWidth ?? 0.5;
  const minContrast = options.minContrast ?? 6;
  const binCount = Math.round((2 * window) / binWidth);
  // Samples grouped by bin in one typed array (in sample order), each bin's median selected in place:
  // no array per bin, no sort.
  const binOf = new Int32Array(distances.length);
  const binStart = new Int32Array(binCount + 1);
  const distanceSums = new Float64Array(binCount);
  let samples = 0;
  for (let k = 0; k < distances.length; k++) {
    const bin = Math.floor((distances[k] + window) / binWidth);
    if (bin < 0 || bin >= binCount) {
      binOf[k] = -1;
      continue;
    }
    binOf[k] = bin;
    binStart[bin + 1]++;
    distanceSums[bin] += distances[k];
    samples++;
  }
  for (let bin = 0; bin < binCount; bin++) binStart[bin + 1] += binStart[bin];
  const grouped = new Float64Array(samples);
  const filled = binStart.slice(0, binCount);
  for (let k = 0; k < distances.length; k++) {
    if (binOf[k] >= 0) grouped[filled[binOf[k]]++] = values[k];
  }
  // Bin positions are the mean sample distance: an upright edge samples only whole-pixel offsets.
  const centres: number[] = [], levels: number[] = [];
  for (let bin = 0; bin < binCount; bin++) {
    const count = binStart[bin + 1] - binStart[bin];
    if (count < 3) continue;
    centres.push(distanceSums[bin] / count);
    levels.push(medianInPlace(grouped.subarray(binStart[bin], binStart[bin + 1])));
  }
  if (centres.length < 6) return null;
  // Light smoothing along the profile: neighbouring bins are independent medians of speckle.
  // Only bins closer than a pixel are averaged: whole-pixel profiles (upright edges) are left sharp.
  const smooth = levels.map((level, k) => {
    let sum = level, count = 1;
    for (const j of [k - 1, k + 1]) {
      if (j < 0 || j >= levels.length || Math.abs(centres[j] - centres[k]) > 0.75) continue;
      sum += levels[j];
      count++;
    }
    return sum / count;
  });
  // Start from the brightest point inside the estimate and walk outwards to the first drop below
  // the crossing level: the step's outer end, whatever bright walls or dark pools lie farther in.
  const from = options.start ?? 0;
  let brightest = -1;
  for (let k = 0; k < centres.length && centres[k] <= from; k++) {
    if (brightest < 0 || smooth[k] > smooth[brightest]) brightest = k;
  }
  if (brightest < 0) return null;
  const insideValues: number[] = [];
  for (let k = 0; k <= brightest; k++) insideValues.push(levels[k]);
  // The outside level is the darkest point beyond (a grey banner farther out must not lift it).
  const inside = median(insideValues);
  let outside = Infinity;
  for (let k = brightest; k < centres.length; k++) outside = Math.min(outside, smooth[k]);
  if (inside - outside < minContrast) return null;
  const crossingLevel = outside + levelFraction * (inside - outside);
  for (let k = brightest + 1; k < centres.length; k++) {
    if (smooth[k] > crossingLevel) continue;
    const before = smooth[k - 1];
    const fraction = before === smooth[k] ? 0.5 : (before - crossingLevel) / (before - smooth[k]);
    const offset = centres[k - 1] + fraction * (centres[k] - centres[k - 1]);
    const high = outside + 0.8 * (inside - outside), low = outside + 0.2 * (inside - outside);
    let upper = k - 1, lower = k;
    while (upper > brightest && smooth[upper] < high) upper--;
    while (lower < centres.length - 1 && smooth[lower] > low) lower++;
    return { offset, inside, outside, samples, width: centres[lower] - centres[upper] };
  }
  return null;
}
