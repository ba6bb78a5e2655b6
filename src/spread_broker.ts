/**
 * The pool's book of spread offers: which streamed files accept help, which worker owns each, and
 * what an idle worker should do next. Pure bookkeeping (no workers, no messages), so the pool's
 * routing stays small and this part is tested on its own.
 * @module
 */
import { closeClaim, unclaimedFrames } from "./frame_claim.ts";
import type { SpreadOffer } from "./stream_spread.ts";

/** The book of offers; slots are the pool's worker indices. */
export interface SpreadBroker {
  /** A job started on some worker: idle workers keep waiting for offers while one runs. */
  jobStarted(): void;
  /**
   * The job on `slot` ended (done, failed, crashed or abandoned): its offers close and their claims
   * are closed, so helpers still at work stop at their next chunk.
   */
  jobEnded(slot: number): void;
  /** Worker `slot` offers chunks of its file. */
  open(slot: number, offer: SpreadOffer): void;
  /** The owner wants no more helpers for offer `id` (its failures still route until its job ends). */
  close(id: string): void;
  /** The worker that owns offer `id` while its job runs, for routing a helper's failure. */
  ownerOf(id: string): number | undefined;
  /**
   * For an idle worker: the open offer with the most chunks left, waiting for one while jobs run;
   * null once no job runs, or when `signal` aborts.
   */
  next(signal?: AbortSignal): Promise<SpreadOffer | null>;
}

/**
 * Create an empty book.
 *
 * @example
 * ```ts
 * const broker = createSpreadBroker();
 * broker.jobStarted();
 * broker.open(0, offer);
 * await broker.next(); // offer
 * ```
 */
export function createSpreadBroker(): SpreadBroker {
  const open = new Map<string, SpreadOffer>();
  const owners = new Map<string, { slot: number; offer: SpreadOffer }>();
  let running = 0;
  let waiters: (() => void)[] = [];
  const changed = () => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  return {
    jobStarted() {
      running++;
    },
    jobEnded(slot) {
      running = Math.max(0, running - 1);
      for (const [id, owned] of owners) {
        if (owned.slot !== slot) continue;
        closeClaim(owned.offer.claim);
        owners.delete(id);
        open.delete(id);
      }
      changed();
    },
    open(slot, offer) {
      open.set(offer.id, offer);
      owners.set(offer.id, { slot, offer });
      changed();
    },
    close(id) {
      open.delete(id);
      changed();
    },
    ownerOf(id) {
      return owners.get(id)?.slot;
    },
    async next(signal) {
      while (!signal?.aborted) {
        let best: SpreadOffer | null = null;
        for (const offer of open.values()) {
          if (unclaimedFrames(offer.claim) > (best ? unclaimedFrames(best.claim) : 0)) best = offer;
        }
        if (best) return best;
        if (running === 0) return null;
        await new Promise<void>((resolve) => {
          const wake = () => {
            signal?.removeEventListener("abort", wake);
            resolve();
          };
          waiters.push(wake);
          signal?.addEventListener("abort", wake, { once: true });
        });
      }
      return null;
    },
  };
}
