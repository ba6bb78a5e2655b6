/**
 * Write-then-rename helpers, so a crash never leaves a half-written output under its final name.
 * @module
 */
import { basename, dirname, join } from "node:path";

/** Marker in temporary names; a batch start sweeps leftovers carrying it. */
export const TEMP_MARKER = ".logik-tmp-";

/**
 * Write bytes or text to `path` atomically (same folder temp file, then rename).
 *
 * @example
 * ```ts
 * await writeFileAtomic("/tmp/out/summary.json", JSON.stringify({ ok: 1 }));
 * ```
 */
export async function writeFileAtomic(path: string, content: Uint8Array | string): Promise<void> {
  const temp = join(dirname(path), `${TEMP_MARKER}${crypto.randomUUID()}-${basename(path)}`);
  try {
    if (typeof content === "string") await Deno.writeTextFile(temp, content);
    else await Deno.writeFile(temp, content);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/**
 * Create a temporary sibling folder for `finalDir`; `commit` swaps it into place, `discard` removes it.
 *
 * @example
 * ```ts
 * const staging = await stageFolder("/tmp/out/a/scan");
 * await Deno.writeTextFile(`${staging.path}/x.txt`, "x");
 * await staging.commit();
 * ```
 */
export async function stageFolder(
  finalDir: string,
): Promise<{ path: string; commit: () => Promise<void>; discard: () => Promise<void> }> {
  const parent = dirname(finalDir);
  await Deno.mkdir(parent, { recursive: true });
  const path = join(parent, `${TEMP_MARKER}${crypto.randomUUID()}-${basename(finalDir)}`);
  await Deno.mkdir(path);
  return {
    path,
    commit: async () => {
      // A previous interrupted run may have committed this folder without logging it: replace it whole.
      await Deno.remove(finalDir, { recursive: true }).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
      await Deno.rename(path, finalDir);
    },
    discard: async () => {
      await removeSettled(path);
    },
  };
}

/**
 * Remove `path` and everything under it, trying again for a short while when the removal fails: the
 * folder of an abandoned worker can still receive the writes it had started (4 frames in flight),
 * and a file created during a recursive removal leaves the folder "not empty". True once it is gone.
 */
async function removeSettled(path: string): Promise<boolean> {
  for (let attempt = 0; attempt < REMOVE_ATTEMPTS; attempt++) {
    try {
      await Deno.remove(path, { recursive: true });
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return true;
      await new Promise((resolve) => setTimeout(resolve, REMOVE_RETRY_MS));
    }
  }
  return false;
}

const REMOVE_ATTEMPTS = 20;
const REMOVE_RETRY_MS = 50;

/**
 * Remove temporary leftovers of an interrupted run anywhere under `root`.
 *
 * @example
 * ```ts
 * const removed = await sweepTemporaries("/tmp/out");
 * ```
 */
export async function sweepTemporaries(root: string): Promise<number> {
  let removed = 0;
  const visit = async (dir: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.name.startsWith(TEMP_MARKER)) {
        if (await removeSettled(full)) removed++;
      } else if (entry.isDirectory) {
        await visit(full);
      }
    }
  };
  await visit(root);
  return removed;
}
