/**
 * A structural check of a PNG file: chunk layout, CRCs, IHDR fields and the size of the inflated image
 * data. Run only after the decoder has failed, to say which chunk or field is broken instead of
 * passing on libpng's "read error". Messages hold chunk names, byte offsets and sizes, never pixels.
 * @module
 */
import { constants as zlibConstants, inflateSync } from "node:zlib";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Bit depths allowed per colour type (PNG spec, table 11.1). */
const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes as [x start, y start, x step, y step]. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [
  0,
  1,
  1,
  2,
]];

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Header facts needed to size the image data. */
interface Ihdr {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  interlace: number;
}

function checkIhdr(data: Uint8Array): Ihdr | string {
  if (data.length !== 13) return `PNG IHDR chunk has ${data.length} data bytes, 13 expected`;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0), height = view.getUint32(4);
  const [depth, colourType, compression, filter, interlace] = data.subarray(8, 13);
  if (width === 0 || width > 0x7fffffff) return `PNG IHDR width ${width} is outside 1..2^31-1`;
  if (height === 0 || height > 0x7fffffff) return `PNG IHDR height ${height} is outside 1..2^31-1`;
  if (!(colourType in DEPTHS)) return `PNG IHDR colour type ${colourType} is invalid (0, 2, 3, 4 or 6)`;
  if (!DEPTHS[colourType].includes(depth)) {
    return `PNG IHDR bit depth ${depth} is invalid for colour type ${colourType}`;
  }
  if (compression !== 0) return `PNG IHDR compression method ${compression} is invalid (0)`;
  if (filter !== 0) return `PNG IHDR filter method ${filter} is invalid (0)`;
  if (interlace > 1) return `PNG IHDR interlace method ${interlace} is invalid (0 or 1)`;
  return { width, height, depth, colourType, interlace };
}

/** Rows and bytes per row (filter byte included) of each pass that holds pixels. */
function passes(header: Ihdr): Array<{ rows: number; rowBytes: number }> {
  const bits = header.depth * SAMPLES[header.colourType];
  const shapes = header.interlace
    ? ADAM7.map(([x0, y0, dx, dy]) => ({
      cols: Math.ceil(Math.max(0, header.width - x0) / dx),
      rows: Math.ceil(Math.max(0, header.height - y0) / dy),
    }))
    : [{ cols: header.width, rows: header.height }];
  return shapes.filter((shape) => shape.cols > 0 && shape.rows > 0)
    .map((shape) => ({ rows: shape.rows, rowBytes: 1 + Math.ceil((shape.cols * bits) / 8) }));
}

function checkImageData(header: Ihdr, idat: Uint8Array[]): string | undefined {
  const layout = passes(header);
  const expected = layout.reduce((sum, pass) => sum + pass.rows * pass.rowBytes, 0);
  if (expected > 2 ** 31) return undefined; // too big to inflate here; the decoder's word stands
  const joined = new Uint8Array(idat.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of idat) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  let inflated: Uint8Array;
  try {
    // A sync flush returns what a cut stream holds instead of failing on its missing end.
    inflated = inflateSync(joined, {
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
      maxOutputLength: expected + 1024,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") {
      return `PNG image data (IDAT zlib stream) inflates past the ${expected} bytes IHDR implies`;
    }
    return `PNG image data (IDAT zlib stream) is corrupt: ${(error as Error).message}`;
  }
  if (inflated.length < expected) {
    return `PNG image data (IDAT zlib stream) holds ${inflated.length} of the ${expected} bytes IHDR implies`;
  }
  let offset = 0, row = 0;
  for (const pass of layout) {
    for (let y = 0; y < pass.rows; y++, row++, offset += pass.rowBytes) {
      const filter = inflated[offset];
      if (filter > 4) return `PNG image row ${row} has filter type ${filter} (0-4 allowed)`;
    }
  }
  return undefined;
}

/**
 * The first structural problem of a PNG file, or undefined when its structure is sound (the fault, if
 * any, is then in what the decoder does with sound data).
 *
 * @example
 * ```ts
 * const bytes = Deno.readFileSync("fixtures/truth/case_0000_roi.png");
 * pngStructureProblem(bytes); // undefined
 * pngStructureProblem(bytes.subarray(0, 500)); // "PNG chunk IDAT at byte 54 declares 923 data bytes, but the file ends 438 bytes later (CRC included)"
 * ```
 */
export function pngStructureProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8 || SIGNATURE.some((byte, i) => bytes[i] !== byte)) {
    return "PNG signature (bytes 0-7) is damaged";
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Ihdr | undefined;
  let palette = false;
  const idat: Uint8Array[] = [];
  let idatEnded = false;
  let position = 8;
  for (let index = 0;; index++) {
    if (position + 8 > bytes.length) {
      return position === bytes.length
        ? `PNG file ends after ${index} chunks without an IEND chunk`
        : `PNG file ends at byte ${bytes.length} inside the header of chunk ${index + 1}`;
    }
    const length = view.getUint32(position);
    const typeBytes = bytes.subarray(position + 4, position + 8);
    if (!typeBytes.every((byte) => (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a))) {
      return `PNG chunk ${index + 1} at byte ${position} has an invalid type code (not four ASCII letters)`;
    }
    const type = String.fromCharCode(...typeBytes);
    if (length > 0x7fffffff) {
      return `PNG chunk ${type} at byte ${position} declares length ${length} (over the 2^31-1 limit)`;
    }
    if (position + 12 + length > bytes.length) {
      return `PNG chunk ${type} at byte ${position} declares ${length} data bytes, but the file ends ${
        bytes.length - position - 8
      } bytes later (CRC included)`;
    }
    const data = bytes.subarray(position + 8, position + 8 + length);
    if (
      crc32(bytes.subarray(position + 4, position + 8 + length)) !== view.getUint32(position + 8 + length)
    ) {
      return `PNG chunk ${type} at byte ${position}: CRC mismatch (the chunk's type or data is damaged)`;
    }
    if (index === 0 && type !== "IHDR") return `PNG first chunk is ${type}, not IHDR`;
    if (type === "IHDR") {
      if (index !== 0) return `PNG has a second IHDR chunk at byte ${position}`;
      const checked = checkIhdr(data);
      if (typeof checked === "string") return checked;
      header = checked;
    } else if (type === "PLTE") {
      if (length % 3 !== 0 || length === 0 || length > 768) {
        return `PNG PLTE chunk at byte ${position} has ${length} bytes (a multiple of 3, at most 768)`;
      }
      palette = true;
    } else if (type === "IDAT") {
      if (idatEnded) return `PNG IDAT chunk at byte ${position} follows other chunks after the image data`;
      if (header!.colourType === 3 && !palette) return "PNG colour type 3 image has no PLTE before its IDAT";
      idat.push(data);
    } else if (type === "IEND") {
      if (!idat.length) return "PNG has no IDAT (image data) chunk before IEND";
      return checkImageData(header!, idat);
    } else if (idat.length) idatEnded = true;
    position += 12 + length;
  }
}
