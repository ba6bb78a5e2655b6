/**
 * The helping worker's side of a spread pass 2: open the owner's input itself, take chunks from the
 * shared claim and write them into the owner's staging folder with the owner's decisions, until no
 * chunk is left. It needs no OCR: text boxes, ROI and display range come in the offer.
 * @module
 */
import { errorKind, errorLine } from "./errors.ts";
import { agreeFormat, claimNext, claimProgress, markWritten, unclaimedFrames } from "./frame_claim.ts";
import { type FrameSource, openFrameSource } from "./io/frame_source.ts";
import { blankTextBoxes } from "./create_engines.ts";
import { createRangeWriter } from "./stream_frames.ts";
import type { HelperFailure, SpreadOffer } from "./stream_spread.ts";

/** How a help session ended: frames written, or the failure that must fail the owner's file. */
export type HelpResult =
  | { ok: true; frames: number }
  | { ok: false; failure: HelperFailure };

/**
 * Write chunks of `offer` until the claim runs dry. A problem before any chunk is taken (the file
 * cannot be opened, it changed) only means no help: the owner writes those frames itself. A problem
 * inside a taken chunk fails the file, since that chunk's frames would otherwise be missing.
 *
 * @example
 * ```ts
 * const result = await helpWithFrames(offer);
 * if (result.ok) console.log(`${result.frames} frames written for the owner`);
 * ```
 */
export async function helpWithFrames(offer: SpreadOffer): Promise<HelpResult> {
  if (unclaimedFrames(offer.claim) === 0) return { ok: true, frames: 0 };
  let source: FrameSource;
  try {
    source = await openFrameSource(offer.path, { label: offer.path, maxBytes: offer.options.maxBytes });
  } catch {
    return { ok: true, frames: 0 };
  }
  let frames = 0;
  try {
    if (!sameShape(source, offer.shape)) return { ok: true, frames: 0 };
    const write = createRangeWriter(source, offer.plan, {
      dir: offer.dir,
      name: offer.name,
      options: offer.options,
      blankText: blankTextBoxes,
      framesWritten: () => claimProgress(offer.claim).written,
    });
    for (let range = claimNext(offer.claim); range; range = claimNext(offer.claim)) {
      try {
        const written = await write(range.start, range.end);
        agreeFormat(offer.claim, written);
      } catch (error) {
        return { ok: false, failure: describeFailure(error, offer.path) };
      }
      markWritten(offer.claim, range.end - range.start, { helper: true });
      frames += range.end - range.start;
    }
    return { ok: true, frames };
  } finally {
    await source.close();
  }
}

function sameShape(source: FrameSource, shape: SpreadOffer["shape"]): boolean {
  return source.frames === shape.frames && source.rows === shape.rows && source.cols === shape.cols &&
    source.channels === shape.channels && source.type === shape.type;
}

/** The error's family and first line, always naming the file (and nothing else identifying). */
function describeFailure(error: unknown, path: string): HelperFailure {
  const text = errorLine(error);
  return { kind: errorKind(error), message: text.startsWith(path) ? text : `${path}: ${text}` };
}
