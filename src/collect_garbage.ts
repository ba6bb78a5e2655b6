/**
 * A full garbage collection on request, for the streaming pipeline: frame buffers are external
 * memory that V8 reclaims only when it collects, and between collections a long loop's decoded and
 * encoded frames pile up by the hundred megabytes. Deno exposes no `gc` without `--v8-flags=--expose-gc`;
 * setting that flag at run time makes V8 install `gc` in contexts created afterwards. On glibc the
 * freed blocks then go back to the system (`malloc_trim`): codec and OCR threads each keep their own
 * malloc arena, and without a trim the peak RSS of a long stream varied by 50 MB from run to run.
 * @module
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collector: (() => void) | null | undefined;
let trim: (() => void) | null | undefined;

/** glibc's malloc_trim through FFI, or null elsewhere (macOS, Windows, musl) or without --allow-ffi. */
function findTrim(): (() => void) | null {
  if (Deno.build.os !== "linux") return null;
  try {
    // Never prompt for FFI: without the permission there is simply no trim.
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
    const libc = Deno.dlopen("libc.so.6", { malloc_trim: { parameters: ["usize"], result: "i32" } });
    return () => void libc.symbols.malloc_trim(0n);
  } catch {
    return null;
  }
}

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
 * Run a full garbage collection when the runtime allows it, then hand freed native memory back to
 * the system where the C library can; returns whether a collection ran.
 *
 * @example
 * ```ts
 * collectGarbage(); // true on Deno 2
 * ```
 */
export function collectGarbage(): boolean {
  if (collector === undefined) collector = findCollector();
  collector?.();
  releaseFreedMemory();
  return collector !== null;
}

/**
 * Hand memory that has been freed back to the system where the C library can (glibc `malloc_trim`),
 * without a garbage collection; returns whether it could.
 *
 * @example
 * ```ts
 * releaseFreedMemory(); // true on glibc with --allow-ffi
 * ```
 */
export function releaseFreedMemory(): boolean {
  if (trim === undefined) trim = findTrim();
  trim?.();
  return trim !== null;
}
