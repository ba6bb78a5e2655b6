/**
 * Bounded concurrency with a bounded waiting line: work that does not fit is refused at once (→ HTTP 429)
 * instead of piling up in memory.
 * @module
 */

/** A queue that runs at most `concurrency` tasks and holds at most `capacity` more. */
export interface WorkQueue {
  /** Enqueue all tasks, or none when they do not all fit; returns their promises or null. */
  tryAddAll<T>(tasks: (() => Promise<T>)[]): Promise<T>[] | null;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting. */
  readonly waiting: number;
  /** Free places in the waiting line. */
  readonly free: number;
  /** Resolves when nothing is running or waiting. */
  idle(): Promise<void>;
}

/**
 * Create a work queue.
 *
 * @example
 * ```ts
 * const queue = createWorkQueue(2, 10);
 * const accepted = queue.tryAddAll([() => Promise.resolve(1)]);
 * if (accepted === null) console.log("busy: answer 429");
 * ```
 */
export function createWorkQueue(concurrency: number, capacity: number): WorkQueue {
  const line: (() => void)[] = [];
  let active = 0;
  let idleWaiters: (() => void)[] = [];

  const pump = () => {
    while (active < concurrency && line.length > 0) {
      active++;
      line.shift()!();
    }
    if (active === 0 && line.length === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  const schedule = <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      line.push(() => {
        task().then(resolve, reject).finally(() => {
          active--;
          pump();
        });
      });
    });

  return {
    tryAddAll<T>(tasks: (() => Promise<T>)[]): Promise<T>[] | null {
      const room = concurrency - active + capacity - line.length;
      if (tasks.length > room) return null;
      const promises = tasks.map(schedule);
      pump();
      return promises;
    },
    get active() {
      return active;
    },
    get waiting() {
      return line.length;
    },
    get free() {
      return Math.max(0, concurrency - active + capacity - line.length);
    },
    idle() {
      if (active === 0 && line.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
