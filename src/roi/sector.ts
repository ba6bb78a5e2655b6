/**
 * Parametric fit of an ultrasound scan region: phased sector, curvilinear (annular) sector,
 * linear rectangle or trapezoid with a virtual apex.
 *
 * Evidence is the region of the loop that is bright and (for loops) moves; its boundary points are
 * split into left/right edges (fitted robustly as lines) and near/far boundaries (arcs about the
 * apex, or horizontal lines), and the result is scored against the evidence region itself.
 * @module
 */
import type { Box, Mask, Volume } from "../volume.ts";
import { binaryClosing, binaryDilation, binaryOpening } from "./binary_morphology.ts";
import { backgroundThreshold } from "./background_threshold.ts";
import { columnExtremes } from "./column_extremes.ts";
import { convexHullOfRows } from "./convex_hull.ts";
import { fillHoles } from "./fill_holes.ts";
import { clearFlatBands } from "./flat_bands.ts";
import { componentMask, labelComponents } from "./label_components.ts";
import {
  createMask,
  maskAnd,
  maskAndInto,
  maskArea,
  maskBoundingBox,
  maskDice,
  rowSpans,
  unionBox,
} from "./plane.ts";
import { fitLineRansac } from "./robust_line.ts";
import { type EdgeCrossing, levelCrossing } from "./edge_profile.ts";
import { anyChange, type TemporalExtremes, temporalExtremes, temporalMeanSampler } from "./temporal_stats.ts";
import { median } from "./median.ts";

/** The probe geometries we model. */
export type SectorKind = "phased" | "curvilinear" | "linear" | "trapezoid";

/** A side edge x = slope·y + intercept. */
export interface EdgeLine {
  slope: number;
  intercept: number;
}

/** Near or far boundary: an arc about the apex, or a horizontal line. */
export type SectorBoundary = { type: "arc"; radius: number } | { type: "line"; y: number } | { type: "apex" };

/** Parametric description of a fitted scan region (pixel coordinates, angles in degrees from vertical). */
export interface SectorGeometry {
  kind: SectorKind;
  apex: { x: number; y: number } | null;
  left: EdgeLine;
  right: EdgeLine;
  near: SectorBoundary;
  far: SectorBoundary;
  /** Edge directions, degrees from straight down (negative = towards the left). */
  angles: { left: number; right: number };
  /** Inner and outer radius for arcs (0 / null when that boundary is not an arc). */
  radii: { near: number | null; far: number | null };
  /** Tight box of the fitted mask. */
  box: Box;
}

/** Outcome of a sector fit. `geometry` and `mask` are null when nothing could be fitted. */
export interface SectorFit {
  ok: boolean;
  geometry: SectorGeometry | null;
  /** Fitted mask (or null when no fit). */
  mask: Mask | null;
  /** Dice between the fitted mask and the evidence region (0..1), null when no fit. */
  score: number | null;
  /** The morphological region the fit was made on (filled), for fallback. */
  region: Mask | null;
  /** Why the fit was rejected or what it relied on. */
  reason?: string;
  /** Grey level the evidence was thresholded above. */
  threshold?: number;
  /**
   * 0..1, how cleanly the image edges confirmed the fit (share of each side's rows whose image
   * edge agrees with the fitted line, halved per near/far boundary without a clear edge).
   */
  quality?: number;
}

/** Options of {@linkcode fitSector}. */
export interface SectorOptions {
  /** Search only inside this box (e.g. a DICOM ultrasound region). */
  bound?: Box;
  /** Fits scoring below this Dice against the evidence (or its convex hull) are rejected (default 0.9). */
  minScore?: number;
  /** Precomputed temporal statistics (saves a pass when the caller has them). */
  stats?: TemporalExtremes;
  /**
   * Move the side edges and far boundary from the evidence (max projection above the noise floor,
   * which compression ringing pushes outwards by 3–5 px) to where the temporal mean crosses a quarter
   * of the edge contrast; the near side moves only off a static banner (default true).
   */
  refineEdges?: boolean;
}

/**
 * The morphological scan-region evidence: bright (max projection) pixels, restricted to the moving
 * area for loops, opened to cut thin attachments, largest component(s) restored to their true border.
 * Components at least half as large as the largest are kept too (side-by-side images).
 *
 * @example
 * ```ts
 * import { createVolume } from "../volume.ts";
 * const volume = createVolume({ frames: 1, rows: 64, cols: 64, channels: 1, type: "uint8", meta: { format: "image" } });
 * for (let y = 10; y < 50; y++) volume.data.fill(90, y * 64 + 10, y * 64 + 50);
 * sectorEvidence(volume).regions.length; // 1
 * ```
 */
