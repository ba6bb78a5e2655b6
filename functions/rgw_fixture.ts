/**
 * Test fixture: a throw-away Ceph radosgw started with scripts/rgw_start.sh, stopped by PID.
 * @module
 */
import { fileURLToPath } from "node:url";

/** A running radosgw. */
export interface RgwServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  dir: string;
  stop(): Promise<void>;
}

const scripts = fileURLToPath(new URL("../scripts/", import.meta.url));

/**
 * True when the Ceph binaries the start script needs are installed.
 *
 * @example
 * ```ts
 * Deno.test({ name: "rgw", ignore: !cephInstalled(), fn: async () => {} });
 * ```
 */
export function cephInstalled(): boolean {
  for (const binary of ["ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph"]) {
    const found = ["/usr/bin", "/usr/local/bin", "/usr/sbin"].some((dir) => {
      try {
        return Deno.statSync(`${dir}/${binary}`).isFile;
      } catch {
        return false;
      }
    });
    if (!found) return false;
  }
  return true;
}

/**
 * Start a single-node Ceph with radosgw on a free loopback port.
 *
 * @example
 * ```ts
 * const rgw = await startRgw();
 * try { console.log(rgw.endpoint); } finally { await rgw.stop(); }
 * ```
 */
export async function startRgw(): Promise<RgwServer> {
  const dir = await Deno.makeTempDir({ prefix: "logik-rgw-" });
  const output = await new Deno.Command("bash", {
    args: [`${scripts}rgw_start.sh`, dir, "0"],
    stderr: "piped",
  }).output();
  const stop = async () => {
    await new Deno.Command("bash", { args: [`${scripts}rgw_stop.sh`, dir, "--remove"] }).output();
  };
  if (!output.success) {
    const log = new TextDecoder().decode(output.stderr);
    await stop();
    throw new Error(`rgw_start.sh failed: ${log}`);
  }
  const keys = Object.fromEntries(
    (await Deno.readTextFile(`${dir}/keys.env`)).trim().split("\n").map((line) => {
      const at = line.indexOf("=");
      return [line.slice(0, at), line.slice(at + 1)];
    }),
  );
  return {
    endpoint: keys.RGW_ENDPOINT,
    accessKeyId: keys.AWS_ACCESS_KEY_ID,
    secretAccessKey: keys.AWS_SECRET_ACCESS_KEY,
    dir,
    stop,
  };
}
