/**
 * Views of a frame or loop in which overlay text stands out from the anatomy, for a second look by
 * the detector: small annotations drawn on speckle are often invisible to the DB net on the frame
 * itself, but obvious once the speckle is gone.
 * @module
 */
import { type Box, type Frame8, frameLength, type Volume } from "../volume.ts";
import { componentMask, labelComponents } from "../roi/label_components.ts";
import { convexHullMask } from "../roi/convex_hull.ts";
import { brightestExtremes, chromaAbove, rangeAbove, sampleMinimum } from "../kernels/byte_extremes.ts";
import { dilateRect } from "../kernels/mask_dilation.ts";

/** Chroma below this (max − min of R, G, B) is grey: JPEG and 4:2:2 subsampling tint grey pixels a little. */
const GREY_CHROMA = 24;
/** A frame with fewer chromatic pixels than this fraction has no coloured overlay worth a look. */
const MIN_CHROMATIC_FRACTION = 0.0005;

/**
 * The chroma (max − min of R, G, B) of an RGB frame as a grey frame: grey anatomy becomes black and
 * coloured text becomes bright. Returns null for grey frames or frames with hardly any colour.
 *
 * @example
 * ```ts
 * const frame = { rows: 1, cols: 2, channels: 3 as const, data: new Uint8Array([90, 90, 90, 255, 255, 0]) };
 * chromaView(frame, 0)?.data; // Uint8Array [0, 255]
 * ```
 */
export function chromaView(frame: Frame8, minFraction = MIN_CHROMATIC_FRACTION): Frame8 | null {
  if (frame.channels !== 3) return null;
  const { rows, cols, data } = frame;
  const { chroma, count } = chromaAbove(data, rows * cols, GREY_CHROMA);
  if (count === 0 || count < minFraction * chroma.length) return null;
  return { rows, cols, channels: 1, data: chroma };
}

/**
 * The per-sample minimum over `frames` of a loop (and `base`, a minimum taken already): static
 * overlays keep their colour while speckle, which decorrelates between frames, falls to its darkest
 * value, so bright annotations inside the sector stand on a dark, smooth background.
 *
 * @example
 * ```ts
 * const darkest = temporalMinimum(loop8, [0, 5, 9]);
 * ```
 */
export function temporalMinimum(volume: Volume, frames: number[], base?: Frame8): Frame8 {
  const { rows, cols, channels } = volume;
  return {
    rows,
    cols,
    channels,
    data: sampleMinimum(volume.data as Uint8Array, frameLength(volume), frames, base?.data),
  };
}

/** Options of {@link changingRegions}. */
export interface ChangingRegionOptions {
  /** Grey-level range over the frames above which a pixel counts as changing. Default 24 (codec jitter stays below). */
  tolerance?: number;
  /** Changing areas up to this tall are overlay lines (a clock); taller ones are anatomy. Default 64 px. */
  maxLineHeight?: number;
  /** Context added around each line-shaped area (the detector needs some around small text). Default 16 px. */
  margin?: number;
  /**
   * Line-shaped areas above this share of the frame are mostly pieces of the anatomy: only those
   * outside the convex hull of the tall areas are then kept. Default: all are kept.
   */
  maxLineFraction?: number;
}

/** Where a loop changes: line-shaped areas (overlays that change) and the share taken by anatomy. */
export interface ChangingRegions {
  /** Line-shaped changing areas, with margin, in source coordinates. */
  lines: Box[];
  /** Summed bounding-box area of the taller changing areas (anatomy), as a fraction of the frame. */
  anatomyFraction: number;
  /** Summed area of `lines` as a fraction of the frame. */
  lineFraction: number;
  /** True when the line-shaped areas inside the anatomy's hull were left out (see `maxLineFraction`). */
  insideAnatomyLeftOut: boolean;
}