export function sectorEvidence(
  volume: Volume,
  options: {
    bound?: Box;
    stats?: TemporalExtremes;
    thresholdOffset?: number;
    /** backgroundThreshold of `stats.max`, when the caller already has it (one per threshold tried). */
    background?: number;
    /** anyChange(stats, 2), likewise. */
    changed?: Mask;
  } = {},
): { evidence: Mask; regions: Mask[]; stats: TemporalExtremes; threshold: number } {
  const stats = options.stats ?? temporalExtremes(volume);
  const { rows, cols } = volume;
  // Threshold the raw max projection (a blur would move the edge outwards by its contrast), then close
  // the speckle gaps; closing leaves straight and convex borders where they are.
  const threshold = (options.background ?? backgroundThreshold(stats.max)) + (options.thresholdOffset ?? 0);
  const raw = createMask(rows, cols);
  const bright = stats.max.data;
  for (let i = 0; i < bright.length; i++) raw.data[i] = bright[i] > threshold ? 1 : 0;
  // A title bar joined to the scan area would cut the frame borders: drop it before closing.
  const evidence = binaryClosing(clearFlatBands(raw, stats.max, threshold), 2);
  if (options.bound) clipToBox(evidence, options.bound);

  const size = Math.min(rows, cols);
  if (stats.frames > 1) {
    // Static overlays do not move: keep bright pixels near moving ones when enough of the image moves.
    const moving = maskAnd(options.changed ?? anyChange(stats, 2), evidence);
    if (maskArea(moving) > 0.02 * maskArea(evidence)) {
      const near = binaryDilation(moving, Math.max(3, Math.round(0.03 * size)));
      maskAndInto(evidence, near);
    }
  }

  const openRadius = Math.max(2, Math.round(0.008 * size));
  const opened = binaryOpening(evidence, openRadius);
  const components = labelComponents(opened);
  let largest = 0;
  for (let label = 1; label <= components.count; label++) {
    if (components.areas[label] > largest) largest = components.areas[label];
  }
  const regions: Mask[] = [];
  if (largest < 0.01 * rows * cols) return { evidence, regions, stats, threshold };
  const labels: number[] = [];
  for (let label = 1; label <= components.count; label++) {
    if (components.areas[label] >= 0.5 * largest) labels.push(label);
  }
  labels.sort((a, b) => components.boxes[a].x - components.boxes[b].x);
  for (const label of labels) {
    const core = componentMask(components, (candidate) => candidate === label);
    // Back to the true border: the opening rounds corners, the evidence has the real edge.
    const restored = maskAndInto(binaryDilation(core, openRadius + 1), evidence);
    regions.push(fillHoles(restored));
  }
  return { evidence, regions, stats, threshold };
}

/**
 * Fit the scan region of an 8-bit ultrasound loop (or single frame).
 *
 * @example
 * ```ts
 * import { createVolume } from "../volume.ts";
 * const volume = createVolume({ frames: 1, rows: 120, cols: 160, channels: 1, type: "uint8", meta: { format: "image" } });
 * for (let y = 20; y < 100; y++) volume.data.fill(120, y * 160 + 30, y * 160 + 130);
 * fitSector(volume).geometry?.kind; // "linear"
 * ```
 */
export function fitSector(volume: Volume, options: SectorOptions = {}): SectorFit {
  const stats = options.stats ?? temporalExtremes(volume);
  const intensity = (options.refineEdges ?? true) ? temporalMeanSampler(volume, 16, stats.sums) : undefined;
  const change: Intensity | undefined = stats.frames > 1
    ? (pixel) => stats.max.data[pixel] - stats.min.data[pixel]
    : undefined;
  let first: SectorFit | null = null, best: SectorFit | null = null;
  // Lossy noise can bridge the scan area to nearby text or fray its edges: raise the evidence
  // threshold step by step until a fit holds that stays clear of the frame border and that the
  // image edges confirm; otherwise keep the best-confirmed fit.
  // The same for every threshold tried.
  const background = backgroundThreshold(stats.max);
  const changed = stats.frames > 1 ? anyChange(stats, 2) : undefined;
  for (const thresholdOffset of THRESHOLD_OFFSETS) {
    const { regions, threshold } = sectorEvidence(volume, {
      ...options,
      stats,
      thresholdOffset,
      background,
      changed,
    });
    const fit = fitRegions(regions, volume.rows, volume.cols, options.minScore, intensity, change);
    fit.threshold = threshold;
    if (fit.ok && fit.mask && touchedBorders(fit.mask).length > 0) {
      fit.ok = false;
      fit.reason = `fitted region touches the image border (${touchedBorders(fit.mask).join(", ")})`;
    }
    if (fit.ok && (fit.quality ?? 1) >= CLEAN_QUALITY) return fit;
    // A higher threshold only wins when its fit is clean: dim sectors lose area as it rises.
    if (fit.ok && !best) best = fit;
    first ??= fit;
    if (regions.length === 0) break;
  }
  return best ?? first!;
}

/** Evidence threshold raises tried, in grey levels above the background noise floor. */
const THRESHOLD_OFFSETS = [0, 2, 5, 10];
/** Fit quality from which a fit is taken without trying higher thresholds. */
const CLEAN_QUALITY = 0.7;

function fitRegions(
  regions: Mask[],
  rows: number,
  cols: number,
  minScore?: number,
  intensity?: Intensity,
  change?: Intensity,
): SectorFit {
  if (regions.length === 0) {
    return { ok: false, geometry: null, mask: null, score: null, region: null, reason: "no bright region" };
  }
  if (regions.length > 1) {
    // Side-by-side images: fit each; union of masks, score of the worst.
    const fits = regions.map((region) => fitSectorToRegion(region, minScore, intensity, change));
    const union = createMask(rows, cols);
    const regionUnion = createMask(rows, cols);
    for (let k = 0; k < fits.length; k++) {
      const source = fits[k].ok && fits[k].mask ? fits[k].mask!.data : regions[k].data;
      for (let i = 0; i < union.data.length; i++) {
        union.data[i] |= source[i];
        regionUnion.data[i] |= regions[k].data[i];
      }
    }
    const allFit = fits.every((fit) => fit.ok);
    return {
      ok: allFit,
      quality: Math.min(...fits.map((fit) => fit.quality ?? 0)),
      geometry: fits[0].geometry,
      mask: union,
      score: Math.min(...fits.map((fit) => fit.score ?? 0)),
      region: regionUnion,
      reason: `${regions.length} side-by-side regions` +
        (allFit ? "" : ": " + fits.find((f) => !f.ok)?.reason),
    };
  }
  return fitSectorToRegion(regions[0], minScore, intensity, change);
}

/**
 * Frame sides along which a mask runs for more than 5% of that side.
 *
 * @example
 * ```ts
 * const mask = { rows: 40, cols: 40, data: new Uint8Array(1600) };
 * for (let y = 5; y < 30; y++) mask.data.fill(1, y * 40, y * 40 + 10);
 * touchedBorders(mask); // ["left"]
 * ```
 */
