/**
 * The single ROI entry point the pipeline calls after text removal: one mode in, one mask, crop box
 * and an explained method out. It never throws on odd content: blank frames, missing or
 * border-touching sectors give method "none", the full frame and the reason.
 * @module
 */
import { toDisplay8 } from "../display.ts";
import type { Box, Mask, Volume } from "../volume.ts";
import { boxMask, createMask, maskAnd, maskArea, maskBoundingBox, maskOr } from "./plane.ts";
import { cleanRegion, colorMask, contentMask, largestRegion, smallestRegion } from "./regions.ts";
import { fitSector, touchedBorders } from "./sector.ts";
import { temporalExtremes } from "./temporal_stats.ts";
import { ultrasoundRegionBounds } from "./ultrasound_regions.ts";

/** Which region a mode keeps (see ARCHITECTURE.md). */
export type RoiMode = "deid" | "us" | "one" | "clean";

/** How the region was found; recorded in manifest.json as roi.method. */
export type RoiMethod =
  | "us-regions"
  | "sector-fit"
  | "morphology"
  | "largest"
  | "smallest"
  | "clean"
  | "none";

/** Options of {@linkcode findRoi}. */
export interface RoiOptions {
  /** `clean`: keep chromatic (Doppler) pixels inside the region. */
  keepColor?: boolean;
  /** `us`: minimum sector-fit score (Dice against the evidence) to accept the fit (default 0.9). */
  minScore?: number;
  /** `clean`: objects below this fraction of the image area are removed (default 0.01). */
  minAreaFraction?: number;
  /** `us`: use the DICOM Sequence of Ultrasound Regions when consistent (default true). */
  useUltrasoundRegions?: boolean;
  /** `us`: place sector edges on the image, not the evidence (see SectorOptions.refineEdges; default true). */
  refineEdges?: boolean;
}

/** The region to keep, in source coordinates. */
export interface RoiResult {
  method: RoiMethod;
  /** Fit score (0..1) for sector fits, null otherwise. */
  score: number | null;
  /** Parametric or box description for the manifest. */
  geometry: Record<string, unknown>;
  /** Why a fallback or "none" was chosen, or what the result relied on. */
  reason?: string;
  /** 1 = keep; applied to every frame and channel before cropping. Full frame for "none". */
  mask: Mask;
  /** Tight box of the mask; null for "none" (no crop). */
  cropBox: Box | null;
}

/**
 * Find the region of interest of an 8-bit volume (other depths are converted for display first).
 *
 * @example
 * ```ts
 * import { createVolume } from "../volume.ts";
 * const volume = createVolume({ frames: 1, rows: 32, cols: 32, channels: 1, type: "uint8", meta: { format: "image" } });
 * findRoi(volume, "us").method; // "none" (all black)
 * ```
 */
export function findRoi(volume8: Volume, mode: RoiMode, options: RoiOptions = {}): RoiResult {
  const volume = volume8.data instanceof Uint8Array ? volume8 : toDisplay8(volume8);
  const { rows, cols } = volume;
  if (mode === "us") return findScanRegion(volume, options);
  const content = contentMask(volume);
  if (maskArea(content) === 0) return none(rows, cols, BLANK);
  switch (mode) {
    case "deid": {
      const region = smallestRegion(content);
      if (!region.box) return none(rows, cols, "no content left after removing specks");
      return {
        method: "smallest",
        score: null,
        geometry: { box: region.box, components: region.components },
        mask: region.mask,
        cropBox: region.box,
      };
    }
    case "one": {
      const region = largestRegion(content);
      if (!region.box) return none(rows, cols, "no object survives the erosion (content too thin)");
      return finish("largest", region.mask, null, { box: region.box });
    }
    case "clean": {
      const color = volume.channels === 3 ? colorMask(volume) : undefined;
      const region = cleanRegion(content, {
        minAreaFraction: options.minAreaFraction,
        color,
        keepColor: options.keepColor,
      });
      if (!region.box) return none(rows, cols, "every object is below the size threshold");
      return finish("clean", region.mask, null, {
        box: region.box,
        components: region.components,
        keepColor: options.keepColor ?? false,
      });
    }
  }
}

