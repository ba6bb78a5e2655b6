/**
 * Per-object temporary folders, named after the owning process so that a restarted worker can remove the
 * ones a killed process left behind (SIGKILL runs no clean-up) without touching live replicas' folders.
 * @module
 */
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "logik-job-";

/**
 * Make a fresh private folder for one object.
 *
 * @example
 * ```ts
 * const folder = await makeJobFolder();
 * try { await work(folder); } finally { await Deno.remove(folder, { recursive: true }); }
 * ```
 */
export function makeJobFolder(parent?: string): Promise<string> {
  return Deno.makeTempDir({ dir: parent, prefix: `${PREFIX}${Deno.pid}-` });
}

/**
 * Remove job folders whose process is gone (Linux: no /proc/<pid>); returns how many were removed.
 *
 * @example
 * ```ts
 * await sweepStaleJobFolders(); // at start-up
 * ```
 */
export async function sweepStaleJobFolders(parent: string = tmpdir()): Promise<number> {
  if (Deno.build.os !== "linux") return 0;
  let removed = 0;
  for await (const entry of Deno.readDir(parent)) {
    const pid = new RegExp(`^${PREFIX}(\\d+)-`).exec(entry.name)?.[1];
    if (!entry.isDirectory || pid === undefined || pid === String(Deno.pid) || processAlive(Number(pid))) {
      continue;
    }
    await Deno.remove(join(parent, entry.name), { recursive: true }).catch(() => {});
    removed++;
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}
