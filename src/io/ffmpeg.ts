/**
 * Locating the ffmpeg executable: a system `ffmpeg` on PATH first, else the static binary shipped in
 * npm:@ffmpeg-installer/ffmpeg's platform package. (The ffmpeg.wasm fallback is not implemented.)
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