export function touchedBorders(mask: Mask): string[] {
  const { rows, cols, data } = mask;
  let top = 0, bottom = 0, left = 0, right = 0;
  for (let x = 0; x < cols; x++) {
    top += data[x];
    bottom += data[(rows - 1) * cols + x];
  }
  for (let y = 0; y < rows; y++) {
    left += data[y * cols];
    right += data[y * cols + cols - 1];
  }
  const sides: string[] = [];
  if (top > 0.05 * cols) sides.push("top");
  if (bottom > 0.05 * cols) sides.push("bottom");
  if (left > 0.05 * rows) sides.push("left");
  if (right > 0.05 * rows) sides.push("right");
  return sides;
}

/**
 * Fit the parametric geometry to one filled region mask.
 *
 * @example
 * ```ts
 * const region = { rows: 50, cols: 50, data: new Uint8Array(2500) };
 * for (let y = 10; y < 40; y++) region.data.fill(1, y * 50 + 5, y * 50 + 45);
 * fitSectorToRegion(region).score; // 1
 * ```
 */
export function fitSectorToRegion(
  region: Mask,
  minScore = DEFAULT_MIN_SCORE,
  intensity?: Intensity,
  change?: Intensity,
): SectorFit {
  const fail = (reason: string): SectorFit => ({
    ok: false,
    geometry: null,
    mask: null,
    score: null,
    region,
    reason,
  });
  const { rows, cols } = region;
  const box = maskBoundingBox(region);
  if (!box || box.height < 8 || box.width < 8) return fail("region too small");

  // Row extremes (side edges) and column extremes (near/far boundaries).
  const { rows: rowY, firsts: leftX, lasts: rightX } = rowSpans(region, box);
  const { top, bottom } = columnExtremes(region, rowY, leftX, rightX);
  const ys = Float64Array.from(rowY);
  // Lossy loops (JPEG blocks) give staircase edges: retry once with half a block of tolerance.
  let tolerance = Math.max(1.5, 0.003 * Math.max(rows, cols));
  let leftFit = fitLineRansac(Float64Array.from(leftX), ys, { tolerance, seed: 7 });
  let rightFit = fitLineRansac(Float64Array.from(rightX), ys, { tolerance, seed: 11 });
  const straight = () =>
    leftFit !== null && rightFit !== null && leftFit.inliers >= 0.3 * ys.length &&
    rightFit.inliers >= 0.3 * ys.length;
  if (!straight() && tolerance < STAIRCASE_TOLERANCE) {
    tolerance = STAIRCASE_TOLERANCE;
    leftFit = fitLineRansac(Float64Array.from(leftX), ys, { tolerance, seed: 7 });
    rightFit = fitLineRansac(Float64Array.from(rightX), ys, { tolerance, seed: 11 });
  }
  if (!leftFit || !rightFit) return fail("side edges not found");
  if (!straight()) return fail("side edges are not straight");
  // Pixel centres lie on the boundary samples; the true edge is half a pixel outside them.
  const left: EdgeLine = { slope: leftFit.slope, intercept: leftFit.intercept - 0.5 };
  const right: EdgeLine = { slope: rightFit.slope, intercept: rightFit.intercept + 0.5 };

  let apex: { x: number; y: number } | null = null;
  let quality = 1;
  let support: [number, number] | null = null;
  let cornerRows: [number | null, number | null] = [null, null];
  // Edges within ~3° of parallel are a linear probe, whose image is an upright rectangle: a slight
  // tilt is ringing along a ragged edge, so take the most populated column instead.
  const upright = Math.abs(left.slope - right.slope) <= 0.1 && Math.abs(left.slope) < 0.05 &&
    Math.abs(right.slope) < 0.05;
  if (upright) {
    left.slope = 0;
    left.intercept = densestValue(leftX, tolerance) - 0.5;
    right.slope = 0;
    right.intercept = densestValue(rightX, tolerance) + 0.5;
  }
  if (intensity) {
    // The evidence edge sits where the faintest blur or ringing ends; the image edge is nearer.
    const edgeRows = (xs: number[], line: EdgeLine, outward: number) =>
      rowY.filter((y, k) =>
        Math.abs(xs[k] + outward * 0.5 - (line.slope * y + line.intercept)) <= tolerance + 0.5 &&
        rightX[k] - leftX[k] >= 2 * PROFILE_WINDOW + 4
      );
    const leftRows = edgeRows(leftX, left, -1), rightRows = edgeRows(rightX, right, 1);
    cornerRows = [
      topInlierRow(leftX, rowY, left, -1, tolerance),
      topInlierRow(rightX, rowY, right, 1, tolerance),
    ];
    const leftKept = refineEdge(left, -1, leftRows, region, intensity, upright);
    const rightKept = refineEdge(right, 1, rightRows, region, intensity, upright);
    support = [leftKept * leftRows.length, rightKept * rightRows.length];
  }
  const slopeGap = left.slope - right.slope;
  if (Math.abs(slopeGap) > 0.1) {
    const apexY = (right.intercept - left.intercept) / slopeGap;
    apex = { x: left.slope * apexY + left.intercept, y: apexY };
    if (slopeGap > 0 || apexY > box.y + 0.25 * box.height) return fail("side edges diverge upwards");
  }

  const margin = 2 + tolerance;
  const between = (x: number, y: number) =>
    x >= left.slope * y + left.intercept + margin && x <= right.slope * y + right.intercept - margin;
  const farPoints: [number, number][] = [], nearPoints: [number, number][] = [];
  for (let x = box.x; x < box.x + box.width; x++) {
    if (bottom[x] >= 0 && between(x, bottom[x])) farPoints.push([x, bottom[x] + 0.5]);
    if (top[x] >= 0 && between(x, top[x])) nearPoints.push([x, top[x] - 0.5]);
  }
  if (farPoints.length < 5) return fail("far boundary not found");
  const noNear: SectorBoundary = apex ? { type: "apex" } : { type: "line", y: box.y - 0.5 };
  const nearSupport = nearPoints.length < 5
    ? null
    : nearBoundaryPoints(nearPoints, apex, left, right, tolerance, margin);
  // Refined from the central estimate; without a clear edge, pushed out to the outermost echoes.
  const refined = (side: "near" | "far", points: [number, number][] | null, outward: -1 | 1) => {
    if (!points) return noNear;
    // The first rows of a real scan are often dim: the near side keeps its (outermost) evidence
    // unless a bright banner or lossy ringing joined it and only the image can place it.
    if (intensity && side === "far") {
      const start = fitBoundary(points, apex, side, true);
      const boundary = refineBoundary(start, outward, apex, left, right, region, intensity);
      if (boundary) return boundary;
      quality *= 0.5;
    }
    if (intensity && side === "near") {
      const start = fitBoundary(points, apex, side, true);
      const crossing = boundaryCrossing(start, outward, apex, left, right, region, intensity);
      const moved = movedBoundary(start, outward, crossing);
      if (!moved || !crossing) {
        // Something bright beyond the near side (a grey banner) joined the evidence: start again
        // from where the side edges begin, as an arc about the apex or as a line, whichever the image
        // confirms closer to those corners.
        const fromCorners = nearFromCorners(
          start,
          cornerRows,
          apex,
          left,
          right,
          region,
          intensity,
          change ?? null,
        );
        if (fromCorners) return fromCorners;
        quality *= 0.5;
      } else if (crossing.offset < 0 && ringingBand(start, crossing, apex, left, right, region, intensity)) {
        // The evidence reaches past a clear image edge only through near-black pixels: lossy ringing.
        return moved;
      } else if (-crossing.offset > MAX_EDGE_SHIFT) {
        // A clear image edge well inside the evidence across something brighter than ringing (a dim
        // attachment or near field): a higher evidence threshold may tell which.
        quality *= 0.5;
      }
    }
    return fitBoundary(points, apex, side, true);
  };
  const far = refined("far", farPoints, 1);
  const near = refined("near", nearSupport, -1);

  const farRadius = far.type === "arc" ? far.radius : null;
  const nearRadius = near.type === "arc" ? near.radius : near.type === "apex" ? 0 : null;
  let kind: SectorKind;
  if (!apex) kind = "linear";
  else if (far.type === "line") kind = "trapezoid";
  else if (nearRadius !== null && farRadius !== null && nearRadius > 0.2 * farRadius) kind = "curvilinear";
  else kind = "phased";

  const geometry: SectorGeometry = {
    kind,
    apex,
    left,
    right,
    near,
    far,
    angles: { left: -Math.atan(-left.slope) * 180 / Math.PI, right: Math.atan(right.slope) * 180 / Math.PI },
    radii: { near: nearRadius, far: farRadius },
    box: { x: 0, y: 0, width: 0, height: 0 },
  };
  const mask = sectorMask(geometry, rows, cols);
  const maskBox = maskBoundingBox(mask);
  if (!maskBox) return fail("fitted geometry is empty");
  geometry.box = maskBox;
  if (support) {
    // Straight, agreeing edge support along most of each side says the evidence was clean.
    const [leftRows, rightRows] = sideRows(mask, maskBox, left, right);
    quality *= Math.min(1, support[0] / Math.max(1, leftRows), support[1] / Math.max(1, rightRows));
  }
  // Dark pools and faded far fields open the region to the outside; its convex hull does not care.
  // Both masks and the hull (whose corners are region pixels) lie in these boxes: count only there.
  const scored = unionBox(box, maskBox);
  // The row extremes found above are the region's: its hull needs no second pass over the frame.
  const hull = convexHullOfRows(rows, cols, rowY, leftX, rightX);
  const score = Math.max(maskDice(mask, region, scored), maskDice(mask, hull, scored));
  if (score < minScore) {
    return {
      ok: false,
      geometry,
      mask,
      score,
      region,
      reason: `fit score ${score.toFixed(3)} below ${minScore}`,
    };
  }
  return { ok: true, geometry, mask, score, region, quality };
}

