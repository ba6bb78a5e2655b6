/**
 * Read a whole file into one buffer sized up front.
 * @module
 */

/** What {@link readToEnd} reads from: a `Deno.FsFile` or anything with its `read`. */
export interface ByteReader {
  read(buffer: Uint8Array): Promise<number | null>;
}

/**
 * Every byte of `reader` into one buffer of `expectedSize` (the stat size): reading a stream in 64 KiB
 * chunks and joining them costs about twice the time for a large loop. A file that grew since the
 * stat is still read to its end; one that shrank gives the bytes it has.
 *
 * @example
 * ```ts
 * using file = await Deno.open("../shared/data/public/dicom/CT_small.dcm");
 * const bytes = await readToEnd(file, (await file.stat()).size);
 * ```
 */
export async function readToEnd(reader: ByteReader, expectedSize: number): Promise<Uint8Array> {
  let buffer = new Uint8Array(expectedSize);
  let filled = 0;
  while (true) {
    if (filled === buffer.length) {
      // Full: only a file that still gives bytes gets a larger buffer.
      const probe = new Uint8Array(65536);
      const count = await reader.read(probe);
      if (count === null) break;
      const grown = new Uint8Array(buffer.length * 2 + count);
      grown.set(buffer.subarray(0, filled));
      grown.set(probe.subarray(0, count), filled);
      buffer = grown;
      filled += count;
      continue;
    }
    const count = await reader.read(buffer.subarray(filled));
    if (count === null) break;
    filled += count;
  }
  return filled === buffer.length ? buffer : buffer.subarray(0, filled);
}
