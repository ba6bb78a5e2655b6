/**
 * A structural check of a JPEG 2000 / HTJ2K code stream (ITU T.800 Annex A): SOC, the SIZ image and
 * tile sizes, main-header marker segments and the tile-part lengths up to EOC. Run after a decoder has
 * failed, to name the marker or field that is broken. Messages hold marker names, offsets and sizes only.
 * @module
 */

/** Image size from the SIZ segment. */
export interface J2kSize {
  cols: number;
  rows: number;
  components: number;
}

const MARKERS: Record<number, string> = {
  0x50: "CAP",
  0x51: "SIZ",
  0x52: "COD",
  0x53: "COC",
  0x55: "TLM",
  0x57: "PLM",
  0x58: "PLT",
  0x59: "CPF",
  0x5c: "QCD",
  0x5d: "QCC",
  0x5e: "RGN",
  0x5f: "POC",
  0x60: "PPM",
  0x61: "PPT",
  0x63: "CRG",
  0x64: "COM",
  0x90: "SOT",
  0x93: "SOD",
  0xd9: "EOC",
};

function name(marker: number): string {
  return MARKERS[marker] ?? `FF${marker.toString(16).toUpperCase().padStart(2, "0")}`;
}

/** The contiguous code stream inside a JP2 file, or the bytes themselves when they are a bare stream. */
function codeStreamOf(bytes: Uint8Array): { stream?: Uint8Array; problem?: string } {
  const isJp2 = bytes.length >= 12 && bytes[3] === 0x0c && bytes[4] === 0x6a && bytes[5] === 0x50;
  if (!isJp2) return { stream: bytes };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let position = 0; position + 8 <= bytes.length;) {
    let length = view.getUint32(position);
    const type = String.fromCharCode(...bytes.subarray(position + 4, position + 8));
    let header = 8;
    if (length === 1) {
      if (position + 16 > bytes.length) break;
      length = Number(view.getBigUint64(position + 8));
      header = 16;
    } else if (length === 0) length = bytes.length - position;
    if (length < header || position + length > bytes.length) {
      return { problem: `JP2 box at byte ${position} declares ${length} bytes, past the end of the data` };
    }
    if (type === "jp2c") return { stream: bytes.subarray(position + header, position + length) };
    position += length;
  }
  return { problem: "JP2 file has no contiguous code stream box (jp2c)" };
}

/**
 * The SIZ image size of a JPEG 2000 code stream and its first structural problem, if any.
 *
 * @example
 * ```ts
 * const { size, problem } = j2kStructure(stream);
 * problem; // e.g. "JPEG 2000 tile-part 0 (SOT at byte 231) declares 4100 bytes, but the code stream ends 900 bytes later"
 * ```
 */
