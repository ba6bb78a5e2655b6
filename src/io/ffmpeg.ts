/**
 * Locating the ffmpeg executable: a system `ffmpeg` on PATH first, else the static binary shipped in
 * npm:@ffmpeg-installer/ffmpeg's platform package, else ffmpeg.wasm (see ffmpeg_wasm.ts) through
 * {@link selectFfmpeg}.
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cachedPath: string | undefined;

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

function fromPath(): string | undefined {
  const name = Deno.build.os === "windows" ? "ffmpeg.exe" : "ffmpeg";
  const separator = Deno.build.os === "windows" ? ";" : ":";
  for (const dir of (Deno.env.get("PATH") ?? "").split(separator)) {
    if (dir && isExecutableFile(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** @ffmpeg-installer names its per-platform packages `<os>-<arch>` in Node's spelling. */
function installerPlatform(): string {
  const os = Deno.build.os === "windows" ? "win32" : Deno.build.os;
  const arch = Deno.build.arch === "x86_64" ? "x64" : "arm64";
  return `${os}-${arch}`;
}

function fromNpmPackage(): string | undefined {
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve("@ffmpeg-installer/ffmpeg"));
  } catch {
    return undefined;
  }
  // The binary lives in the sibling package @ffmpeg-installer/<platform>, next to the entry's folder.
  const binary = Deno.build.os === "windows" ? "ffmpeg.exe" : "ffmpeg";
  const candidate = join(dirname(dirname(entry)), installerPlatform(), binary);
  return isExecutableFile(candidate) ? candidate : undefined;
}

/**
 * Absolute path of the ffmpeg to use (cached after the first call); throws when there is none.
 *
 * @example
 * ```ts
 * const ffmpeg = findFfmpeg(); // "/usr/bin/ffmpeg" or ".../@ffmpeg-installer/linux-x64/ffmpeg"
 * ```
 */
export function findFfmpeg(): string {
  cachedPath ??= fromPath() ?? fromNpmPackage();
  if (cachedPath === undefined) {
    throw new Error(
      "no ffmpeg found: install ffmpeg on PATH or the npm package @ffmpeg-installer/ffmpeg for this platform",
    );
  }
  return cachedPath;
}

/**
 * ffmpeg's diagnostic lines made safe to log: the `[demuxer @ 0x…]` prefix dropped and the real
 * input path replaced by the display path.
 *
 * @example
 * ```ts
 * cleanFfmpegLine("[mov @ 0x55] moov atom not found", "/tmp/a.mp4", "a.mp4"); // "moov atom not found"
 * ```
 */
export function cleanFfmpegLine(line: string, realPath: string, displayPath: string): string {
  return line.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, "").split(realPath).join(displayPath).trim();
}

/** Which ffmpeg runs: a native executable, or the ffmpeg.wasm fallback (ffmpeg_wasm.ts). */
export type FfmpegBackend = { kind: "binary"; path: string } | { kind: "wasm" };

/**
 * The ffmpeg to use: a native binary when {@link findFfmpeg} finds one that runs (checked once with
 * `-version`), else ffmpeg.wasm.
 * The environment variable `LOGIK_FFMPEG` overrides the choice: `wasm` forces ffmpeg.wasm (tests,
 * or a broken binary), `binary` forbids the wasm fallback (throws like findFfmpeg when there is no
 * binary); unset or `auto` is the default order.
 *
 * @example
 * ```ts
 * const backend = selectFfmpeg(); // { kind: "binary", path: "/usr/bin/ffmpeg" } or { kind: "wasm" }
 * ```
 */
export function selectFfmpeg(): FfmpegBackend {
  const choice = (Deno.env.get("LOGIK_FFMPEG") ?? "auto").trim().toLowerCase();
  if (choice === "wasm") return { kind: "wasm" };
  if (choice === "binary") return { kind: "binary", path: findFfmpeg() };
  if (choice !== "auto" && choice !== "") {
    throw new Error(`LOGIK_FFMPEG must be "auto", "binary" or "wasm", not "${choice}"`);
  }
  let path: string;
  try {
    path = findFfmpeg();
  } catch {
    return { kind: "wasm" };
  }
  binaryRuns ??= runsVersion(path);
  return binaryRuns ? { kind: "binary", path } : { kind: "wasm" };
}

/** Whether the found binary actually starts here (it may be built for another libc or CPU). */
let binaryRuns: boolean | undefined;

function runsVersion(path: string): boolean {
  try {
    return new Deno.Command(path, { args: ["-hide_banner", "-version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}
