/**
 * A structural check of a JPEG 2000 / HTJ2K code stream (ITU T.800 Annex A): SOC, the SIZ image and
 * tile sizes, main-header marker segments and the tile-part lengths up to EOC. Run after a decoder has
 * failed, to name the marker or field that is broken. Messages hold marker names, offsets and sizes only.
 * @module
 */

/** Where one tile-part sits in the code stream (offsets within the code stream). */
export interface J2kTilePart {
  /** Tile index (Isot) the part belongs to. */
  tile: number;
  /** Offset of its SOT marker. */
  at: number;
  /** First byte of its coded data, after the SOD marker. */
  dataStart: number;
  /** End of the tile-part (exclusive). */
  end: number;
}

/** How the main header says the code-blocks are coded: Part 1 or HT (Part 15, HTJ2K). */
export interface J2kCoding {
  /** Offset of the main header's COD marker. */
  codAt: number;
  /** SPcod code-block style byte; bit 0x40 selects HT block coding (T.814 A.2). */
  codeBlockStyle: number;
  /** Whether a CAP marker declares Part 15 capabilities (Pcap bit 15). */
  part15: boolean;
}

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
export function j2kStructure(
  bytes: Uint8Array,
): { size?: J2kSize; problem?: string; tileParts?: J2kTilePart[]; coding?: J2kCoding } {
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
  const parts: J2kTilePart[] = [];
  const partsOfTile = new Map<number, number>();
  let cod: { at: number; style: number; levels: number } | undefined;
  let qcd: { at: number; length: number } | undefined;
  let part15 = false;
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
        ? {
          size: { cols, rows, components },
          tileParts: parts,
          coding: cod && { codAt: cod.at, codeBlockStyle: cod.style, part15 },
        }
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
      const quantisation = !tileParts && cod && qcd ? qcdProblem(stream, qcd, cod.levels) : undefined;
      if (quantisation) return fail(quantisation);
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
      // Tile-parts of a tile count up from 0 in stream order, below TNsot when it is given (A.4.2);
      // decoders drop a tile-part whose index breaks that and then lack the tile's data.
      const partIndex = stream[position + 10], partCount = stream[position + 11];
      const expected = partsOfTile.get(tile) ?? 0;
      if (partCount !== 0 && partIndex >= partCount) {
        return fail(
          `JPEG 2000 tile-part ${tileParts} (SOT at byte ${position}) gives tile-part index (TPsot) ${partIndex}, ` +
            `but its tile ${tile} has ${partCount} tile-part${partCount === 1 ? "" : "s"} (TNsot)`,
        );
      }
      if (partIndex !== expected) {
        return fail(
          `JPEG 2000 tile-part ${tileParts} (SOT at byte ${position}) gives tile-part index (TPsot) ${partIndex}, ` +
            `but tile ${tile}'s tile-part ${expected} comes next`,
        );
      }
      partsOfTile.set(tile, expected + 1);
      if (partLength === 0) partLength = stream.length - 2 - position; // last tile-part runs to EOC
      if (partLength < 14 || position + partLength > stream.length) {
        return fail(
          `JPEG 2000 tile-part ${tileParts} (SOT at byte ${position}) declares ${partLength} bytes, but the code stream ends ${
            stream.length - position
          } bytes later`,
        );
      }
      const dataStart = sodEnd(stream, view, position + 12, position + partLength);
      if (dataStart === undefined) {
        return fail(
          `JPEG 2000 tile-part ${tileParts} (SOT at byte ${position}): its header's marker segments do not ` +
            `lead to an SOD marker before the tile-part ends at byte ${position + partLength}`,
        );
      }
      const marker = markerInData(stream, dataStart, position + partLength);
      if (marker !== undefined) {
        return fail(
          `JPEG 2000 tile-part ${tileParts} (SOT at byte ${position}) has the marker code ${
            name(stream[marker + 1])
          } at byte ${marker} inside its coded data (bytes ${dataStart}-${position + partLength}), ` +
            "where none but SOP/EPH may appear",
        );
      }
      parts.push({ tile, at: position, dataStart, end: position + partLength });
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
    if (marker === 0x52) {
      const problem = codProblem(stream, position, length);
      if (problem) return fail(problem);
      cod = { at: position, style: stream[position + 12], levels: stream[position + 9] };
    }
    if (marker === 0x5c) qcd = { at: position, length };
    if (marker === 0x50 && length >= 6) part15 = (view.getUint32(position + 4) & 0x00020000) !== 0;
    if (marker === 0x52) seenCod = true;
    if (marker === 0x5c) seenQcd = true;
    position += 2 + length;
  }
}

