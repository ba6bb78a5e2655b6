/**
 * Which coded frame a decoder first fails on. ffmpeg's decoder errors name macroblocks, not frames,
 * and the decode that failed ran frame-threaded, so its errors cannot be tied to a packet. A second,
 * single-threaded decode with `-dump` logs every packet (with its size) before decoding it, so the
 * first decoder error follows the packet it came from. Only run after a decode has failed.
 * @module
 */
import { selectFfmpeg } from "./ffmpeg.ts";

/** The packets a single-threaded decode read up to its first decoder error, and that error. */
export interface FirstDecodeError {
  /** Sizes of the video packets read, in decode order; the last one is the packet that failed. */
  packetSizes: number[];
  /** The decoder's first error line, without ffmpeg's `[codec @ 0x…] [error]` prefix. */
  message: string;
}

/** A locating decode that runs longer than this is abandoned (the reason then names no frame). */
const LOCATE_TIMEOUT_MS = 30_000;

/**
 * Follows ffmpeg's stderr of `-loglevel level+info -threads 1 -dump`, line by line, up to the first
 * decoder error. Errors before the stream mapping (the probe's own trial decode) are not tied to a
 * packet and are passed over.
 *
 * @example
 * ```ts
 * const scan = new DecodeErrorScan();
 * for (const line of [
 *   "[info]   Stream #0:0 -> #0:0 (h264 (native) -> wrapped_avframe (native))",
 *   "[info] stream #0:",
 *   "[info]   size=5997",
 *   "[h264 @ 0x1] [error] left block unavailable for requested intra4x4 mode -1",
 * ]) scan.push(line);
 * scan.found; // { packetSizes: [5997], message: "left block unavailable for requested intra4x4 mode -1" }
 * ```
 */
export class DecodeErrorScan {
  /** Set at the first decoder error after at least one packet. */
  found?: FirstDecodeError;
  /** Set when the log cannot be tied to one stream's packets (then nothing is found). */
  confused = false;
  #decoder?: string;
  #stream?: string;
  #inPacket = false;
  #sizes: number[] = [];

  /** Take one stderr line; returns true once the scan is done (found or confused). */
  push(line: string): boolean {
    if (this.found || this.confused) return true;
    const mapping = line.match(/^\[info\]\s+Stream #\d+:\d+ -> #\d+:\d+ \((\S+) \(/);
    if (mapping) {
      this.#decoder ??= mapping[1];
      return false;
    }
    if (!this.#decoder) return false;
    const packet = line.match(/^\[info\] stream #(\d+):$/);
    if (packet) {
      // One mapped video stream: packets of another stream would break the count.
      this.#stream ??= packet[1];
      this.confused = this.#stream !== packet[1];
      this.#inPacket = true;
      return this.confused;
    }
    const size = this.#inPacket ? line.match(/^\[info\]\s+size=(\d+)$/) : null;
    if (size) {
      this.#sizes.push(Number(size[1]));
      this.#inPacket = false;
      return false;
    }
    const error = line.match(/^\[(\S+) @ 0x[0-9a-f]+\] \[(?:error|fatal)\] (.*)$/i);
    if (error && error[1] === this.#decoder && this.#sizes.length > 0) {
      this.found = { packetSizes: [...this.#sizes], message: error[2].trim() };
      return true;
    }
    return false;
  }
}

/**
 * Decode the first video stream of `path` single-threaded with the native ffmpeg and return the
 * packets read up to the first decoder error; undefined when there is no native ffmpeg (ffmpeg.wasm
 * logs differently), no decoder error, or the decode takes too long.
 *
 * @example
 * ```ts
 * const found = await locateFirstDecodeError("/tmp/clip.mp4");
 * found?.packetSizes.length; // 1: the first packet already fails
 * ```
 */
export async function locateFirstDecodeError(path: string): Promise<FirstDecodeError | undefined> {
  const backend = selectFfmpeg();
  if (backend.kind !== "binary") return undefined;
  const child = new Deno.Command(backend.path, {
    args: [
      ...["-hide_banner", "-nostdin", "-loglevel", "level+info", "-threads", "1", "-dump"],
      ...["-i", path, "-map", "0:v:0", "-f", "null", "-"],
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => kill(child), LOCATE_TIMEOUT_MS);
  const scan = new DecodeErrorScan();
  try {
    let rest = "";
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + text).split(/\r?\n/);
      rest = lines.pop() ?? "";
      // Stop at the first error: the rest of the decode cannot change which packet failed first.
      if (lines.some((line) => scan.push(line))) break;
    }
    if (!scan.found && !scan.confused) scan.push(rest);
    return scan.found;
  } catch {
    return undefined; // the pipe closed under a killed process
  } finally {
    clearTimeout(timer);
    kill(child);
    await child.status;
  }
}

function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // already exited
  }
}
