/**
 * A full garbage collection on request, for the streaming pipeline: frame buffers are external
 * memory that V8 reclaims only when it collects, and between collections a long loop's decoded and
 * encoded frames pile up by the hundred megabytes. Deno exposes no `gc` without `--v8-flags=--expose-gc`;
 * setting that flag at run time makes V8 install `gc` in contexts created afterwards.
 * @module
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collector: (() => void) | null | undefined;

function findCollector(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return exposed;
  try {
    setFlagsFromString("--expose-gc");
    const fresh = runInNewContext("typeof gc === 'function' ? gc : null");
    return typeof fresh === "function" ? fresh : null;
  } catch {
    return null;
  }
}

/**
 * Run a full garbage collection when the runtime allows it; returns whether one ran.
 *
 * @example
 * ```ts
 * collectGarbage(); // true on Deno 2
 * ```
 */
export function collectGarbage(): boolean {
  if (collector === undefined) collector = findCollector();
  collector?.();
  return collector !== null;
}
