/**
 * One JSON object per line on stdout. Callers pass key hashes and error kinds only: no keys, no messages
 * that could carry names.
 * @module
 */

/** Fields of one log line. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** A structured logger. */
export type Logger = (level: "info" | "warn" | "error", event: string, fields?: LogFields) => void;

/**
 * A logger writing `{"time":…,"level":…,"event":…,…fields}` lines through `write`.
 *
 * @example
 * ```ts
 * const log = createJsonLogger();
 * log("info", "object.done", { keyHash: "3f0c", result: "ok", ms: 812 });
 * ```
 */
export function createJsonLogger(write: (line: string) => void = console.log): Logger {
  return (level, event, fields = {}) => {
    write(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));
  };
}
