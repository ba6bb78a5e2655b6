/**
 * The messages a worker pool and its workers exchange to spread a streamed file's pass 2, and the
 * worker-side {@link SpreadHost} that speaks them. Workers never talk to each other: the pool routes
 * every offer and every helper failure, so it can also answer for a helper that crashed.
 * @module
 */
import type { FileJob } from "./file_pool.ts";
import type { HelpResult } from "./stream_helper.ts";
import type { HelperFailure, SpreadHost, SpreadOffer, SpreadTicket } from "./stream_spread.ts";

/** Pool → worker: run this job, and offer its pass 2 to the pool (plain FileJob messages never do). */
export interface SpreadJobMessage {
  spreadJob: FileJob;
}
/** Pool → worker: write chunks of another worker's file. */
export interface HelpMessage {
  help: SpreadOffer;
}
/** Pool → owner: a helper of offer `id` failed (or crashed) inside a chunk it had taken. */
export interface HelperFailedMessage {
  helperFailed: { id: string; failure: HelperFailure };
}
/** Owner → pool: idle workers may take chunks of this offer. */
export interface SpreadOpenMessage {
  spreadOpen: SpreadOffer;
}
/** Owner → pool: no more helpers for offer `id` (its chunks are all taken, or the owner stopped). */
export interface SpreadCloseMessage {
  spreadClose: string;
}
/** Helper → pool: how a help session ended. */
export interface HelpedMessage {
  helped: { id: string; result: HelpResult };
}

/**
 * Whether `data` is the message named by `key` (messages are told apart by their one key).
 *
 * @example
 * ```ts
 * if (isMessage<HelpMessage>(event.data, "help")) await helpWithFrames(event.data.help);
 * ```
 */
export function isMessage<T>(data: unknown, key: keyof T & string): data is T {
  return typeof data === "object" && data !== null && key in data;
}

/**
 * The host a worker gives its streamed files: offers and closes go to the pool as messages, and the
 * pool's {@link HelperFailedMessage}s are handed to `deliver` to reach the right file; `clear` drops
 * the routes once the worker's job is over.
 *
 * @example
 * ```ts
 * const spread = createMessageSpreadHost((message) => self.postMessage(message));
 * // in onmessage: if (isMessage<HelperFailedMessage>(data, "helperFailed")) spread.deliver(data);
 * await processFile(path, options, target, engines, { spread: spread.host });
 * ```
 */
export function createMessageSpreadHost(
  post: (message: SpreadOpenMessage | SpreadCloseMessage) => void,
): { host: SpreadHost; deliver(message: HelperFailedMessage): void; clear(): void } {
  const live = new Map<string, (failure: HelperFailure) => void>();
  return {
    host: {
      open(offer: SpreadOffer): SpreadTicket {
        let report: (failure: HelperFailure) => void = () => {};
        const failure = new Promise<HelperFailure>((resolve) => (report = resolve));
        live.set(offer.id, report);
        post({ spreadOpen: offer });
        let closed = false;
        return {
          failure,
          close() {
            if (closed) return;
            closed = true;
            post({ spreadClose: offer.id });
            // Failures still matter after the close (helpers finish the chunks they took), so the
            // route stays until the job is over (clear).
          },
        };
      },
    },
    deliver(message: HelperFailedMessage) {
      live.get(message.helperFailed.id)?.(message.helperFailed.failure);
    },
    clear() {
      live.clear();
    },
  };
}