/**
 * Level (share of the edge contrast) at which an edge is placed: the half level of a blurred step
 * would be exact on synthetic loops, but real probes fade out over a few pixels; a quarter keeps
 * that soft foot inside (about 0.4 px outwards on a blurred step).
 */
const EDGE_LEVEL = 0.25;
/** The evidence must reach this far (px) beyond where the side edges begin to be taken for a banner. */
const NEAR_GAP = 10;
/** Share of the edge contrast that 90% of a band of lossy ringing stays below. */
const RINGING_LEVEL = 0.1;
/** Median temporal range (grey levels) up to which a band counts as static. */
const STATIC_CHANGE = 2;
/** Per-pixel intensity (e.g. the temporal mean) by flat pixel index. */
export type Intensity = (pixel: number) => number;

/** Half-width (px) of the band sampled across an edge to locate it on the image. */
const PROFILE_WINDOW = 12;
/** Near and far boundaries start from a coarser estimate (ragged far fields): a wider band. */
const BOUNDARY_WINDOW = 20;
/** Largest correction accepted: compression blur and closing move an edge a few pixels, not more. */
const MAX_EDGE_SHIFT = 7;
const MAX_BOUNDARY_SHIFT = 16;
/**
 * Widest 80%-to-20% transition taken for a step: compression blurs a scan edge over about two
 * pixels; a wider ramp is the scanner's own soft edge or a fading far field, which is kept whole.
 */
const MAX_STEP_WIDTH = 2.5;

