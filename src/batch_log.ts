/**
 * The batch's resume state: `processed_files.log` and `skipped_files.log`, appended one line per file.
 * A file is keyed by its relative path, size and mtime, so an edited file is processed again.
 * @module
 */
import { join } from "node:path";

/** Name of the log of finished inputs. */
export const PROCESSED_LOG = "processed_files.log";
/** Name of the log of refused inputs: path, tab, error class, tab, reason. */
export const SKIPPED_LOG = "skipped_files.log";
/** Keys of skipped inputs, so a rerun does not retry an unchanged bad file. */
export const SKIPPED_KEYS = ".logik_skipped_keys";

/**
 * The resume key of one input.
 *
 * @example
 * ```ts
 * fileKey("a/b.dcm", 10, 1700000000000); // "a/b.dcm\t10\t1700000000000"
 * ```
 */
export function fileKey(relativePath: string, size: number, mtimeMs: number): string {
  return `${escapeField(relativePath)}\t${size}\t${Math.round(mtimeMs)}`;
}

/**
 * Escape tabs, newlines and backslashes so odd file names stay on one log line.
 *
 * @example
 * ```ts
 * escapeField("a\tb"); // "a\\tb"
 * ```
 */
export function escapeField(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\t", "\\t").replaceAll("\n", "\\n").replaceAll(
    "\r",
    "\\r",
  );
}

/**
 * Keys already logged in `OUT/<logName>` (empty when the log does not exist).
 *
 * @example
 * ```ts
 * const done = await readKeys("/tmp/out", PROCESSED_LOG);
 * ```
 */
export async function readKeys(outRoot: string, logName: string): Promise<Set<string>> {
  try {
    const text = await Deno.readTextFile(join(outRoot, logName));
    return new Set(text.split("\n").filter((line) => line.length > 0));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return new Set();
    throw error;
  }
}

/**
 * Append one line to a log (a single O_APPEND write, so concurrent writers never interleave inside a line).
 *
 * @example
 * ```ts
 * await appendLine("/tmp/out", PROCESSED_LOG, fileKey("a.dcm", 1, 2));
 * ```
 */
export async function appendLine(outRoot: string, logName: string, line: string): Promise<void> {
  await Deno.writeTextFile(join(outRoot, logName), line + "\n", { append: true, create: true });
}