/**
 * The first FF followed by a byte over 8F in [start, end), other than SOP/EPH: packet headers and
 * code-block data are stuffed so that no marker code appears in them (T.800 A.1, T.814 for HT blocks).
 */
function markerInData(stream: Uint8Array, start: number, end: number): number | undefined {
  for (let at = stream.indexOf(0xff, start); at >= 0 && at + 1 < end; at = stream.indexOf(0xff, at + 1)) {
    const next = stream[at + 1];
    if (next > 0x8f && next !== 0x91 && next !== 0x92) return at;
  }
  return undefined;
}

/**
 * A main-header COD field outside what T.800 A.6.1 defines (decoders refuse such a stream and then
 * decode nothing): progression order, layers, component transform, levels, code-block size, filter,
 * and a segment length that disagrees with its precinct sizes.
 */
function codProblem(stream: Uint8Array, at: number, length: number): string | undefined {
  const cod = `JPEG 2000 COD segment at byte ${at}`;
  if (length < 12) return `${cod} is ${length} bytes long, under the 12 it needs`;
  const precincts = (stream[at + 4] & 1) !== 0;
  const progression = stream[at + 5], layers = (stream[at + 6] << 8) | stream[at + 7];
  const transform = stream[at + 8], levels = stream[at + 9];
  const blockWidth = stream[at + 10], blockHeight = stream[at + 11], filter = stream[at + 13];
  if (progression > 4) return `${cod} gives progression order ${progression} (0-4 are defined)`;
  if (layers === 0) return `${cod} gives 0 quality layers`;
  if (transform > 1) return `${cod} gives multiple component transform ${transform} (0 or 1)`;
  if (levels > 32) return `${cod} gives ${levels} decomposition levels (at most 32)`;
  if (blockWidth > 8 || blockHeight > 8 || blockWidth + blockHeight > 8) {
    return `${cod} gives code-blocks of 2^${blockWidth + 2} x 2^${blockHeight + 2} samples ` +
      "(each side 4-1024, at most 4096 in all)";
  }
  if (filter > 1) return `${cod} gives wavelet filter ${filter} (0 or 1)`;
  const expected = 12 + (precincts ? levels + 1 : 0);
  if (length !== expected) {
    return `${cod} is ${length} bytes long, but ${levels} levels${
      precincts ? " with precinct sizes" : ""
    } make it ${expected}`;
  }
  return undefined;
}

/** A QCD segment whose length does not fit its quantisation style and the COD's levels (T.800 A.6.4). */
function qcdProblem(
  stream: Uint8Array,
  qcd: { at: number; length: number },
  levels: number,
): string | undefined {
  const style = stream[qcd.at + 4] & 0x1f;
  const bands = 3 * levels + 1;
  const expected = style === 0 ? 3 + bands : style === 1 ? 5 : style === 2 ? 3 + 2 * bands : undefined;
  const segment = `JPEG 2000 QCD segment at byte ${qcd.at}`;
  if (expected === undefined) return `${segment} gives quantisation style ${style} (0-2 are defined)`;
  if (qcd.length !== expected) {
    return `${segment} is ${qcd.length} bytes long, but style ${style} with ${levels} levels makes it ${expected}`;
  }
  return undefined;
}

/** The byte after the SOD marker that closes a tile-part header starting at `start`, if it does by `end`. */
function sodEnd(stream: Uint8Array, view: DataView, start: number, end: number): number | undefined {
  let position = start;
  while (position + 2 <= end && stream[position] === 0xff) {
    if (stream[position + 1] === 0x93) return position + 2;
    if (position + 4 > end) return undefined;
    position += 2 + view.getUint16(position + 2);
  }
  return undefined;
}

/**
 * Where the coded data of a structurally sound JPEG 2000 / HTJ2K stream is, per tile-part, for the
 * reason given when a decoder still rejects it (OpenJPEG and OpenJPH say nothing about where they
 * failed). Offsets count within the code stream, as {@link j2kStructure}'s messages do.
 *
 * @example
 * ```ts
 * j2kTileLocation(stream); // "tile 0: tile-part SOT at byte 231, data bytes 245-5120 of the code stream"
 * ```
 */
export function j2kTileLocation(bytes: Uint8Array): string | undefined {
  const { tileParts } = j2kStructure(bytes);
  if (!tileParts?.length) return undefined;
  const list = tileParts.slice(0, 3).map((part) =>
    `tile ${part.tile}: tile-part SOT at byte ${part.at}, data bytes ${part.dataStart}-${part.end}`
  );
  const more = tileParts.length > 3 ? ` and ${tileParts.length - 3} more tile-parts` : "";
  return `${list.join("; ")}${more} of the code stream`;
}
