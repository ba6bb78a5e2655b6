/**
 * Robust straight-line fit x = slope·y + intercept (RANSAC with MSAC scoring, then least squares on
 * the inliers).
 * Sector edges are never horizontal, so x as a function of y is well conditioned.
 * @module
 */

/** A line x = slope·y + intercept with its support. */
export interface LineFit {
  slope: number;
  intercept: number;
  /** Number of points within the tolerance of the final line. */
  inliers: number;
  /** Root mean square horizontal residual of the inliers. */
  rms: number;
}

/** Small deterministic PRNG so fits are reproducible run to run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fit x = slope·y + intercept to points (xs[i], ys[i]), ignoring outliers farther than `tolerance` px.
 * Returns null with fewer than two distinct rows.
 *
 * @example
 * ```ts
 * const ys = Float64Array.from([0, 1, 2, 3, 4]);
 * const xs = Float64Array.from([1, 3, 5, 7, 40]);
 * fitLineRansac(xs, ys)?.slope; // 2 (the outlier at y = 4 is ignored)
 * ```
 */
export function fitLineRansac(
  xs: Float64Array,
  ys: Float64Array,
  options: { tolerance?: number; iterations?: number; seed?: number } = {},
): LineFit | null {
  const tolerance = options.tolerance ?? 1.5;
  const iterations = options.iterations ?? 150;
  const random = mulberry32(options.seed ?? 1);
  const n = xs.length;
  if (n < 2) return null;
  // MSAC: truncated squared residuals, so a tight line beats a loose one with a few more inliers.
  const cap = tolerance * tolerance;
  let bestSlope = 0, bestIntercept = 0, bestCount = -1, bestCost = Infinity;
  for (let iteration = 0; iteration < iterations; iteration++) {
    const i = Math.floor(random() * n);
    const j = Math.floor(random() * n);
    // Far-apart pairs give well-conditioned candidates.
    if (Math.abs(ys[i] - ys[j]) < Math.max(2, n / 10)) continue;
    const slope = (xs[j] - xs[i]) / (ys[j] - ys[i]);
    const intercept = xs[i] - slope * ys[i];
    let count = 0, cost = 0;
    for (let k = 0; k < n; k++) {
      const residual = xs[k] - slope * ys[k] - intercept;
      const squared = residual * residual;
      if (squared <= cap) {
        count++;
        cost += squared;
      } else {
        cost += cap;
      }
    }
    if (cost < bestCost) {
      bestCost = cost;
      bestCount = count;
      bestSlope = slope;
      bestIntercept = intercept;
    }
  }
  if (bestCount < 2) {
    const fallback = leastSquares(xs, ys, () => true);
    if (!fallback) return null;
    [bestSlope, bestIntercept] = fallback;
  }
  // Two refinement rounds: least squares on the current inliers.
  for (let round = 0; round < 2; round++) {
    const slope = bestSlope, intercept = bestIntercept;
    const refined = leastSquares(xs, ys, (k) => Math.abs(xs[k] - slope * ys[k] - intercept) <= tolerance);
    if (!refined) break;
    [bestSlope, bestIntercept] = refined;
  }
  let inliers = 0, squares = 0;
  for (let k = 0; k < n; k++) {
    const residual = xs[k] - bestSlope * ys[k] - bestIntercept;
    if (Math.abs(residual) <= tolerance) {
      inliers++;
      squares += residual * residual;
    }
  }
  return {
    slope: bestSlope,
    intercept: bestIntercept,
    inliers,
    rms: inliers ? Math.sqrt(squares / inliers) : Infinity,
  };
}

function leastSquares(
  xs: Float64Array,
  ys: Float64Array,
  use: (k: number) => boolean,
): [number, number] | null {
  let count = 0, sumY = 0, sumX = 0, sumYY = 0, sumXY = 0;
  for (let k = 0; k < xs.length; k++) {
    if (!use(k)) continue;
    count++;
    sumY += ys[k];
    sumX += xs[k];
    sumYY += ys[k] * ys[k];
    sumXY += xs[k] * ys[k];
  }
  const denominator = count * sumYY - sumY * sumY;
  if (count < 2 || Math.abs(denominator) < 1e-9) return null;
  const slope = (count * sumXY - sumY * sumX) / denominator;
  return [slope, (sumX - slope * sumY) / count];
}
