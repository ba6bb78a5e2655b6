/**
 * The fuzzing oracle for one batch: every mutant has exactly one outcome, failures carry a specific,
 * non-internal reason in skipped_files.log, no output folder remains for a failed file, and no file is slow.
 * @module
 */
import { join } from "node:path";
import { outputStem } from "../../src/pipeline.ts";
import type { FileLine } from "./run_cli.ts";

/** Kinds of findings the oracle reports. */
export type FindingType =
  | "crash"
  | "hang"
  | "slow"
  | "slow-source"
  | "internal-error"
  | "unspecific-reason"
  | "leftover-output"
  | "log-mismatch"
  | "missing-output";

/** One problem with one mutant. */
export interface Finding {
  type: FindingType;
  fileName: string;
  message: string;
  seconds?: number;
}

/**
 * Messages that betray an unhandled JavaScript or WebAssembly failure, or a library's bare message,
 * rather than a reason naming the structure or field of the file that is wrong.
 */
const UNSPECIFIC = [
  /cannot read propert/i,
  /is not a function/i,
  /is not defined/i,
  /is not iterable/i,
  /maximum call stack/i,
  /invalid (typed )?array length/i,
  /out of bounds/i,
  /outside the bounds/i,
  /memory access/i,
  /unreachable/i,
  /^\s*(undefined|null|error|unknown)?\s*$/i,
  /\babort\(/i,
  /\[object /i,
  // A decoder's bare message passed on: it says something failed, not which structure or field.
  /libpng read error/i,
  /corrupt header:\s*$/i,
  /treated as error due to failOn/i,
  /\(decoder error\)/i,
  /could not be decoded \((no reason given|unknown)\)/i,
  /JpegDecoder\d*::ErrorExit/i,
  // dicom-parser's internals: they name a parser function, not the element that is broken.
  /buffer overrun/i,
  /attempt to read (past|beyond) (the )?end of (the )?buffer/i,
  /ByteStream: parameter/i,
  /invalid value for parameter/i,
  /\bdicomParser\b/i,
  /\b(parseDicom\w*|readSequenceItem\w*|readFixedString|readPart10Header|\w+ByteArrayParser)\b/,
  /header is truncated or malformed/i,
  // ffmpeg's demuxer and decoder words under a bare wrapper, or on their own: they name no box or chunk.
  // (Reasons that quote them after naming the structure, "...; decoder: error dc)", are not matched.)
  /ffmpeg could not decode the video cleanly/i,
  /ffmpeg cannot open the video/i,
  /^(Cannot determine format of input stream|Invalid NAL unit size|Invalid data found when processing input)/i,
  /container not MP4 or AVI, so not checked/i,
  // Umbrella texts that replaced a specific reason before.
  /dimension is zero, negative or not an integer/i,
  /^(truncated|corrupt) gzip stream$/i,
  /^corrupt file$/i,
  // Damaged coded data placed only in a whole sample range or code stream, with no frame or tile named.
  /coded frame data is damaged: \d+ "[^"]*" (samples|frames) in/i,
  /the tile data \(code-blocks\) is damaged/i,
];

/**
 * Whether a skip reason is a leaked internal error message rather than a specific reason.
 *
 * @example
 * ```ts
 * isUnspecific("Cannot read properties of undefined (reading 'length')"); // true
 * isUnspecific("image data cannot be decoded: vipspng: libpng read error"); // true
 * isUnspecific("pixel data has 8130 bytes, 8192 expected"); // false
 * ```
 */
export function isUnspecific(reason: string): boolean {
  return UNSPECIFIC.some((pattern) => pattern.test(reason));
}

/**
 * Check one batch's outputs against its JSON lines.
 *
 * @example
 * ```ts
 * const findings = await checkBatch(inDir, outDir, fileNames, run.lines);
 * ```
 */
export async function checkBatch(
  inDir: string,
  outDir: string,
  fileNames: string[],
  lines: FileLine[],
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const byFile = new Map(lines.map((line) => [line.file, line]));
  const logged = await skippedLog(outDir);
  for (const fileName of fileNames) {
    const path = join(inDir, fileName);
    const line = byFile.get(path);
    if (!line) continue; // missing lines are crash suspects, handled by the caller
    const folder = join(outDir, outputStem(fileName));
    const folderExists = await exists(folder);
    if (line.status === "ok") {
      if (!(await exists(join(folder, "manifest.json")))) {
        findings.push({ type: "missing-output", fileName, message: "status ok but no manifest.json" });
      }
      continue;
    }
    const reason = stripPath(line.reason ?? "", path);
    if (line.error === "InternalError") findings.push({ type: "internal-error", fileName, message: reason });
    else if (isUnspecific(reason)) {
      findings.push({ type: "unspecific-reason", fileName, message: `${line.error}: ${reason}` });
    }
    if (folderExists) {
      findings.push({ type: "leftover-output", fileName, message: `output folder left for skipped file` });
    }
    const entries = logged.get(path) ?? [];
    if (entries.length !== 1 || !entries[0].reason.trim() || entries[0].kind !== line.error) {
      findings.push({ type: "log-mismatch", fileName, message: `${entries.length} skipped_files.log lines` });
    }
  }
  const names = await Array.fromAsync(Deno.readDir(outDir)).catch(() => [] as Deno.DirEntry[]);
  for (const entry of names) {
    if (entry.name.includes(".logik-tmp-")) {
      findings.push({
        type: "leftover-output",
        fileName: entry.name,
        message: "temporary folder left in output root",
      });
    }
  }
  return findings;
}

async function skippedLog(outDir: string): Promise<Map<string, Array<{ kind: string; reason: string }>>> {
  const map = new Map<string, Array<{ kind: string; reason: string }>>();
  const text = await Deno.readTextFile(join(outDir, "skipped_files.log")).catch(() => "");
  for (const line of text.split("\n")) {
    if (!line) continue;
    const [path, kind, ...rest] = line.split("\t");
    map.set(path, [...(map.get(path) ?? []), { kind, reason: rest.join("\t") }]);
  }
  return map;
}

function stripPath(reason: string, path: string): string {
  return reason.startsWith(`${path}: `) ? reason.slice(path.length + 2) : reason.replaceAll(path, "<file>");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A message with numbers and paths removed, to group findings into distinct bugs.
 *
 * @example
 * ```ts
 * signature("internal-error", "offset 1234 is out of bounds"); // "internal-error: offset # is out of bounds"
 * ```
 */
export function signature(type: FindingType, message: string): string {
  return `${type}: ${message.replace(/\/[^\s:'"]+/g, "<path>").replace(/\d+/g, "#").slice(0, 160)}`;
}
