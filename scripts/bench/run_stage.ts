/**
 * Run a benchmark stage in a child Deno process and collect its result line; failures become
 * `{ error }` entries so the benchmark run always completes.
 * @module
 */
import { RESULT_MARKER, type StageRequest } from "./stage_main.ts";

/** A stage result, or why it failed. */
export type StageOutcome = Record<string, unknown> & { error?: string };

/**
 * Spawn `stage_main.ts` for `request`, with a timeout in seconds. With `cpus` (a `taskset -c` list,
 * e.g. "0"), the process and every thread it starts run on those CPUs only.
 *
 * @example
 * ```ts
 * const outcome = await runStageProcess({ stage: "floor", dir: "/tmp/echos" }, 300);
 * const oneCore = await runStageProcess({ stage: "floor", dir: "/tmp/echos" }, 300, { cpus: "0" });
 * ```
 */
export async function runStageProcess(
  request: StageRequest,
  timeoutSeconds: number,
  options: { cpus?: string } = {},
): Promise<StageOutcome> {
  const entry = new URL("./stage_main.ts", import.meta.url).pathname;
  const denoArgs = ["run", "-A", entry, JSON.stringify(request)];
  if (options.cpus !== undefined && !await hasTaskset()) {
    return {
      error: `${request.stage} stage not run: pinning to CPUs ${options.cpus} needs taskset (util-linux)`,
    };
  }
  const [command, args] = options.cpus === undefined
    ? [Deno.execPath(), denoArgs]
    : ["taskset", ["-c", options.cpus, Deno.execPath(), ...denoArgs]];
  const child = new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
  }, timeoutSeconds * 1000);
  const output = await child.output();
  clearTimeout(timer);
  const stdout = new TextDecoder().decode(output.stdout);
  const line = stdout.split("\n").find((text) => text.startsWith(RESULT_MARKER));
  if (line) return JSON.parse(line.slice(RESULT_MARKER.length));
  // deno-lint-ignore no-control-regex
  const stderr = new TextDecoder().decode(output.stderr).replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n")
    .filter(Boolean);
  const why = output.signal ? `killed by ${output.signal}` : `exit code ${output.code}`;
  const timedOut = output.signal === "SIGKILL" ? ` (timeout ${timeoutSeconds} s)` : "";
  return {
    error: `${request.stage} stage failed: ${why}${timedOut}; ${stderr.slice(-3).join(" | ")}`.slice(0, 600),
  };
}

async function hasTaskset(): Promise<boolean> {
  try {
    return (await new Deno.Command("taskset", { args: ["-V"], stdout: "null", stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}
