/**
 * Noise floor of a dark-background image (ultrasound frames, screen captures).
 * @module
 */
import type { Plane } from "./plane.ts";

/**
 * Threshold separating the dark background from content: the level of the darkest 2% of pixels,
 * raised past the levels just above it when those are noise (lossy compression) rather than a
 * contiguous dim area (a nearly black sector that sits one level above the background).
 * Content is `value > backgroundThreshold(plane)`.
 *
 * @example
 * ```ts
 * const data = new Float32Array(100).fill(0);
 * data.fill(80, 50);
 * backgroundThreshold({ rows: 10, cols: 10, data }); // 0.5
 * ```
 */
export function backgroundThreshold(plane: Plane): number {
  const histogram = new Uint32Array(256);
  const data = plane.data;
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    // Projections of 8-bit loops hold whole grey levels: those need no rounding or clamping.
    const level = value | 0;
    if (level === value && level >= 0 && level <= 255) histogram[level]++;
    else histogram[Math.min(255, Math.max(0, Math.round(value)))]++;
  }
  let level = 0, seen = 0;
  for (; level < 255; level++) {
    seen += histogram[level];
    if (seen >= 0.02 * data.length) break;
  }
  let spread = 0;
  const floorCount = histogram[level];
  for (let step = 1; step < 16 && level + step < 256; step++) {
    if (histogram[level + step] > 0.2 * floorCount) spread = step;
    else break;
  }
  if (spread === 0) return level + 0.5;
  // A dim solid area ends in a cliff (few pixels one level higher); lossy noise tails off gradually.
  const cliff = histogram[level + spread + 1] < 0.02 * histogram[level + spread];
  if (cliff && interiorFraction(plane, level + 0.5, level + spread + 0.5) > 0.8) return level + 0.5;
  return level + spread + 0.5;
}

/** Share of pixels in (low, high] whose four neighbours are all above `low`: high for solid areas. */
function interiorFraction(plane: Plane, low: number, high: number): number {
  const { rows, cols, data } = plane;
  let count = 0, interior = 0;
  for (let y = 1; y < rows - 1; y++) {
    for (let x = 1, i = y * cols + 1; x < cols - 1; x++, i++) {
      const value = data[i];
      if (value <= low || value > high) continue;
      count++;
      if (data[i - 1] > low && data[i + 1] > low && data[i - cols] > low && data[i + cols] > low) interior++;
    }
  }
  return count === 0 ? 0 : interior / count;
}
