/**
 * Peak resident memory of this process. Each benchmark stage runs in its own process, so the kernel's
 * high-water mark (VmHWM) is that stage's peak, Deno workers included (they are threads).
 * @module
 */

/**
 * Peak RSS in MB from /proc/self/status (VmHWM), or the sampled maximum where /proc is missing.
 *
 * @example
 * ```ts
 * const sampler = startRssSampler();
 * // ... work ...
 * console.log(peakRssMb(sampler.stop()));
 * ```
 */
export function peakRssMb(sampledMaxBytes = 0): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const match = status.match(/^VmHWM:\s+(\d+)\s+kB/m);
    if (match) return round(Number(match[1]) / 1024);
  } catch {
    // Not Linux: fall back to sampling.
  }
  return round(Math.max(sampledMaxBytes, Deno.memoryUsage().rss) / 1024 / 1024);
}

/**
 * Sample `Deno.memoryUsage().rss` every `intervalMs`; `stop()` returns the maximum seen, in bytes.
 *
 * @example
 * ```ts
 * const sampler = startRssSampler(50);
 * const maxBytes = sampler.stop();
 * ```
 */
export function startRssSampler(intervalMs = 100): { stop(): number } {
  let max = Deno.memoryUsage().rss;
  const timer = setInterval(() => {
    max = Math.max(max, Deno.memoryUsage().rss);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, Deno.memoryUsage().rss);
    },
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
