/**
 * A structural check of a JPEG or JPEG-LS code stream: marker segments, their lengths, the frame,
 * Huffman, quantisation and scan headers, and whether each scan ends before the data does. Run after a
 * decoder has failed, to name the segment or field that is broken instead of the decoder's bare
 * message. Messages hold marker names, byte offsets, sizes and header codes, never sample values.
 * @module
 */

/** Which marker syntax to expect: JPEG-LS (T.87) stuffs bits differently from JPEG (T.81). */
export type JpegFamily = "JPEG" | "JPEG-LS";

/** Where one scan is: its SOS marker, and its entropy-coded data [start, end) up to the next marker. */
export interface JpegScan {
  at: number;
  start: number;
  end: number;
}

/** Frame header facts from a SOF segment. */
export interface JpegFrame {
  rows: number;
  cols: number;
  components: number[];
}

function markerName(marker: number): string {
  if (marker === 0xc4) return "DHT";
  if (marker === 0xcc) return "DAC";
  if (marker >= 0xc0 && marker <= 0xcf) return `SOF${marker - 0xc0}`;
  if (marker === 0xf7) return "SOF55";
  if (marker === 0xf8) return "LSE";
  if (marker === 0xda) return "SOS";
  if (marker === 0xdb) return "DQT";
  if (marker === 0xdc) return "DNL";
  if (marker === 0xdd) return "DRI";
  if (marker >= 0xe0 && marker <= 0xef) return `APP${marker - 0xe0}`;
  if (marker === 0xfe) return "COM";
  return `FF${marker.toString(16).toUpperCase().padStart(2, "0")}`;
}