/**
 * Move a side edge to its level crossing on the image (see EDGE_LEVEL), in place. Rows are taken in a few
 * runs so that the tilt is corrected too (a constant offset for upright edges); runs that disagree
 * with the others (dark pools, markers) are dropped.
 */
function refineEdge(
  line: EdgeLine,
  outward: -1 | 1,
  edgeRows: number[],
  region: Mask,
  intensity: Intensity,
  upright: boolean,
): number {
  const { cols } = region;
  const window = PROFILE_WINDOW;
  if (edgeRows.length < 12) return 0;
  const runs = Math.max(1, Math.min(8, Math.floor(edgeRows.length / 16)));
  const points: { y: number; offset: number }[] = [];
  for (let run = 0; run < runs; run++) {
    const from = Math.floor((run * edgeRows.length) / runs);
    const to = Math.floor(((run + 1) * edgeRows.length) / runs);
    const samples = new SampleBuffer();
    let ySum = 0;
    for (let k = from; k < to; k++) {
      const y = edgeRows[k];
      ySum += y;
      const edgeX = line.slope * y + line.intercept;
      const x0 = Math.max(0, Math.ceil(edgeX - window)), x1 = Math.min(cols - 1, Math.floor(edgeX + window));
      for (let x = x0; x <= x1; x++) samples.push(outward * (x - edgeX), intensity(y * cols + x));
    }
    const { distances, values } = samples.view();
    const crossing = levelCrossing(distances, values, { window, level: EDGE_LEVEL });
    if (crossing && Math.abs(crossing.offset) <= MAX_EDGE_SHIFT && crossing.width <= MAX_STEP_WIDTH) {
      points.push({ y: ySum / (to - from), offset: crossing.offset });
    }
  }
  if (points.length === 0) return 0;
  // A tilt needs four runs to trust; the run farthest off the fit is dropped while it is off by > 0.75 px.
  let kept = points;
  let [shift, tilt] = fitOffsets(kept, upright || kept.length < 4);
  while (kept.length > 2) {
    const residuals = kept.map((point) => Math.abs(point.offset - (shift + tilt * point.y)));
    const worst = residuals.indexOf(Math.max(...residuals));
    if (residuals[worst] <= 0.75) break;
    kept = kept.filter((_, index) => index !== worst);
    [shift, tilt] = fitOffsets(kept, upright || kept.length < 4);
  }
  line.slope += outward * tilt;
  line.intercept += outward * shift;
  return kept.length / runs;
}

/** First row from which the next few row extremes all lie on the fitted side edge; null if none. */
function topInlierRow(
  xs: number[],
  rowY: number[],
  line: EdgeLine,
  outward: -1 | 1,
  tolerance: number,
): number | null {
  const run = 5;
  let count = 0;
  for (let k = 0; k < rowY.length; k++) {
    const onLine =
      Math.abs(xs[k] + outward * 0.5 - (line.slope * rowY[k] + line.intercept)) <= tolerance + 0.5;
    count = onLine ? count + 1 : 0;
    if (count === run) return rowY[k - run + 1];
  }
  return null;
}

/**
 * Near boundary through the top ends of the side edges, refined on the image: an arc about the apex
 * and a line are both tried; the one whose image edge lies closer to the corners wins. Only taken when the evidence reaches
 * NEAR_GAP px beyond the corners across a band that does not change over the loop (a banner).
 */
function nearFromCorners(
  evidenceStart: SectorBoundary,
  cornerRows: [number | null, number | null],
  apex: { x: number; y: number } | null,
  left: EdgeLine,
  right: EdgeLine,
  region: Mask,
  intensity: Intensity,
  change: Intensity | null,
): SectorBoundary | null {
  const corners: [number, number][] = [];
  if (cornerRows[0] !== null) corners.push([left.slope * cornerRows[0] + left.intercept, cornerRows[0]]);
  if (cornerRows[1] !== null) corners.push([right.slope * cornerRows[1] + right.intercept, cornerRows[1]]);
  if (corners.length === 0) return null;
  // Only when the evidence reaches well beyond the corners across a dark gap: a soft or ragged near
  // field that the side edges begin below (real scans) is signal, and stays.
  const inward = (x: number, y: number) =>
    evidenceStart.type === "line"
      ? y - evidenceStart.y
      : evidenceStart.type === "arc" && apex
      ? Math.hypot(x - apex.x, y - apex.y) - evidenceStart.radius
      : 0;
  const gap = corners.reduce((sum, [x, y]) => sum + inward(x, y), 0) / corners.length;
  if (gap < NEAR_GAP) return null;
  // A loop's scan area changes from frame to frame; a banner or the dark gap before it does not.
  if (change && bandLevel(evidenceStart, gap, apex, left, right, region, change) > STATIC_CHANGE) return null;
  const candidates: { start: SectorBoundary; boundary: SectorBoundary }[] = [];
  const lineStart: SectorBoundary = {
    type: "line",
    y: corners.reduce((sum, [, y]) => sum + y, 0) / corners.length - 0.5,
  };
  const starts: SectorBoundary[] = [lineStart];
  if (apex) {
    const radius = corners.reduce((sum, [x, y]) => sum + Math.hypot(x - apex.x, y - apex.y), 0) /
      corners.length;
    starts.push({ type: "arc", radius: radius - 0.5 });
  }
  for (const start of starts) {
    const boundary = refineBoundary(start, -1, apex, left, right, region, intensity);
    if (boundary) candidates.push({ start, boundary });
  }
  const shift = (candidate: { start: SectorBoundary; boundary: SectorBoundary }) =>
    candidate.start.type === "line" && candidate.boundary.type === "line"
      ? Math.abs(candidate.start.y - candidate.boundary.y)
      : candidate.start.type === "arc" && candidate.boundary.type === "arc"
      ? Math.abs(candidate.start.radius - candidate.boundary.radius)
      : Infinity;
  candidates.sort((a, b) => shift(a) - shift(b));
  return candidates.length ? candidates[0].boundary : null;
}

