/**
 * Pass 2 of a streamed file, one range of frames at a time: decode, blank the text, keep the ROI,
 * crop, encode, write `name_NNNN.ext`. Both the worker that owns the file and any helper worker run
 * this with the same {@link PassTwoPlan}, so a frame's bytes do not depend on who wrote it.
 * @module
 */
import { collectGarbage } from "./collect_garbage.ts";
import { toDisplay8WithRange } from "./display.ts";
import type { FrameSource } from "./io/frame_source.ts";
import { writeFrameFiles } from "./io/write_output.ts";
import type { ProcessOptions } from "./options.ts";
import type { StepClock } from "./pipeline_common.ts";
import { type Box, frameView, type Mask, type Volume } from "./volume.ts";
import { keepRegion, prepareRegion } from "./volume_ops.ts";

/** Frames decoded, blanked and encoded together in pass 2. */
export const STREAM_CHUNK_FRAMES = 8;
/** A full garbage collection every this many frames: decoded and encoded frames are external memory. */
const GC_EVERY_FRAMES = 32;

/**
 * What pass 1 decided that pass 2 applies to every frame: plain data that survives postMessage. It
 * holds box geometry only, never recognised text.
 */
export interface PassTwoPlan {
  /** Text boxes (source coordinates) blanked on every frame. */
  boxes: Box[];
  /** Kept pixels (1) at source size; null keeps everything. */
  roiMask: Mask | null;
  cropBox: Box | null;
  /** The display mapping every frame gets (unless `fullDepth`). */
  range: { low: number; high: number };
  /** Write the source samples (PNG of a >8-bit source) instead of display values. */
  fullDepth: boolean;
  /** The value outside the ROI. */
  fill: number;
}

/** Blank text boxes on a volume (a copy): `Engines.blankText`'s shape. */
export type BlankText = (volume: Volume, boxes: Box[], options: ProcessOptions) => Volume;

/** Where and how a range writer writes. */
export interface RangeTarget {
  dir: string;
  name: string;
  options: ProcessOptions;
  blankText: BlankText;
  /** Times steps into the file's timings; helpers, whose time is not the manifest's, go untimed. */
  clock?: StepClock;
  /**
   * Frames of the file written so far by every writer (default: by this one). Collections follow
   * it, so two writers of one file each collect twice as often and hold together what one would.
   */
  framesWritten?: () => number;
}

/** What one range wrote. */
export interface RangeWritten {
  outputs: string[];
  /** 8 or 16: the sample depth of the frames written. */
  bitDepth: number;
  /** What writeFrameFiles added to signed samples (0 for none). */
  valueOffset: number;
}

/** Writes ranges of one source's frames; holds the per-file prepared ROI and the collection rhythm. */
export type RangeWriter = (start: number, end: number) => Promise<RangeWritten>;

const untimed: StepClock = (_step, run) => run();

/**
 * Make the writer of frame ranges for one source under one plan.
 *
 * @example
 * ```ts
 * const write = createRangeWriter(source, plan, { dir: staging, name: "big", options, blankText });
 * const { outputs } = await write(0, 8); // big_0000.jpeg … big_0007.jpeg
 * ```
 */
export function createRangeWriter(source: FrameSource, plan: PassTwoPlan, target: RangeTarget): RangeWriter {
  const { dir, name, options, blankText } = target;
  const clock = target.clock ?? untimed;
  const region = prepareRegion(plan.roiMask, plan.cropBox);
  let own = 0;
  const framesWritten = target.framesWritten ?? (() => own);
  let lastCollection = 0;
  return async (start, end) => {
    const chunk = await clock("read", () => source.readFrames(start, end));
    // Frame by frame inside the chunk: blanking copies a frame, so a chunk holds at most
    // STREAM_CHUNK_FRAMES processed copies until they are encoded.
    const processed: Volume[] = [];
    for (let index = 0; index < chunk.frames; index++) {
      const frame = oneFrame(chunk, index);
      const working = plan.fullDepth ? frame : toDisplay8WithRange(frame, plan.range);
      const blanked = await clock("text", () => Promise.resolve(blankText(working, plan.boxes, options)));
      processed.push(await clock("roi", () => Promise.resolve(keepRegion(blanked, region, plan.fill))));
    }
    // The chunk's frames are encoded a few at a time, as whole-file frame stacks are.
    const written = await clock(
      "write",
      () => writeFrameFiles(processed.length, (index) => processed[index], { dir, name, options }, start),
    );
    own += end - start;
    const total = framesWritten();
    if (total - lastCollection >= GC_EVERY_FRAMES) {
      lastCollection = total;
      collectGarbage();
    }
    return {
      outputs: written.outputs,
      bitDepth: processed[0]?.data instanceof Uint8Array ? 8 : 16,
      valueOffset: written.valueOffset,
    };
  };
}

/** One frame of a volume, as a one-frame view. */
function oneFrame(volume: Volume, index: number): Volume {
  return { ...volume, frames: 1, data: frameView(volume, index) };
}