/**
 * The areas of a loop whose pixels change across `frames`, split into line-shaped ones, where text
 * that changes (a running clock, a label that comes and goes) lives, and taller ones (the moving
 * anatomy). Areas are grouped by a small dilation so one changing string is one area.
 *
 * @example
 * ```ts
 * const { lines, anatomyFraction } = changingRegions(loop8, [0, 1, 2, 3]);
 * ```
 */
export function changingRegions(
  volume: Volume,
  frames: number[],
  options: ChangingRegionOptions = {},
): ChangingRegions {
  const { rows, cols, channels } = volume;
  const pixels = rows * cols;
  // The largest channel: a colour clock on a dark panel changes mostly in one channel.
  const { low, high } = brightestExtremes(volume.data as Uint8Array, pixels, channels, frames);
  const tolerance = options.tolerance ?? 24;
  const changing = rangeAbove(low, high, tolerance);
  const grouped = dilateRect(changing, rows, cols, 4, 2);
  const components = labelComponents({ rows, cols, data: grouped });
  const maxLineHeight = options.maxLineHeight ?? 64;
  const margin = options.margin ?? 16;
  const isTall = (label: number) => components.boxes[label].height > maxLineHeight;
  const lines: Box[] = [];
  const centres: number[] = [];
  let anatomy = 0;
  for (let label = 1; label <= components.count; label++) {
    const box = components.boxes[label];
    if (isTall(label)) {
      anatomy += box.width * box.height;
      continue;
    }
    const x0 = Math.max(0, box.x - margin);
    const y0 = Math.max(0, box.y - margin);
    const x1 = Math.min(cols, box.x + box.width + margin);
    const y1 = Math.min(rows, box.y + box.height + margin);
    lines.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
    const right = box.x + box.width - 1, bottom = box.y + box.height - 1;
    centres.push(Math.round((box.y + bottom) / 2) * cols + Math.round((box.x + right) / 2));
  }
  const anatomyFraction = anatomy / pixels;
  const all = mergeNearby(lines, margin);
  const allFraction = areaOf(all) / pixels;
  if (allFraction <= (options.maxLineFraction ?? Infinity)) {
    return { lines: all, anatomyFraction, lineFraction: allFraction, insideAnatomyLeftOut: false };
  }
  // Too much to search piece by piece: dim speckle that changes too sparsely to join up splits the
  // anatomy into line-shaped pieces. Those inside the hull of the tall areas are left to the summary.
  if (anatomy === 0) {
    return { lines: all, anatomyFraction, lineFraction: allFraction, insideAnatomyLeftOut: false };
  }
  const anatomyHull = convexHullMask(componentMask(components, isTall)).data;
  const outside = mergeNearby(lines.filter((_, index) => !anatomyHull[centres[index]]), margin);
  return {
    lines: outside,
    anatomyFraction,
    lineFraction: areaOf(outside) / pixels,
    insideAnatomyLeftOut: true,
  };
}

function areaOf(boxes: Box[]): number {
  return boxes.reduce((sum, box) => sum + box.width * box.height, 0);
}

/**
 * Union boxes that touch once grown by `gap`, or share most of their rows (pieces of one ECG sweep:
 * one strip is cheaper to search than many crops), until stable.
 */
function mergeNearby(boxes: Box[], gap: number): Box[] {
  const out = boxes.map((box) => ({ ...box }));
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const a = out[i];
        const b = out[j];
        const near = a.x - gap <= b.x + b.width && b.x - gap <= a.x + a.width &&
          a.y - gap <= b.y + b.height && b.y - gap <= a.y + a.height;
        const sharedRows = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        if (!near && sharedRows < 0.5 * Math.min(a.height, b.height)) continue;
        const x = Math.min(a.x, b.x);
        const y = Math.min(a.y, b.y);
        out[i] = {
          x,
          y,
          width: Math.max(a.x + a.width, b.x + b.width) - x,
          height: Math.max(a.y + a.height, b.y + b.height) - y,
        };
        out.splice(j, 1);
        merged = true;
        break;
      }
    }
  }
  return out;
}
