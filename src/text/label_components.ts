/**
 * Connected components of a binary image (8-connectivity) as the text views use them: per-component
 * corners and pixel count. The labelling itself is the ROI's (src/roi/label_components.ts).
 * @module
 */
import { labelComponents as labelMask } from "../roi/label_components.ts";

/** One labelled component: its bounding rectangle and pixel count. */
export interface Component {
  /** Label value in the label image (1-based). */
  label: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  area: number;
}

/**
 * Label the non-zero pixels of a rows×cols binary image with 8-connectivity; components are numbered
 * in raster order of their first pixel.
 *
 * @example
 * ```ts
 * const { labels, components } = labelComponents(new Uint8Array([1, 0, 0, 1]), 2, 2);
 * components.length; // 1 (diagonal neighbours join)
 * labels[3]; // 1
 * ```
 */
export function labelComponents(
  binary: Uint8Array,
  rows: number,
  cols: number,
): { labels: Int32Array; components: Component[] } {
  const { labels, count, areas, boxes } = labelMask({ rows, cols, data: binary });
  const components: Component[] = [];
  for (let label = 1; label <= count; label++) {
    const box = boxes[label];
    components.push({
      label,
      x0: box.x,
      y0: box.y,
      x1: box.x + box.width - 1,
      y1: box.y + box.height - 1,
      area: areas[label],
    });
  }
  return { labels, components };
}
