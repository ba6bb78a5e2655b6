/**
 * Walk an input tree: every regular file once, following symlinks but never around a loop.
 * Problems (loops, unreadable folders, folders named like image files) come back as entries with a reason.
 * @module
 */
import { basename, join, relative } from "node:path";
import { ReadError } from "./errors.ts";

/** One thing found under the input root. */
export interface WalkEntry {
  path: string;
  /** Path relative to the root, with `/` separators; the file name itself for a single-file input. */
  relativePath: string;
  size: number;
  mtimeMs: number;
  /** Set when the entry cannot be processed; the batch logs it as skipped. */
  error?: ReadError;
}

const IMAGE_LIKE = /\.(dcm|dicom|nii|nii\.gz|mp4|avi|mov|jpe?g|png|tiff?|bmp|webp)$/i;

/**
 * List inputs under `root` (a file or a folder), sorted for a stable order.
 *
 * @example
 * ```ts
 * for await (const entry of walkInputs("../shared/data/public")) console.log(entry.relativePath);
 * ```
 */
export async function* walkInputs(root: string): AsyncGenerator<WalkEntry> {
  const rootInfo = await Deno.stat(root).catch((error) => error as Error);
  if (rootInfo instanceof Error) throw new ReadError(`${root}: cannot open input (${rootInfo.name})`);
  if (rootInfo.isFile) {
    yield {
      path: root,
      relativePath: basename(root),
      size: rootInfo.size,
      mtimeMs: rootInfo.mtime?.getTime() ?? 0,
    };
    return;
  }
  const visited = new Set<string>();
  yield* walkFolder(root, root, visited);
}

async function* walkFolder(root: string, dir: string, visited: Set<string>): AsyncGenerator<WalkEntry> {
  const relativeDir = toPosix(relative(root, dir));
  let real: string;
  try {
    real = await Deno.realPath(dir);
  } catch {
    yield problem(dir, relativeDir, "symbolic link loop or dangling link");
    return;
  }
  if (visited.has(real)) {
    if (dir !== root) {
      yield problem(dir, relativeDir, "folder already visited through a symbolic link (loop)");
    }
    return;
  }
  visited.add(real);
  let names: string[];
  try {
    names = (await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name).sort();
  } catch (error) {
    yield problem(
      dir,
      relativeDir,
      error instanceof Deno.errors.PermissionDenied ? "permission denied" : "unreadable folder",
    );
    return;
  }
  for (const name of names) {
    if (name.startsWith(".logik-tmp-")) continue;
    const path = join(dir, name);
    const relativePath = toPosix(relative(root, path));
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const reason = error instanceof Deno.errors.FilesystemLoop || code === "ELOOP"
        ? "symbolic link loop"
        : error instanceof Deno.errors.NotFound
        ? "dangling symbolic link"
        : error instanceof Deno.errors.PermissionDenied
        ? "permission denied"
        : "cannot stat";
      yield problem(path, relativePath, reason);
      continue;
    }
    if (info.isDirectory) {
      if (IMAGE_LIKE.test(name)) yield problem(path, relativePath, "is a directory named like an image file");
      yield* walkFolder(root, path, visited);
    } else if (info.isFile) {
      yield { path, relativePath, size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 };
    } else {
      yield problem(path, relativePath, "not a regular file");
    }
  }
}

function problem(path: string, relativePath: string, reason: string): WalkEntry {
  return { path, relativePath, size: 0, mtimeMs: 0, error: new ReadError(`${path}: ${reason}`) };
}

function toPosix(path: string): string {
  return path.replaceAll("\\", "/");
}