export function j2kStructure(bytes: Uint8Array): { size?: J2kSize; problem?: string } {
  const { stream, problem } = codeStreamOf(bytes);
  if (!stream) return { problem };
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  if (stream.length < 4 || view.getUint16(0) !== 0xff4f) {
    return { problem: "JPEG 2000 code stream does not start with an SOC marker (FF4F)" };
  }
  if (view.getUint16(2) !== 0xff51) {
    return { problem: "JPEG 2000 SOC is not followed by a SIZ marker segment" };
  }
  if (stream.length < 42) return { problem: "JPEG 2000 code stream ends inside its SIZ segment" };
  const sizLength = view.getUint16(4);
  const cols = view.getUint32(8) - view.getUint32(16), rows = view.getUint32(12) - view.getUint32(20);
  const tileCols = view.getUint32(24), tileRows = view.getUint32(28);
  const components = view.getUint16(40);
  const fail = (text: string) => ({ size: { cols, rows, components }, problem: text });
  if (cols <= 0 || rows <= 0) {
    return fail(`JPEG 2000 SIZ image size ${cols}x${rows} is empty (offsets past the extent)`);
  }
  if (tileCols === 0 || tileRows === 0) {
    return fail(`JPEG 2000 SIZ tile size ${tileCols}x${tileRows} is zero`);
  }
  if (components === 0 || components > 16384) return fail(`JPEG 2000 SIZ declares ${components} components`);
  if (sizLength !== 38 + 3 * components) {
    return fail(
      `JPEG 2000 SIZ segment length ${sizLength} does not match ${components} components (${
        38 + 3 * components
      })`,
    );
  }
  if (2 + 2 + sizLength > stream.length) return fail("JPEG 2000 code stream ends inside its SIZ segment");
  for (let index = 0; index < components; index++) {
    const at = 42 + index * 3;
    if ((stream[at] & 0x7f) + 1 > 38) {
      return fail(`JPEG 2000 SIZ component ${index} depth ${(stream[at] & 0x7f) + 1} bits is invalid`);
    }
    if (stream[at + 1] === 0 || stream[at + 2] === 0) {
      return fail(`JPEG 2000 SIZ component ${index} has a zero subsampling factor`);
    }
  }
  const tiles = Math.ceil((view.getUint32(8) - view.getUint32(32)) / tileCols) *
    Math.ceil((view.getUint32(12) - view.getUint32(36)) / tileRows);
  if (!(tiles > 0)) return fail("JPEG 2000 SIZ tile grid is empty (tile origin past the image extent)");
  let position = 4 + sizLength;
  let seenCod = false, seenQcd = false, tileParts = 0;
  for (;;) {
    if (position === stream.length) {
      return fail(`JPEG 2000 code stream ends at byte ${position} with no EOC marker`);
    }
    if (position + 2 > stream.length || stream[position] !== 0xff) {
      return fail(`JPEG 2000 code stream has no marker at byte ${position} where one must start`);
    }
    const marker = stream[position + 1];
    if (marker === 0xd9) {
      return tileParts
        ? { size: { cols, rows, components } }
        : fail("JPEG 2000 EOC marker comes before any tile-part");
    }
    if (position + 4 > stream.length) {
      return fail(`JPEG 2000 code stream ends inside the ${name(marker)} marker at byte ${position}`);
    }
    const length = view.getUint16(position + 2);
    if (marker === 0x90) {
      if (!tileParts && !(seenCod && seenQcd)) {
        return fail("JPEG 2000 main header lacks a COD or QCD segment");
      }
      if (length !== 10 || position + 12 > stream.length) {
        return fail(`JPEG 2000 SOT segment at byte ${position} is malformed`);
      }
      const tile = view.getUint16(position + 4);
      let partLength = view.getUint32(position + 6);
      if (tile >= tiles) {
        return fail(
          `JPEG 2000 tile-part ${tileParts} (SOT at byte ${position}) names tile ${tile}, but SIZ gives ${tiles} tiles`,
        );
      }
      if (partLength === 0) partLength = stream.length - 2 - position; // last tile-part runs to EOC
      if (partLength < 14 || position + partLength > stream.length) {
        return fail(
          `JPEG 2000 tile-part ${tileParts} (SOT at byte ${position}) declares ${partLength} bytes, but the code stream ends ${
            stream.length - position
          } bytes later`,
        );
      }
      tileParts++;
      position += partLength;
      continue;
    }
    if (tileParts) {
      return fail(
        `JPEG 2000 code stream has ${
          name(marker)
        } at byte ${position} where a tile-part (SOT) or EOC must follow`,
      );
    }
    if (!(marker in MARKERS) || marker === 0x93) {
      return fail(`JPEG 2000 main header has an unexpected marker ${name(marker)} at byte ${position}`);
    }
    if (length < 2 || position + 2 + length > stream.length) {
      return fail(
        `JPEG 2000 ${
          name(marker)
        } segment at byte ${position} declares ${length} bytes, but the code stream ends ${
          stream.length - position - 2
        } bytes later`,
      );
    }
    if (marker === 0x52) seenCod = true;
    if (marker === 0x5c) seenQcd = true;
    position += 2 + length;
  }
}