function isFrameMarker(marker: number, family: JpegFamily): boolean {
  if (family === "JPEG-LS") return marker === 0xf7;
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function checkFrame(
  segment: Uint8Array,
  marker: number,
  family: JpegFamily,
  at: string,
): JpegFrame | string {
  const name = markerName(marker);
  if (segment.length < 6) {
    return `${family} ${name} frame header${at} is ${segment.length + 2} bytes, too short`;
  }
  const precision = segment[0];
  const rows = (segment[1] << 8) | segment[2];
  const cols = (segment[3] << 8) | segment[4];
  const count = segment[5];
  const lossless = family === "JPEG-LS" || marker === 0xc3 || marker === 0xc7 || marker === 0xcb ||
    marker === 0xcf;
  if (lossless ? precision < 2 || precision > 16 : precision !== 8 && precision !== 12) {
    return `${family} ${name} frame header${at}: sample precision ${precision} is invalid`;
  }
  if (rows === 0) return `${family} ${name} frame header${at}: image height is 0`;
  if (cols === 0) return `${family} ${name} frame header${at}: image width is 0`;
  if (count === 0 || (family === "JPEG" && count > 4)) {
    return `${family} ${name} frame header${at}: ${count} components`;
  }
  if (segment.length !== 6 + 3 * count) {
    return `${family} ${name} frame header${at} is ${segment.length + 2} bytes, ${
      8 + 3 * count
    } expected for ${count} components`;
  }
  const components: number[] = [];
  for (let index = 0; index < count; index++) {
    const sampling = segment[7 + index * 3];
    const horizontal = sampling >> 4, vertical = sampling & 15;
    if (horizontal < 1 || horizontal > 4 || vertical < 1 || vertical > 4) {
      return `${family} ${name} frame header${at}: component ${index} sampling factors ${horizontal}x${vertical} are invalid (1-4)`;
    }
    if (family === "JPEG" && segment[8 + index * 3] > 3) {
      return `${family} ${name} frame header${at}: component ${index} uses quantisation table ${
        segment[8 + index * 3]
      } (0-3 allowed)`;
    }
    components.push(segment[6 + index * 3]);
  }
  return { rows, cols, components };
}

/**
 * How a frame's scans use Huffman tables: sequential (SOF0/1) scans name a DC and an AC table,
 * lossless (SOF3) ones a DC table; progressive, hierarchical and arithmetic frames are not checked.
 */
type HuffmanCoding = "sequential" | "lossless" | null;

function huffmanCoding(marker: number): HuffmanCoding {
  if (marker === 0xc0 || marker === 0xc1) return "sequential";
  return marker === 0xc3 ? "lossless" : null;
}

/** Huffman table ids defined so far, by class: 0 = DC (and lossless), 1 = AC. */
type HuffmanTables = [Set<number>, Set<number>];

function checkHuffman(segment: Uint8Array, at: string, defined: HuffmanTables): string | undefined {
  for (let offset = 0; offset < segment.length;) {
    const classAndId = segment[offset];
    if (classAndId >> 4 > 1 || (classAndId & 15) > 3) {
      return `JPEG DHT segment${at}: table class ${classAndId >> 4} / id ${classAndId & 15} is invalid`;
    }
    defined[classAndId >> 4].add(classAndId & 15);
    if (offset + 17 > segment.length) return `JPEG DHT segment${at} ends inside a table's code counts`;
    let codes = 0;
    for (let length = 1; length <= 16; length++) codes += segment[offset + length];
    if (codes > 256) return `JPEG DHT segment${at}: a table declares ${codes} codes (at most 256)`;
    if (offset + 17 + codes > segment.length) {
      return `JPEG DHT segment${at}: a table declares ${codes} codes, more than the segment holds`;
    }
    offset += 17 + codes;
  }
  return undefined;
}

function checkQuantisation(segment: Uint8Array, at: string): string | undefined {
  for (let offset = 0; offset < segment.length;) {
    const precision = segment[offset] >> 4, id = segment[offset] & 15;
    if (precision > 1 || id > 3) {
      return `JPEG DQT segment${at}: table precision ${precision} / id ${id} is invalid`;
    }
    const size = 1 + 64 * (precision + 1);
    if (offset + size > segment.length) return `JPEG DQT segment${at} ends inside table ${id}`;
    offset += size;
  }
  return undefined;
}

function checkScanHeader(
  segment: Uint8Array,
  frame: JpegFrame | undefined,
  family: JpegFamily,
  at: string,
  huffman: HuffmanCoding,
  defined: HuffmanTables,
): string | undefined {
  if (!frame) return `${family} SOS${at} comes before any frame header (SOF)`;
  const count = segment[0] ?? 0;
  if (count === 0 || count > frame.components.length) {
    return `${family} SOS${at}: ${count} components in the scan, the frame has ${frame.components.length}`;
  }
  if (segment.length !== 4 + 2 * count) {
    return `${family} SOS${at} header is ${segment.length + 2} bytes, ${
      6 + 2 * count
    } expected for ${count} components`;
  }
  for (let index = 0; index < count; index++) {
    if (!frame.components.includes(segment[1 + index * 2])) {
      return `${family} SOS${at}: scan component ${index} is not a component of the frame`;
    }
    // A stream with no DHT at all uses the standard tables (Motion JPEG): nothing to check.
    if (!huffman || defined[0].size + defined[1].size === 0) continue;
    // Sequential Huffman scans use both tables; lossless ones only the DC (predictor) table.
    const tables = segment[2 + index * 2];
    const uses: [number, number][] = huffman === "sequential"
      ? [[0, tables >> 4], [1, tables & 15]]
      : [[0, tables >> 4]];
    for (const [kind, id] of uses) {
      if (defined[kind].has(id)) continue;
      return `${family} SOS${at}: scan component ${index} uses ${
        kind ? "AC" : "DC"
      } Huffman table ${id}, which no DHT segment before the scan defines`;
    }
  }
  return undefined;
}

/** Offset of the marker that ends the entropy-coded data starting at `start`, or -1 if none does. */
function endOfScan(bytes: Uint8Array, start: number, family: JpegFamily): number {
  for (let i = start; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1];
    if (next >= 0xd0 && next <= 0xd7) continue; // restart markers sit inside the scan
    if (family === "JPEG-LS") {
      if (next >= 0x80) return i; // below 0x80 the byte after FF carries 7 data bits
    } else if (next !== 0x00 && next !== 0xff) return i;
  }
  return -1;
}

