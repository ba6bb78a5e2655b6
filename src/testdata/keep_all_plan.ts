/**
 * Test data for the streamed pass 2: a plan that blanks, masks and crops nothing.
 * @module
 */
import type { PassTwoPlan } from "../stream_frames.ts";

/**
 * A pass-2 plan for 8-bit frames with no text boxes, no ROI and no crop: every pixel is kept.
 *
 * @example
 * ```ts
 * const plan = keepAllPlan();
 * plan.boxes.length; // 0
 * ```
 */
export function keepAllPlan(): PassTwoPlan {
  return { boxes: [], roiMask: null, cropBox: null, range: { low: 0, high: 255 }, fullDepth: false, fill: 0 };
}
