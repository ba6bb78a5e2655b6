/**
 * The owning worker's side of pass 2: write the frames chunk by chunk through a shared
 * {@link FrameClaim}, offering the chunks it has not reached yet to idle workers of the pool, and
 * finish only once every frame's file is written, whoever wrote it. Without a host (one job, the
 * in-thread pool, a server pool) the same loop simply claims every chunk itself.
 * @module
 */
import { LogikError } from "./errors.ts";
import {
  agreeFormat,
  claimNext,
  claimProgress,
  closeClaim,
  createFrameClaim,
  type FrameClaim,
  markWritten,
} from "./frame_claim.ts";
import type { FrameSource } from "./io/frame_source.ts";
import { frameFileName } from "./io/write_output.ts";
import type { ProcessOptions } from "./options.ts";
import {
  createRangeWriter,
  type PassTwoPlan,
  type RangeTarget,
  STREAM_CHUNK_FRAMES,
} from "./stream_frames.ts";
import type { PixelType } from "./volume.ts";

/** How often the owner looks whether the helpers' last frames are written (shared memory, no message). */
const WRITTEN_POLL_MS = 10;

/** Everything a helper needs to write some of a file's frames: plain data and one shared buffer. */
export interface SpreadOffer {
  /** Unique per file run; routes a helper's failure back to its owner. */
  id: string;
  claim: FrameClaim;
  /** The input the helper opens itself; also what an error may name. */
  path: string;
  /** The source as the owner opened it: a helper seeing anything else declines. */
  shape: { frames: number; rows: number; cols: number; channels: number; type: PixelType };
  /** The staging folder and the frame file base name. */
  dir: string;
  name: string;
  options: ProcessOptions;
  plan: PassTwoPlan;
}

/** Why a helper's range failed; its `kind` is the error family the file is skipped with. */
export interface HelperFailure {
  kind: string;
  message: string;
}

/** A live offer, as the owner holds it. */
export interface SpreadTicket {
  /** Resolves (never rejects) with the first failure a helper reports for this offer. */
  failure: Promise<HelperFailure>;
  /** Want no more helpers: every chunk is taken, or the owner is stopping. Safe to call twice. */
  close(): void;
}

/** What the pool offers a streaming file: a way to ask idle workers for help. */
export interface SpreadHost {
  open(offer: SpreadOffer): SpreadTicket;
}

/** The spreading context a file job runs with (absent: the file writes every frame itself). */
export interface StreamContext {
  spread?: SpreadHost;
  /** Told how many frames helpers wrote, once the file's frames are all written. */
  onHelped?: (frames: number) => void;
}

/**
 * A helper's range failed: the file fails with the helper's error family and reason.
 *
 * @example
 * ```ts
 * const error = new HelperRangeError({ kind: "CorruptFile", message: "big.dcm: frame 812 does not decode" });
 * errorKind(error); // "CorruptFile"
 * ```
 */
export class HelperRangeError extends LogikError {
  override readonly kind: string;
  constructor(failure: HelperFailure) {
    super(failure.message);
    this.kind = failure.kind;
  }
}

/** What pass 2 wrote, as one unspread loop would have reported it. */
export interface ClaimedFrames {
  outputs: string[];
  bitDepth: number;
  valueOffset: number;
  /** Frames written by helper workers. */
  helperFrames: number;
}

/**
 * Write every frame of `source` under `plan` into `target.dir`, with help when a host is given and
 * the source can be read from anywhere cheaply (DICOM: frames are found by offset). Outputs, bit
 * depth and value offset are those of writing every chunk in order in this thread.
 *
 * @example
 * ```ts
 * const written = await writeClaimedFrames(source, plan, { dir, name, options, blankText }, { path, spread });
 * written.outputs.length === source.frames; // true
 * ```
 */
export async function writeClaimedFrames(
  source: FrameSource,
  plan: PassTwoPlan,
  target: RangeTarget,
  spreading: { path: string; spread?: SpreadHost },
): Promise<ClaimedFrames> {
  const claim = createFrameClaim(source.frames, STREAM_CHUNK_FRAMES);
  const ticket = spreading.spread && spreadable(source)
    ? spreading.spread.open({
      id: crypto.randomUUID(),
      claim,
      path: spreading.path,
      shape: {
        frames: source.frames,
        rows: source.rows,
        cols: source.cols,
        channels: source.channels,
        type: source.type,
      },
      dir: target.dir,
      name: target.name,
      options: target.options,
      plan,
    })
    : null;
  let failed: HelperFailure | null = null;
  const failure = ticket?.failure.then((reported) => (failed = reported));
  const stopIfFailed = () => {
    if (failed) throw new HelperRangeError(failed);
  };
  try {
    const write = createRangeWriter(source, plan, {
      ...target,
      framesWritten: () => claimProgress(claim).written,
    });
    for (let range = claimNext(claim); range; range = claimNext(claim)) {
      stopIfFailed();
      const written = await write(range.start, range.end);
      agreeFormat(claim, written);
      markWritten(claim, range.end - range.start, { helper: false });
    }
    ticket?.close();
    // Helpers may still be writing the last chunks they took.
    while (claimProgress(claim).written < claim.frames) {
      stopIfFailed();
      await Promise.race([failure, new Promise((resolve) => setTimeout(resolve, WRITTEN_POLL_MS))]);
    }
    stopIfFailed();
    const progress = claimProgress(claim);
    const extension = target.options.format;
    return {
      outputs: Array.from(
        { length: claim.frames },
        (_, frame) => frameFileName(target.name, frame, extension),
      ),
      bitDepth: progress.format?.bitDepth ?? 8,
      valueOffset: progress.format?.valueOffset ?? 0,
      helperFrames: progress.helped,
    };
  } catch (error) {
    // Helpers stop at their next chunk; the caller discards the staging folder.
    closeClaim(claim);
    throw error;
  } finally {
    ticket?.close();
  }
}

/**
 * Whether helpers can share this source: it must stream (not be held whole in memory) and let any
 * frame be read without decoding those before it. DICOM does (frames by offset or fragment index);
 * video and .nii.gz only go forwards, so each helper would decode the loop again up to its chunk.
 */
function spreadable(source: FrameSource): boolean {
  return source.streaming && source.format === "dicom" && source.frames > STREAM_CHUNK_FRAMES;
}