/** Rows of a fitted mask wide enough to profile whose left / right end lies on the side edge. */
function sideRows(mask: Mask, box: Box, left: EdgeLine, right: EdgeLine): [number, number] {
  let leftRows = 0, rightRows = 0;
  // Only the mask's box (its tight box) holds set pixels: rows and columns beyond it are empty.
  const spans = rowSpans(mask, box);
  for (let k = 0; k < spans.rows.length; k++) {
    const y = spans.rows[k], first = spans.firsts[k], last = spans.lasts[k];
    if (last - first < 2 * PROFILE_WINDOW + 4) continue;
    if (first - (left.slope * y + left.intercept) < 1.5) leftRows++;
    if (right.slope * y + right.intercept - last < 1.5) rightRows++;
  }
  return [leftRows, rightRows];
}

/** Least-squares offset = shift + tilt·y (tilt 0 when `constant`). */
function fitOffsets(points: { y: number; offset: number }[], constant: boolean): [number, number] {
  const n = points.length;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / n;
  const meanOffset = points.reduce((sum, point) => sum + point.offset, 0) / n;
  if (constant) return [meanOffset, 0];
  let covariance = 0, variance = 0;
  for (const point of points) {
    covariance += (point.y - meanY) * (point.offset - meanOffset);
    variance += (point.y - meanY) ** 2;
  }
  const tilt = variance > 0 ? covariance / variance : 0;
  return [meanOffset - tilt * meanY, tilt];
}

/**
 * Where the image places a near (`outward` -1, towards the probe) or far (+1) boundary: the level
 * crossing of the profile sampled across it between the side edges (kept a window clear of the
 * corners), as an outward offset from `boundary`; null without a clear step.
 */
function boundaryCrossing(
  boundary: SectorBoundary,
  outward: -1 | 1,
  apex: { x: number; y: number } | null,
  left: EdgeLine,
  right: EdgeLine,
  region: Mask,
  intensity: Intensity,
): EdgeCrossing | null {
  if (boundary.type === "apex") return null;
  const window = BOUNDARY_WINDOW;
  const { distances, values } = sampleAcross(
    boundary,
    outward,
    window,
    window + 2,
    apex,
    left,
    right,
    region,
    intensity,
  );
  return levelCrossing(distances, values, { window, level: EDGE_LEVEL });
}

/**
 * Samples (outward distance, intensity) within `window` px of a boundary, `clear` px off the side edges
 * (and only at region pixels with `onlyRegion`).
 */
function sampleAcross(
  boundary: SectorBoundary,
  outward: -1 | 1,
  window: number,
  clear: number,
  apex: { x: number; y: number } | null,
  left: EdgeLine,
  right: EdgeLine,
  region: Mask,
  intensity: Intensity,
  onlyRegion = false,
): { distances: Float64Array; values: Float64Array } {
  const { rows, cols } = region;
  const samples = new SampleBuffer();
  const take = (x: number, y: number, distance: number) => {
    if (y < 0 || y >= rows || Math.abs(distance) > window) return;
    if (x < left.slope * y + left.intercept + clear || x > right.slope * y + right.intercept - clear) return;
    if (onlyRegion && !region.data[y * cols + x]) return;
    samples.push(distance, intensity(y * cols + x));
  };
  if (boundary.type === "line") {
    const y0 = Math.max(0, Math.ceil(boundary.y - window)), y1 = Math.min(rows - 1, boundary.y + window);
    for (let y = y0; y <= y1; y++) {
      const x0 = Math.max(0, Math.ceil(left.slope * y + left.intercept + clear));
      const x1 = Math.min(cols - 1, Math.floor(right.slope * y + right.intercept - clear));
      for (let x = x0; x <= x1; x++) take(x, y, outward * (y - boundary.y));
    }
  } else if (boundary.type === "arc" && apex) {
    const inner = Math.max(0, boundary.radius - window), outer = boundary.radius + window;
    const x0 = Math.max(0, Math.ceil(apex.x - outer)), x1 = Math.min(cols - 1, Math.floor(apex.x + outer));
    for (let x = x0; x <= x1; x++) {
      const dx = x - apex.x;
      const yLow = apex.y + Math.sqrt(Math.max(0, inner * inner - dx * dx));
      const yHigh = apex.y + Math.sqrt(outer * outer - dx * dx);
      for (let y = Math.max(0, Math.ceil(yLow)); y <= Math.min(rows - 1, yHigh); y++) {
        // Most of the ring lies beyond the side edges: skip those pixels before the costly hypot.
        if (x < left.slope * y + left.intercept + clear || x > right.slope * y + right.intercept - clear) {
          continue;
        }
        take(x, y, outward * (Math.hypot(dx, y - apex.y) - boundary.radius));
      }
    }
  }
  return samples.view();
}

/** (distance, value) samples in growing typed arrays: profiles hold thousands of samples. */
class SampleBuffer {
  distances = new Float64Array(4096);
  values = new Float64Array(4096);
  length = 0;

  push(distance: number, value: number): void {
    if (this.length === this.distances.length) {
      const distances = new Float64Array(2 * this.length), values = new Float64Array(2 * this.length);
      distances.set(this.distances);
      values.set(this.values);
      this.distances = distances;
      this.values = values;
    }
    this.distances[this.length] = distance;
    this.values[this.length++] = value;
  }

  view(): { distances: Float64Array; values: Float64Array } {
    return {
      distances: this.distances.subarray(0, this.length),
      values: this.values.subarray(0, this.length),
    };
  }
}

