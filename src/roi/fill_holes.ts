/**
 * Hole filling: background not 4-connected to the frame border becomes foreground.
 * @module
 */
import type { Mask } from "../volume.ts";
import { connectedRuns } from "./connected_runs.ts";

/**
 * Fill the holes of a binary mask.
 *
 * @example
 * ```ts
 * const ring = { rows: 3, cols: 3, data: new Uint8Array([1, 1, 1, 1, 0, 1, 1, 1, 1]) };
 * fillHoles(ring).data; // all ones
 * ```
 */
export function fillHoles(mask: Mask): Mask {
  const { rows, cols } = mask;
  const runs = connectedRuns(mask, { value: 0, connectivity: 4 });
  // A component of background runs is outside when any of its runs touches the frame border.
  const outside = new Uint8Array(runs.count);
  for (let run = 0; run < runs.count; run++) {
    if (
      runs.row[run] === 0 || runs.row[run] === rows - 1 || runs.start[run] === 0 || runs.end[run] === cols
    ) {
      outside[runs.root[run]] = 1;
    }
  }
  const out = new Uint8Array(rows * cols).fill(1);
  for (let run = 0; run < runs.count; run++) {
    if (!outside[runs.root[run]]) continue;
    const offset = runs.row[run] * cols;
    out.fill(0, offset + runs.start[run], offset + runs.end[run]);
  }
  return { rows, cols, data: out };
}
