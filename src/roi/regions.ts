/**
 * The non-sector region modes: smallest box around the content (`deid`), largest object (`one`)
 * and small-object cleaning (`clean`). All work on a content mask in source coordinates.
 * @module
 */
import { colorSelect } from "../metrics.ts";
import { type Box, frame8, type Mask, type Volume } from "../volume.ts";
import { removeSmallObjects } from "./area_filter.ts";
import { backgroundThreshold } from "./background_threshold.ts";
import { binaryDilation, binaryErosion } from "./binary_morphology.ts";
import { fillHoles } from "./fill_holes.ts";
import { componentMask, labelComponents } from "./label_components.ts";
import { boxMask, createMask, maskAnd, maskBoundingBox, thresholdPlane } from "./plane.ts";
import { temporalExtremes } from "./temporal_stats.ts";

/** A kept region: its mask, tight box (null when empty) and how many components it holds. */
export interface RegionResult {
  mask: Mask;
  box: Box | null;
  components: number;
}

/**
 * Pixels that hold content in any frame: the max projection above the background noise floor.
 *
 * @example
 * ```ts
 * import { createVolume } from "../volume.ts";
 * const volume = createVolume({ frames: 2, rows: 1, cols: 3, channels: 1, type: "uint8", meta: { format: "image" } });
 * volume.data.set([0, 0, 0, 0, 9, 0]);
 * contentMask(volume).data; // [0, 1, 0]
 * ```
 */
export function contentMask(volume8: Volume): Mask {
  const extremes = temporalExtremes(volume8, volume8.frames);
  return thresholdPlane(extremes.max, backgroundThreshold(extremes.max));
}

/**
 * Chromatic pixels in any frame (colour Doppler, coloured overlays).
 *
 * @example
 * ```ts
 * import { createVolume } from "../volume.ts";
 * const volume = createVolume({ frames: 1, rows: 1, cols: 2, channels: 3, type: "uint8", meta: { format: "image" } });
 * volume.data.set([200, 20, 20, 50, 50, 50]);
 * colorMask(volume).data; // [1, 0]
 * ```
 */
export function colorMask(volume8: Volume, threshold?: number): Mask {
  const mask = createMask(volume8.rows, volume8.cols);
  if (volume8.channels !== 3) return mask;
  for (let frame = 0; frame < volume8.frames; frame++) {
    const chromatic = colorSelect(frame8(volume8, frame), threshold).data;
    for (let i = 0; i < chromatic.length; i++) mask.data[i] |= chromatic[i];
  }
  return mask;
}

/**
 * `deid`: the bounding box of the remaining content, ignoring specks smaller than `minSpeck` pixels
 * (isolated noise would otherwise stretch the box).
 *
 * @example
 * ```ts
 * const content = { rows: 3, cols: 4, data: new Uint8Array([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0]) };
 * smallestRegion(content, { minSpeck: 1 }).box; // { x: 1, y: 1, width: 2, height: 2 }
 * ```
 */
export function smallestRegion(content: Mask, options: { minSpeck?: number } = {}): RegionResult {
  const minSpeck = options.minSpeck ?? Math.max(1, Math.round(2e-5 * content.rows * content.cols));
  const kept = minSpeck > 1 ? removeSmallObjects(content, minSpeck) : content;
  const box = maskBoundingBox(kept);
  if (!box) return { mask: createMask(content.rows, content.cols), box: null, components: 0 };
  return { mask: boxMask(content.rows, content.cols, box), box, components: labelComponents(kept).count };
}

/**
 * Radius PyLogik erodes with: 15 px at 710 rows (±50), scaled with the row count otherwise.
 *
 * @example
 * ```ts
 * pylogikRadius(710); // 15
 * pylogikRadius(480); // 10
 * ```
 */
export function pylogikRadius(rows: number): number {
  return Math.abs(rows - 710) <= 50 ? 15 : Math.max(1, Math.round((15 * rows) / 710));
}

/**
 * `one`: the largest connected object. Erosion detaches thin attachments (text, calipers, traces);
 * the largest eroded core is then dilated back (by 1.5 radii, enough to restore right-angle corners) and
 * intersected with the content, so it keeps its true border rather than the disk-rounded one.
 *
 * @example
 * ```ts
 * const content = { rows: 1, cols: 6, data: new Uint8Array([1, 0, 1, 1, 1, 1]) };
 * largestRegion(content, { radius: 1 }).mask.data; // [0, 0, 1, 1, 1, 1]
 * ```
 */
export function largestRegion(content: Mask, options: { radius?: number } = {}): RegionResult {
  const radius = options.radius ?? pylogikRadius(content.rows);
  const components = labelComponents(binaryErosion(content, radius));
  let best = 0;
  for (let label = 1; label <= components.count; label++) {
    if (best === 0 || components.areas[label] > components.areas[best]) best = label;
  }
  if (best === 0) return { mask: createMask(content.rows, content.cols), box: null, components: 0 };
  const core = componentMask(components, (label) => label === best);
  // 1.5 radii: a disk opening loses 0.41·r at right-angle corners; much more would re-attach overlays.
  const mask = fillHoles(maskAnd(binaryDilation(core, Math.round(1.5 * radius)), content));
  return { mask, box: maskBoundingBox(mask), components: 1 };
}

/**
 * `clean`: drop objects smaller than `minAreaFraction` of the image (calipers, markers, text
 * remnants, ECG traces, logos) and fill the holes of what remains. Chromatic pixels (`color`) are
 * overlays and are removed, unless `keepColor`, which keeps colour (Doppler) inside the kept region.
 *
 * @example
 * ```ts
 * const content = { rows: 10, cols: 10, data: new Uint8Array(100) };
 * content.data.fill(1, 20, 80);
 * content.data[0] = 1;
 * cleanRegion(content, { minAreaFraction: 0.05 }).mask.data[0]; // 0 (a one-pixel object)
 * ```
 */
export function cleanRegion(
  content: Mask,
  options: { minAreaFraction?: number; color?: Mask; keepColor?: boolean } = {},
): RegionResult {
  const minArea = Math.max(1, Math.round((options.minAreaFraction ?? 0.01) * content.rows * content.cols));
  const large = removeSmallObjects(content, minArea);
  const mask = fillHoles(large);
  if (options.color && !options.keepColor) {
    for (let i = 0; i < mask.data.length; i++) if (options.color.data[i]) mask.data[i] = 0;
  }
  return { mask, box: maskBoundingBox(mask), components: labelComponents(large).count };
}