/** Median intensity in the band from a near boundary `depth` px inwards (between the side edges). */
function bandLevel(
  boundary: SectorBoundary,
  depth: number,
  apex: { x: number; y: number } | null,
  left: EdgeLine,
  right: EdgeLine,
  region: Mask,
  intensity: Intensity,
): number {
  const { distances, values } = sampleAcross(boundary, -1, depth, 2, apex, left, right, region, intensity);
  const inside: number[] = [];
  for (let k = 0; k < distances.length; k++) if (distances[k] <= 0) inside.push(values[k]);
  return inside.length ? median(inside) : NaN;
}

/**
 * Whether the evidence between a near boundary and its image edge `crossing` (inwards) holds only
 * near-black pixels: lossy ringing around the bright scan area, not a dim near field, whose echoes
 * stand well above the background.
 */
function ringingBand(
  boundary: SectorBoundary,
  crossing: EdgeCrossing,
  apex: { x: number; y: number } | null,
  left: EdgeLine,
  right: EdgeLine,
  region: Mask,
  intensity: Intensity,
): boolean {
  // Stop a pixel short of the crossing: its foot belongs to the step.
  const depth = -crossing.offset - 1;
  if (depth <= 0) return true;
  const { distances, values } = sampleAcross(
    boundary,
    -1,
    depth,
    2,
    apex,
    left,
    right,
    region,
    intensity,
    true,
  );
  const band = Array.from(values.filter((_, k) => distances[k] <= 0));
  if (band.length === 0) return true;
  return percentile(band, 0.9) <= crossing.outside + RINGING_LEVEL * (crossing.inside - crossing.outside);
}

/** `boundary` moved to its image crossing when that is a clear step within reach, else null. */
function refineBoundary(
  boundary: SectorBoundary,
  outward: -1 | 1,
  apex: { x: number; y: number } | null,
  left: EdgeLine,
  right: EdgeLine,
  region: Mask,
  intensity: Intensity,
): SectorBoundary | null {
  if (boundary.type === "apex") return boundary;
  const crossing = boundaryCrossing(boundary, outward, apex, left, right, region, intensity);
  return movedBoundary(boundary, outward, crossing);
}

function movedBoundary(
  boundary: SectorBoundary,
  outward: -1 | 1,
  crossing: EdgeCrossing | null,
): SectorBoundary | null {
  if (boundary.type === "apex") return boundary;
  if (!crossing || Math.abs(crossing.offset) > MAX_BOUNDARY_SHIFT || crossing.width > MAX_STEP_WIDTH) {
    return null;
  }
  return boundary.type === "line"
    ? { type: "line", y: boundary.y + outward * crossing.offset }
    : { type: "arc", radius: boundary.radius + outward * crossing.offset };
}

/**
 * Rasterise a sector geometry: pixel centres inside both edges and between the near and far boundary.
 *
 * @example
 * ```ts
 * const geometry = {
 *   kind: "linear" as const, apex: null, left: { slope: 0, intercept: 1.5 }, right: { slope: 0, intercept: 4.5 },
 *   near: { type: "line" as const, y: 0.5 }, far: { type: "line" as const, y: 2.5 },
 *   angles: { left: 0, right: 0 }, radii: { near: null, far: null }, box: { x: 2, y: 1, width: 3, height: 2 },
 * };
 * sectorMask(geometry, 4, 6).data.reduce((a, b) => a + b); // 6
 * ```
 */
export function sectorMask(geometry: SectorGeometry, rows: number, cols: number): Mask {
  const mask = createMask(rows, cols);
  const { left, right, near, far, apex } = geometry;
  const nearSquared = near.type === "arc" ? near.radius * near.radius : 0;
  const farSquared = far.type === "arc" ? far.radius * far.radius : Infinity;
  for (let y = 0; y < rows; y++) {
    if (apex && y < apex.y) continue;
    if (near.type === "line" && y < near.y) continue;
    if (far.type === "line" && y > far.y) continue;
    const x0 = Math.max(0, Math.ceil(left.slope * y + left.intercept));
    const x1 = Math.min(cols - 1, Math.floor(right.slope * y + right.intercept));
    const offset = y * cols;
    if (!apex) {
      if (x1 >= x0) mask.data.fill(1, offset + x0, offset + x1 + 1);
      continue;
    }
    // The squared distance grows (in floating point too) with |x - apex.x|: on each side of the apex
    // the pixels within the far arc and outside the near one are one run, whose ends a bisection finds.
    const dy = y - apex.y;
    const squared = (x: number) => {
      const dx = x - apex.x;
      return dx * dx + dy * dy;
    };
    const withinFar = (x: number) => !(squared(x) > farSquared);
    const outsideNear = (x: number) => !(squared(x) < nearSquared);
    const middle = Math.floor(apex.x);
    // Left of the apex (x ≤ middle) the distance falls as x grows: far holds from some x on, near up to some x.
    const leftEnd = Math.min(x1, middle);
    if (leftEnd >= x0) {
      const from = firstTrue(x0, leftEnd, withinFar);
      const to = firstTrue(x0, leftEnd, (x) => !outsideNear(x)) - 1;
      if (to >= from) mask.data.fill(1, offset + from, offset + to + 1);
    }
    const rightStart = Math.max(x0, middle + 1);
    if (x1 >= rightStart) {
      const from = firstTrue(rightStart, x1, outsideNear);
      const to = firstTrue(rightStart, x1, (x) => !withinFar(x)) - 1;
      if (to >= from) mask.data.fill(1, offset + from, offset + to + 1);
    }
  }
  return mask;
}