const BLANK = "no content: every frame is blank";

function findScanRegion(volume: Volume, options: RoiOptions): RoiResult {
  const { rows, cols } = volume;
  // One pass over (sampled) frames serves the blank check, the sector evidence and (sums) the
  // temporal mean the sector edges are placed on.
  const stats = temporalExtremes(volume, 16, true);
  // Blank when the (8-bit) max projection holds one value: the first other value ends the scan.
  const brightness = stats.max.data;
  let blank = brightness.length > 0;
  for (let i = 1; blank && i < brightness.length; i++) blank = brightness[i] === brightness[0];
  if (blank) return none(rows, cols, BLANK);
  const bounds = options.useUltrasoundRegions === false
    ? { boxes: [] as Box[], reason: "ultrasound regions not used (option)" }
    : ultrasoundRegionBounds(volume.meta.ultrasoundRegions, rows, cols);

  if (bounds.boxes.length > 1) {
    // Side-by-side images: the scanner says where each is; keep them all.
    let mask = createMask(rows, cols);
    for (const box of bounds.boxes) mask = maskOr(mask, boxMask(rows, cols, box));
    return finish(
      "us-regions",
      mask,
      null,
      { regions: bounds.boxes },
      `${bounds.boxes.length} 2D ultrasound regions`,
    );
  }
  if (bounds.boxes.length === 1) {
    const bound = bounds.boxes[0];
    const fit = fitSector(volume, {
      bound,
      minScore: options.minScore,
      stats,
      refineEdges: options.refineEdges,
    });
    const boundMask = boxMask(rows, cols, bound);
    if (fit.ok && fit.mask && fit.geometry) {
      return finish(
        "sector-fit",
        maskAnd(fit.mask, boundMask),
        fit.score,
        { ...fit.geometry, bound },
        "fitted inside the DICOM ultrasound region",
      );
    }
    if (fit.region && maskArea(fit.region) > 0) {
      return finish(
        "morphology",
        maskAnd(fit.region, boundMask),
        fit.score,
        { box: maskBoundingBox(fit.region), bound },
        `sector fit rejected inside the DICOM ultrasound region: ${fit.reason}`,
      );
    }
    return finish(
      "us-regions",
      boundMask,
      fit.score,
      { regions: [bound] },
      `sector fit rejected: ${fit.reason}`,
    );
  }

  const fit = fitSector(volume, { minScore: options.minScore, stats, refineEdges: options.refineEdges });
  const reasonPrefix = bounds.reason ? `${bounds.reason}; ` : "";
  const candidate = fit.ok && fit.mask ? fit.mask : fit.region;
  if (!candidate || maskArea(candidate) === 0) {
    return none(rows, cols, `${reasonPrefix}no scan region: ${fit.reason ?? "nothing found"}`);
  }
  // A fitted geometry cut by the frame cannot be trusted; markers attached to a good fit do not matter.
  const touching = touchedBorders(candidate);
  if (touching.length > 0) {
    return none(rows, cols, `${reasonPrefix}scan region touches the image border (${touching.join(", ")})`);
  }
  if (fit.ok && fit.mask && fit.geometry) {
    return finish("sector-fit", fit.mask, fit.score, { ...fit.geometry }, bounds.reason ?? fit.reason);
  }
  return finish(
    "morphology",
    candidate,
    fit.score,
    { box: maskBoundingBox(candidate) },
    `${reasonPrefix}sector fit rejected: ${fit.reason}`,
  );
}

function finish(
  method: RoiMethod,
  mask: Mask,
  score: number | null,
  geometry: Record<string, unknown>,
  reason?: string,
): RoiResult {
  const cropBox = maskBoundingBox(mask);
  if (!cropBox) return none(mask.rows, mask.cols, `${method} produced an empty region`);
  const result: RoiResult = { method, score, geometry, mask, cropBox };
  if (reason) result.reason = reason;
  return result;
}

function none(rows: number, cols: number, reason: string): RoiResult {
  const mask = createMask(rows, cols);
  mask.data.fill(1);
  return { method: "none", score: null, geometry: {}, reason, mask, cropBox: null };
}
