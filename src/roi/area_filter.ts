/**
 * Component filters by area: drop small objects, keep the largest.
 * @module
 */
import type { Mask } from "../volume.ts";
import { componentMask, labelComponents } from "./label_components.ts";

/**
 * Remove 8-connected components smaller than `minArea` pixels.
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 5, data: new Uint8Array([1, 0, 1, 1, 1]) };
 * removeSmallObjects(mask, 2).data; // [0, 0, 1, 1, 1]
 * ```
 */
export function removeSmallObjects(mask: Mask, minArea: number): Mask {
  const components = labelComponents(mask);
  return componentMask(components, (label) => components.areas[label] >= minArea);
}

/**
 * Keep only the largest 8-connected component (empty mask stays empty).
 *
 * @example
 * ```ts
 * const mask = { rows: 1, cols: 5, data: new Uint8Array([1, 0, 1, 1, 1]) };
 * largestComponent(mask).data; // [0, 0, 1, 1, 1]
 * ```
 */
export function largestComponent(mask: Mask): Mask {
  const components = labelComponents(mask);
  let best = 0;
  for (let label = 1; label <= components.count; label++) {
    if (best === 0 || components.areas[label] > components.areas[best]) best = label;
  }
  return componentMask(components, (label) => label === best);
}