/**
 * The frame header of a code stream and the first structural problem in it, if any. With no problem
 * the fault lies in the entropy-coded data itself, which only a decoder can tell.
 *
 * @example
 * ```ts
 * const { problem } = jpegStructure(Deno.readFileSync("fixtures/inputs/case_0004.jpg").subarray(0, 4000));
 * problem; // "JPEG scan (SOS at byte 360) is cut short: the code stream ends at byte 4000 with no EOI marker"
 * ```
 */
export function jpegStructure(
  bytes: Uint8Array,
  family: JpegFamily = "JPEG",
): { frame?: JpegFrame; problem?: string; scans?: JpegScan[] } {
  if (bytes.length < 2 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    return { problem: `${family} code stream does not start with an SOI marker (FFD8)` };
  }
  let frame: JpegFrame | undefined;
  let huffman: HuffmanCoding = null;
  const defined: HuffmanTables = [new Set(), new Set()];
  let scans = 0;
  const found: JpegScan[] = [];
  let position = 2;
  const fail = (problem: string) => ({ frame, problem });
  for (;;) {
    if (position >= bytes.length) {
      return fail(
        `${family} code stream ends at byte ${bytes.length} ${
          scans ? "with no EOI marker" : "before any scan (SOS)"
        }`,
      );
    }
    if (bytes[position] !== 0xff) {
      return fail(`${family} code stream has no marker at byte ${position} where one must start`);
    }
    while (bytes[position + 1] === 0xff) position++; // fill bytes
    if (position + 1 >= bytes.length) {
      return fail(`${family} code stream ends inside a marker at byte ${position}`);
    }
    const marker = bytes[position + 1];
    const at = ` at byte ${position}`;
    if (marker === 0xd9) {
      return scans ? { frame, scans: found } : fail(`${family} EOI marker${at} comes before any scan`);
    }
    if (marker === 0xd8) return fail(`${family} code stream has a second SOI marker${at}`);
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      position += 2;
      continue;
    }
    if (marker < 0xc0) {
      return fail(
        `${family} code stream has an invalid marker FF${
          marker.toString(16).padStart(2, "0").toUpperCase()
        }${at}`,
      );
    }
    const name = markerName(marker);
    if (position + 4 > bytes.length) return fail(`${family} code stream ends inside the ${name} marker${at}`);
    const length = (bytes[position + 2] << 8) | bytes[position + 3];
    if (length < 2) return fail(`${family} ${name} segment${at} has length ${length} (at least 2)`);
    if (position + 2 + length > bytes.length) {
      return fail(
        `${family} ${name} segment${at} declares ${length} bytes, but the code stream ends ${
          bytes.length - position - 2
        } bytes later`,
      );
    }
    const segment = bytes.subarray(position + 4, position + 2 + length);
    let problem: string | undefined;
    if (isFrameMarker(marker, family)) {
      if (frame) return fail(`${family} code stream has a second frame header (${name})${at}`);
      const checked = checkFrame(segment, marker, family, at);
      if (typeof checked === "string") return fail(checked);
      frame = checked;
      huffman = huffmanCoding(marker);
    } else if (marker === 0xc4) problem = checkHuffman(segment, at, defined);
    else if (marker === 0xdb) problem = checkQuantisation(segment, at);
    else if (marker === 0xdd && length !== 4) {
      problem = `${family} DRI segment${at} has length ${length}, 4 expected`;
    } else if (marker === 0xda) {
      problem = checkScanHeader(segment, frame, family, at, huffman, defined);
      if (problem) return fail(problem);
      const end = endOfScan(bytes, position + 2 + length, family);
      if (end < 0) {
        return fail(
          `${family} scan (SOS${at}) is cut short: the code stream ends at byte ${bytes.length} with no EOI marker`,
        );
      }
      scans++;
      found.push({ at: position, start: position + 2 + length, end });
      position = end;
      continue;
    }
    if (problem) return fail(problem);
    position += 2 + length;
  }
}