/** The first x in [from, to] where a predicate that is false, then true, holds; to + 1 if none. */
function firstTrue(from: number, to: number, holds: (x: number) => boolean): number {
  let low = from, high = to + 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (holds(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * Arc about the apex vs horizontal line, whichever has the smaller median residual. The position is
 * the trimmed least-squares one, pushed out to the 99th percentile when the boundary is ragged
 * (far fields fade unevenly), so the region never cuts visible data.
 */
function fitBoundary(
  points: [number, number][],
  apex: { x: number; y: number } | null,
  side: "near" | "far",
  push = true,
): SectorBoundary {
  const outward = (values: number[]) => {
    const location = trimmedMean(values);
    if (!push) return location;
    // Raggedness from the 90th percentile ignores a few attached markers; the extent from the 99th.
    const spread = percentile(values, side === "far" ? 0.9 : 0.1);
    if (Math.abs(spread - location) < RAGGED_PX) return location;
    const extreme = percentile(values, side === "far" ? 0.99 : 0.01);
    return side === "far" ? Math.max(location, extreme) : Math.min(location, extreme);
  };
  const ys = points.map(([, y]) => y);
  const lineY = outward(ys);
  const lineCentre = trimmedMean(ys);
  const lineResidual = median(ys.map((y) => Math.abs(y - lineCentre)));
  if (!apex) return { type: "line", y: lineY };
  const distances = points.map(([x, y]) => Math.hypot(x - apex.x, y - apex.y));
  const arcCentre = trimmedMean(distances);
  const arcResidual = median(distances.map((d) => Math.abs(d - arcCentre)));
  return arcResidual <= lineResidual
    ? { type: "arc", radius: outward(distances) }
    : { type: "line", y: lineY };
}

/**
 * Fit score below which a sector fit is rejected: a rectangle on a 90° sector scores about 0.75,
 * a good fit on a faded echo about 0.93.
 *
 * @example
 * ```ts
 * import { createVolume } from "../volume.ts";
 * const volume = createVolume({ frames: 1, rows: 8, cols: 8, channels: 1, type: "uint8", meta: { format: "image" } });
 * fitSector(volume, { minScore: DEFAULT_MIN_SCORE }).ok; // false (blank)
 * ```
 */
export const DEFAULT_MIN_SCORE = 0.9;

/** Half a JPEG block: edge residuals of block-compressed loops stay within it. */
const STAIRCASE_TOLERANCE = 4.5;

/** A boundary whose 10th/90th percentile strays this far from its fit is ragged (faded), not sampled. */
const RAGGED_PX = 3;

/**
 * The top points that trace the near boundary: the topmost level (row for a line, radius about the
 * apex for an arc, within 4 edge tolerances) where at least 40% of the columns between the edges have their first region
 * pixel. The floor of a dark notch cut into a pointed sector never qualifies; null when none does.
 */
function nearBoundaryPoints(
  points: [number, number][],
  apex: { x: number; y: number } | null,
  left: EdgeLine,
  right: EdgeLine,
  tolerance: number,
  margin: number,
): [number, number][] | null {
  const widthAtRow = (y: number) =>
    right.slope * y + right.intercept - (left.slope * y + left.intercept) - 2 * margin;
  const sinLeft = left.slope / Math.hypot(1, left.slope), sinRight = right.slope / Math.hypot(1, right.slope);
  const widthAtRadius = (radius: number) => radius * (sinRight - sinLeft) - 2 * margin;
  const best = (levels: number[], width: (level: number) => number) => {
    const order = levels.map((_, index) => index).sort((a, b) => levels[a] - levels[b]);
    for (let start = 0, end = 0; start < order.length; start++) {
      while (end < order.length && levels[order[end]] - levels[order[start]] <= 4 * tolerance) end++;
      const level = (levels[order[start]] + levels[order[end - 1]]) / 2;
      const expected = width(level);
      if (expected > 4 && end - start >= 0.4 * expected) {
        return {
          ratio: (end - start) / expected,
          points: order.slice(start, end).map((index) => points[index]),
        };
      }
    }
    return null;
  };
  const line = best(points.map(([, y]) => y), widthAtRow);
  const arc = apex ? best(points.map(([x, y]) => Math.hypot(x - apex.x, y - apex.y)), widthAtRadius) : null;
  if (line && (!arc || line.ratio >= arc.ratio)) return line.points;
  return arc ? arc.points : null;
}

/** Mean of the most populated window of width 2·tolerance (a one-dimensional RANSAC). */
function densestValue(values: number[], tolerance: number): number {
  const sorted = values.slice().sort((a, b) => a - b);
  let bestStart = 0, bestEnd = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end] - sorted[start] <= 2 * tolerance) end++;
    if (end - start > bestEnd - bestStart) {
      bestStart = start;
      bestEnd = end;
    }
  }
  let sum = 0;
  for (let k = bestStart; k < bestEnd; k++) sum += sorted[k];
  return sum / (bestEnd - bestStart);
}

function percentile(values: number[], fraction: number): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(fraction * (sorted.length - 1))))];
}

/** Least-squares location after dropping the 20% of values farthest from the median. */
function trimmedMean(values: number[]): number {
  const centre = median(values);
  const sorted = values.slice().sort((a, b) => Math.abs(a - centre) - Math.abs(b - centre));
  const kept = sorted.slice(0, Math.max(1, Math.ceil(sorted.length * 0.8)));
  return kept.reduce((sum, value) => sum + value, 0) / kept.length;
}

function clipToBox(mask: Mask, box: Box): void {
  const { rows, cols, data } = mask;
  // Whole rows above and below the box, then each row's ends beside it.
  const top = Math.min(rows, Math.max(0, box.y)), bottom = Math.min(rows, Math.max(top, box.y + box.height));
  const left = Math.min(cols, Math.max(0, box.x)), right = Math.min(cols, Math.max(left, box.x + box.width));
  data.fill(0, 0, top * cols);
  data.fill(0, bottom * cols, rows * cols);
  for (let y = top; y < bottom; y++) {
    data.fill(0, y * cols, y * cols + left);
    data.fill(0, y * cols + right, (y + 1) * cols);
  }
}
