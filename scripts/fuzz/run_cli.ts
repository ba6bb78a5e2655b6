/**
 * Run `mod.ts deid IN OUT --json` in a child process so that a crash is observable, recording when
 * each JSON line arrives; a watchdog kills the child when it stops making progress.
 * @module
 */

/** One `--json` line, with its arrival time (ms since the child was spawned). */
export interface FileLine {
  file: string;
  status: "ok" | "skipped";
  error?: string;
  reason?: string;
  atMs: number;
}

/** What happened to one child run. */
export interface CliRun {
  code: number | null;
  signal: string | null;
  /** Killed by the watchdog (no progress, or over the total budget). */
  timedOut: boolean;
  lines: FileLine[];
  stderrTail: string;
  wallMs: number;
}

const MOD = new URL("../../mod.ts", import.meta.url).pathname;

/**
 * Run the CLI over `input` (file or folder).
 *
 * @example
 * ```ts
 * const run = await runCli("/tmp/in", "/tmp/out", { jobs: 2, idleSeconds: 60, totalSeconds: 600 });
 * ```
 */
export async function runCli(
  input: string,
  output: string,
  limits: { jobs: number; idleSeconds: number; totalSeconds: number; mode?: string },
): Promise<CliRun> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MOD, limits.mode ?? "deid", input, output, "--jobs", String(limits.jobs), "--json"],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  let lastProgress = performance.now();
  let timedOut = false;
  const watchdog = setInterval(() => {
    const now = performance.now();
    if (now - lastProgress > limits.idleSeconds * 1000 || now - started > limits.totalSeconds * 1000) {
      timedOut = true;
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  }, 1000);
  const lines: FileLine[] = [];
  const readStdout = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of child.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const text = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (!text.startsWith("{")) continue;
        try {
          const parsed = JSON.parse(text);
          lastProgress = performance.now();
          lines.push({ ...parsed, atMs: lastProgress - started });
        } catch {
          // not a result line
        }
      }
    }
  })();
  const readStderr = (async () => {
    let tail = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4000);
    }
    return tail;
  })();
  const status = await child.status;
  clearInterval(watchdog);
  await readStdout;
  // deno-lint-ignore no-control-regex
  const stderrTail = (await readStderr).replace(/\x1b\[[0-9;]*m/g, "");
  return {
    code: status.signal ? null : status.code,
    signal: status.signal ?? null,
    timedOut,
    lines,
    stderrTail,
    wallMs: performance.now() - started,
  };
}

/**
 * Per-file durations from arrival times, given that the pool hands out jobs in `orderedPaths` order
 * (the batch's own: largest first) and a slot
 * takes the next job as soon as it reports: job k (k ≥ jobs) starts when completion k − jobs arrives.
 * The first `jobs` files include the start-up time, so durations are upper bounds.
 *
 * @example
 * ```ts
 * const seconds = fileDurations(run.lines, sortedPaths, 2);
 * ```
 */
export function fileDurations(lines: FileLine[], orderedPaths: string[], jobs: number): Map<string, number> {
  const order = new Map(orderedPaths.map((path, index) => [path, index]));
  const arrivals = lines.map((line) => line.atMs).sort((a, b) => a - b);
  const durations = new Map<string, number>();
  for (const line of lines) {
    const index = order.get(line.file);
    if (index === undefined) continue;
    const startMs = index < jobs ? 0 : arrivals[index - jobs] ?? 0;
    durations.set(line.file, Math.max(0, line.atMs - startMs) / 1000);
  }
  return durations;
}
