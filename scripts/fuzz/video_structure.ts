/**
 * Box (MP4/MOV) and chunk (AVI RIFF) boundaries of video containers, for truncation and length mutations.
 * @module
 */

/** One box or chunk: where its size field is and how big it says it is. */
export interface ContainerSpan {
  offset: number;
  type: string;
  size: number;
  /** Size field: big-endian u32 at offset (MP4), little-endian u32 at offset + 4 (RIFF). */
  sizeOffset: number;
  littleEndian: boolean;
}

const MP4_CONTAINERS = new Set(["moov", "trak", "mdia", "minf", "stbl", "edts", "dinf", "udta"]);
const RIFF_LISTS = new Set(["RIFF", "LIST"]);

/**
 * List boxes (recursing into container boxes) or RIFF chunks (recursing into RIFF/LIST).
 *
 * @example
 * ```ts
 * containerSpans(await Deno.readFile("../shared/data/public/video/sonosite_echo_pla_30f_derived.mp4"));
 * ```
 */
export function containerSpans(bytes: Uint8Array): ContainerSpan[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const spans: ContainerSpan[] = [];
  const type = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length >= 12 && type(0) === "RIFF") {
    const riff = (start: number, end: number) => {
      let offset = start;
      while (offset + 8 <= end && spans.length < 5000) {
        const size = view.getUint32(offset + 4, true);
        const id = type(offset);
        spans.push({ offset, type: id, size, sizeOffset: offset + 4, littleEndian: true });
        if (RIFF_LISTS.has(id)) riff(offset + 12, Math.min(end, offset + 8 + size));
        offset += 8 + size + (size & 1);
      }
    };
    riff(0, bytes.length);
    return spans;
  }
  const mp4 = (start: number, end: number) => {
    let offset = start;
    while (offset + 8 <= end && spans.length < 5000) {
      const size = view.getUint32(offset);
      const id = type(offset + 4);
      if (!/^[a-zA-Z0-9 ©]{4}$/.test(id) || size < 8) return;
      spans.push({ offset, type: id, size, sizeOffset: offset, littleEndian: false });
      if (MP4_CONTAINERS.has(id)) mp4(offset + 8, Math.min(end, offset + size));
      offset += size;
    }
  };
  mp4(0, bytes.length);
  return spans;
}
