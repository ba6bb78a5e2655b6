/**
 * Run the Logik CLI over a folder as a child process, timing it and sampling its peak resident memory.
 * @module
 */

/** What one CLI run did. */
export interface CliRun {
  args: string[];
  exitCode: number;
  wallMs: number;
  /** Peak resident set (VmHWM) of the CLI process in bytes, sampled every 50 ms; null if unreadable. */
  peakRssBytes: number | null;
  /** Last lines of stderr, for the failures list (the CLI keeps PHI out of its logs). */
  stderrTail: string;
}

/**
 * Run `deno run -A <modPath> <mode> <input> <out> --masks --verify ...extra`.
 *
 * @example
 * ```ts
 * const run = await runCli("mod.ts", "us", "fixtures/inputs", "out/eval/ours", ["--format", "jpeg"]);
 * run.exitCode; // 0 when every file was processed
 * ```
 */
export async function runCli(
  modPath: string,
  mode: string,
  inputDir: string,
  outDir: string,
  extra: string[] = [],
): Promise<CliRun> {
  const args = ["run", "-A", modPath, mode, inputDir, outDir, "--masks", "--verify", ...extra];
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "piped", stdin: "null" })
    .spawn();
  let peak: number | null = null;
  const sample = async () => {
    try {
      const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
      const match = status.match(/VmHWM:\s+(\d+)\s+kB/);
      if (match) peak = Math.max(peak ?? 0, Number(match[1]) * 1024);
    } catch {
      // The process has exited or /proc is unavailable: keep the last sample.
    }
  };
  const timer = setInterval(sample, 50);
  const chunks: Uint8Array[] = [];
  const reading = (async () => {
    for await (const chunk of child.stderr) {
      chunks.push(chunk);
      if (chunks.length > 200) chunks.shift();
    }
  })();
  const status = await child.status;
  clearInterval(timer);
  await reading;
  const stderr = new TextDecoder().decode(concat(chunks));
  return {
    args,
    exitCode: status.code,
    wallMs: performance.now() - started,
    peakRssBytes: peak,
    stderrTail: stderr.split("\n").slice(-15).join("\n"),
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
