/**
 * Benchmarks owned by other modules (text, ROI, S3 worker), called when their script exists.
 * Each is guarded: a missing or failing one becomes a clear "not available" entry, never a crash.
 * @module
 */

/** The outcome of one optional benchmark. */
export type OptionalResult =
  | { available: true; result: unknown }
  | { available: false; reason: string };

/** Optional benchmark scripts, the function each exports, and its arguments for a full or quick run. */
export const OPTIONAL_BENCHES = {
  text: {
    script: "bench_text.ts",
    exportName: "benchText",
    args: (quick: boolean) => [{ threads: 1, runs: quick ? 3 : 7 }],
  },
  roi: { script: "bench_roi.ts", exportName: "benchRoi", args: (quick: boolean) => [quick ? 3 : 9] },
  worker: { script: "bench_worker.ts", exportName: "benchWorker", args: (_quick: boolean) => [] },
} as const;

/** Name of an optional benchmark. */
export type OptionalBench = keyof typeof OPTIONAL_BENCHES;

/**
 * Import `scripts/<script>` and call its export with `options`; report why when that is not possible.
 *
 * @example
 * ```ts
 * const text = await runOptionalBench("text", { quick: true });
 * if (!text.available) console.log(text.reason);
 * ```
 */
export async function runOptionalBench(
  name: OptionalBench,
  options: { quick?: boolean },
): Promise<OptionalResult> {
  const { script, exportName, args } = OPTIONAL_BENCHES[name];
  const url = new URL(`../${script}`, import.meta.url);
  try {
    await Deno.stat(url);
  } catch {
    return { available: false, reason: `not available: scripts/${script} does not exist yet` };
  }
  try {
    const module = await import(url.href);
    const bench = module[exportName];
    if (typeof bench !== "function") {
      return { available: false, reason: `not available: scripts/${script} has no export ${exportName}()` };
    }
    return { available: true, result: await bench(...args(options.quick ?? false)) };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { available: false, reason: `not available: ${exportName}() failed: ${message.split("\n")[0]}` };
  }
}
