/**
 * The shared frame-range claim of a streamed file's pass 2: one SharedArrayBuffer that the owning
 * worker and any helper workers read and update with Atomics, so each chunk of frames is written by
 * exactly one of them, and the owner can tell when every frame is on disk. Chunks start at multiples
 * of the chunk size, the same boundaries an unspread pass 2 uses.
 * @module
 */

/** Int32 slots of the shared buffer. */
const NEXT = 0; // first frame of the next unclaimed chunk
const WRITTEN = 1; // frames whose files are written
const HELPED = 2; // of those, frames written by helpers
const BIT_DEPTH = 3; // bit depth every writer reported (0: none yet)
const VALUE_OFFSET = 4; // valueOffset + 1 every writer reported (0: none yet)
const SLOTS = 5;

/** A claim over frames [0, frames), shareable with workers by postMessage (the buffer is shared, not copied). */
export interface FrameClaim {
  buffer: SharedArrayBuffer;
  frames: number;
  chunkFrames: number;
}

/** One claimed range of frames, [start, end). */
export interface FrameRange {
  start: number;
  end: number;
}

/**
 * Create a claim over `frames` frames, handed out `chunkFrames` at a time.
 *
 * @example
 * ```ts
 * const claim = createFrameClaim(20, 8);
 * claimNext(claim); // { start: 0, end: 8 }
 * ```
 */
export function createFrameClaim(frames: number, chunkFrames: number): FrameClaim {
  if (!Number.isInteger(frames) || frames < 0 || frames >= 2 ** 30) throw new RangeError(`frames: ${frames}`);
  if (!Number.isInteger(chunkFrames) || chunkFrames < 1) throw new RangeError(`chunkFrames: ${chunkFrames}`);
  return { buffer: new SharedArrayBuffer(SLOTS * 4), frames, chunkFrames };
}

function view(claim: FrameClaim): Int32Array {
  return new Int32Array(claim.buffer);
}

/**
 * Take the next unclaimed chunk, or null when every chunk is taken (or the claim was closed).
 *
 * @example
 * ```ts
 * const claim = createFrameClaim(10, 8);
 * claimNext(claim); // { start: 0, end: 8 }
 * claimNext(claim); // { start: 8, end: 10 }
 * claimNext(claim); // null
 * ```
 */
export function claimNext(claim: FrameClaim): FrameRange | null {
  const slots = view(claim);
  // Reading first keeps a drained counter from creeping towards overflow with every late caller.
  if (Atomics.load(slots, NEXT) >= claim.frames) return null;
  const start = Atomics.add(slots, NEXT, claim.chunkFrames);
  if (start >= claim.frames) return null;
  return { start, end: Math.min(claim.frames, start + claim.chunkFrames) };
}

/**
 * Hand out no more chunks (on failure or cancellation); chunks already taken stay taken.
 *
 * @example
 * ```ts
 * closeClaim(claim);
 * claimNext(claim); // null
 * ```
 */
export function closeClaim(claim: FrameClaim): void {
  Atomics.store(view(claim), NEXT, claim.frames);
}

/**
 * Record that the files of `count` claimed frames are written, and by whom.
 *
 * @example
 * ```ts
 * markWritten(claim, 8, { helper: true });
 * ```
 */
export function markWritten(claim: FrameClaim, count: number, by: { helper: boolean }): void {
  const slots = view(claim);
  if (by.helper) Atomics.add(slots, HELPED, count);
  Atomics.add(slots, WRITTEN, count);
}

/**
 * Record the sample format a writer produced and check it against the others': every frame of one
 * file must share the manifest's single `bitDepth` and `valueOffset`. Throws on a disagreement.
 *
 * @example
 * ```ts
 * agreeFormat(claim, { bitDepth: 16, valueOffset: 32768 });
 * agreeFormat(claim, { bitDepth: 8, valueOffset: 0 }); // throws
 * ```
 */
export function agreeFormat(claim: FrameClaim, format: { bitDepth: number; valueOffset: number }): void {
  const slots = view(claim);
  const depth = Atomics.compareExchange(slots, BIT_DEPTH, 0, format.bitDepth);
  const offset = Atomics.compareExchange(slots, VALUE_OFFSET, 0, format.valueOffset + 1);
  if ((depth !== 0 && depth !== format.bitDepth) || (offset !== 0 && offset !== format.valueOffset + 1)) {
    throw new Error(
      `frame writers disagree on the sample format (${depth}-bit offset ${offset - 1} vs ` +
        `${format.bitDepth}-bit offset ${format.valueOffset})`,
    );
  }
}

/**
 * Where a claim stands: frames written (in total and by helpers) and the agreed sample format
 * (null before any frame was written).
 *
 * @example
 * ```ts
 * const { written, helped } = claimProgress(claim);
 * ```
 */
export function claimProgress(
  claim: FrameClaim,
): { written: number; helped: number; format: { bitDepth: number; valueOffset: number } | null } {
  const slots = view(claim);
  const bitDepth = Atomics.load(slots, BIT_DEPTH);
  return {
    written: Atomics.load(slots, WRITTEN),
    helped: Atomics.load(slots, HELPED),
    format: bitDepth ? { bitDepth, valueOffset: Atomics.load(slots, VALUE_OFFSET) - 1 } : null,
  };
}

/**
 * Frames not yet claimed.
 *
 * @example
 * ```ts
 * unclaimedFrames(createFrameClaim(20, 8)); // 20
 * ```
 */
export function unclaimedFrames(claim: FrameClaim): number {
  return Math.max(0, claim.frames - Atomics.load(view(claim), NEXT));
}
