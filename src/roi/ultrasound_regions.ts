/**
 * The DICOM Sequence of Ultrasound Regions (0018,6011) as a bound for the scan region, used only
 * when it agrees with the pixel matrix.
 * @module
 */
import type { Box, UltrasoundRegion } from "../volume.ts";

/** 2D image regions usable as bounds, or none with the reason they were ignored. */
export interface UltrasoundRegionBounds {
  /** Boxes of the 2D image regions (tissue or flow), clipped to the frame, left to right. */
  boxes: Box[];
  /** Why the sequence was not used (absent, inconsistent, no 2D region). */
  reason?: string;
}

/** RegionSpatialFormat 1 is a 2D image; other formats (M-mode, spectral, waveform) are not sectors. */
const SPATIAL_FORMAT_2D = 1;

/**
 * Check the regions against the frame size and keep the 2D image ones. Coordinates may reach one
 * past the last pixel (some scanners write MaxX1 = Columns); anything larger means the sequence
 * describes another matrix (e.g. 640×480 coordinates on 320×240 pixels) and the whole sequence is ignored.
 *
 * @example
 * ```ts
 * ultrasoundRegionBounds([{ x0: 84, y0: 31, x1: 595, y1: 414, spatialFormat: 1 }], 240, 320).reason;
 * // "ultrasound regions ignored: (84,31)-(595,414) lies outside the 320x240 frame (coordinates for about 640x480)"
 * ```
 */
export function ultrasoundRegionBounds(
  regions: UltrasoundRegion[] | undefined,
  rows: number,
  cols: number,
): UltrasoundRegionBounds {
  if (!regions || regions.length === 0) return { boxes: [], reason: "no Sequence of Ultrasound Regions" };
  for (const region of regions) {
    const inside = region.x0 >= 0 && region.y0 >= 0 && region.x1 <= cols && region.y1 <= rows &&
      region.x1 > region.x0 && region.y1 > region.y0;
    if (inside) continue;
    const scaleX = Math.max(...regions.map((r) => r.x1)) / cols;
    const scaleY = Math.max(...regions.map((r) => r.y1)) / rows;
    const scale = Math.ceil(Math.max(scaleX, scaleY));
    const hint = scale >= 2 ? ` (coordinates for about ${cols * scale}x${rows * scale})` : "";
    return {
      boxes: [],
      reason: `ultrasound regions ignored: (${region.x0},${region.y0})-(${region.x1},${region.y1}) ` +
        `lies outside the ${cols}x${rows} frame${hint}`,
    };
  }
  const minimumArea = 0.02 * rows * cols;
  const candidates = regions
    .filter((region) => region.spatialFormat === undefined || region.spatialFormat === SPATIAL_FORMAT_2D)
    .map((region) => clipBox(region, rows, cols))
    .filter((box) => box.width * box.height >= minimumArea);
  // A colour-flow box nested in its tissue region adds nothing to the bound.
  const boxes = candidates.filter((box, index) =>
    !candidates.some((other, otherIndex) =>
      otherIndex !== index && contains(other, box) && !sameBox(other, box)
    ) &&
    candidates.findIndex((other) => sameBox(other, box)) === index
  );
  boxes.sort((a, b) => a.x - b.x);
  if (boxes.length === 0) {
    return { boxes, reason: "no 2D image region in the Sequence of Ultrasound Regions" };
  }
  return { boxes };
}

function clipBox(region: UltrasoundRegion, rows: number, cols: number): Box {
  const x0 = Math.max(0, region.x0), y0 = Math.max(0, region.y0);
  const x1 = Math.min(cols - 1, region.x1), y1 = Math.min(rows - 1, region.y1);
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

function contains(outer: Box, inner: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height;
}

function sameBox(a: Box, b: Box): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}
