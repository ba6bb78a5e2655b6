/**
 * DICOM as a streaming FrameSource. Only the header is parsed in memory (the file prefix up to the
 * Pixel Data element); native frames are read by offset, encapsulated frames through a fragment index
 * built by walking the item headers on disk (fragment bodies are seeked over). Each frame goes through
 * the same codecs, colour and palette steps as {@link readDicom}, so the pixels are identical.
 *
 * Deflated Explicit VR Little Endian cannot be seeked (the whole dataset is one deflate stream), so it
 * is read whole, as readDicom does, and served from memory.
 * @module
 */
import dicomParser from "dicom-parser";
import { CorruptFileError, LogikError, TooLargeError, UnsupportedFormatError } from "../../errors.ts";
import { createVolume, type Volume, type VolumeMeta } from "../../volume.ts";
import {
  checkFrameBytes,
  checkFrameRange,
  formatBytes,
  type FrameSource,
  memoryFrameSource,
  openInputFile,
  readAt,
  readAtSync,
  type ResolvedFrameSourceOptions,
  serialiser,
} from "../frame_source.ts";
import type { DecodedFrame } from "./codecs/decoded_frame.ts";
import {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
  isParserFailure,
  type ParsedDicom,
  parseDicomBytes,
  parserFailure,
} from "./dataset.ts";
import { startsCodeStream } from "./encapsulated_frames.ts";
import {
  decodeCodedFrame,
  type DicomDecodePlan,
  nativeFrameBytes,
  planDicomDecode,
  readDicom,
  storeFrame,
} from "./read_dicom.ts";
import { readWords, swapBytePairs } from "./pixel_samples.ts";

/** First header read; it grows ×4 until the Pixel Data element is inside it. */
const FIRST_HEADER_BYTES = 256 * 1024;
/** A header this large before the pixel data is refused rather than held in memory. */
const MAX_HEADER_BYTES = 64 * 2 ** 20;
/** Bytes read at each item header: tag, length and the first 8 bytes of the fragment. */
const ITEM_PROBE_BYTES = 16;

/** One item of encapsulated pixel data, located in the file. */
export interface FragmentInfo {
  /** Offset from the first fragment's item tag, as Basic Offset Table entries count. */
  offset: number;
  /** File position of the fragment's first byte. */
  position: number;
  length: number;
  /** The fragment begins a code stream (JPEG SOI, J2K SOC, JP2 box). */
  startsCodeStream: boolean;
}

/**
 * Group fragments into frames exactly as the whole-file reader does: by the Basic Offset Table when it
 * has one entry per frame, one frame = all fragments for a single frame, one fragment per frame when
 * the counts agree, else a new frame at each code-stream start. Returns [first, end) fragment indices.
 * Throws an Error with the reason when the fragments cannot make `frameCount` frames.
 *
 * @example
 * ```ts
 * const fragment = (offset: number) => ({ offset, position: offset, length: 8, startsCodeStream: true });
 * fragmentRangesPerFrame([fragment(0), fragment(16)], [], 2); // [[0, 1], [1, 2]]
 * ```
 */
export function fragmentRangesPerFrame(
  fragments: readonly FragmentInfo[],
  basicOffsetTable: readonly number[],
  frameCount: number,
): [number, number][] {
  if (fragments.length === 0) throw new Error("encapsulated pixel data has no fragments");
  if (basicOffsetTable.length === frameCount && frameCount > 1) {
    const byOffset = new Map(fragments.map((fragment, index) => [fragment.offset, index]));
    const starts = basicOffsetTable.map((offset, entry) => {
      const index = byOffset.get(offset);
      if (index === undefined) {
        throw new Error(
          `Pixel Data (7FE0,0010) Basic Offset Table entry ${entry} (offset ${offset}) does not point at the start of a pixel data fragment`,
        );
      }
      return index;
    });
    return starts.map((start, frame) => {
      const end = frame + 1 < starts.length ? starts[frame + 1] : fragments.length;
      if (end <= start) {
        throw new Error(`Pixel Data (7FE0,0010) Basic Offset Table entry ${frame + 1} does not increase`);
      }
      return [start, end];
    });
  }
  if (frameCount === 1) return [[0, fragments.length]];
  if (fragments.length === frameCount) return fragments.map((_, index) => [index, index + 1]);
  const starts: number[] = [];
  fragments.forEach((fragment, index) => {
    if (starts.length === 0 || fragment.startsCodeStream) starts.push(index);
  });
  if (starts.length < frameCount) {
    throw new Error(
      `encapsulated pixel data holds ${starts.length} code streams, ${frameCount} frames expected`,
    );
  }
  return starts.slice(0, frameCount).map((start, frame) => [
    start,
    frame + 1 < starts.length ? starts[frame + 1] : fragments.length,
  ]);
}

/** The parsed header and where its Pixel Data value starts in the file. */
interface HeaderParse {
  parsed: ParsedDicom;
  /** File position of the Pixel Data value (after its tag, VR and length). */
  dataStart: number;
}

/**
 * Open a DICOM file as a FrameSource. Frame 0 is decoded once here so that `meta.photometric` is the
 * decoded one (e.g. "RGB" for YBR JPEG), as readDicom reports it.
 *
 * @example
 * ```ts
 * const source = await openDicomFrameSource("big.dcm", { label: "big.dcm", maxBytes: 2 ** 32, maxFrameBytes: 2 ** 30 });
 * const frame7 = await source.readFrames(7, 8);
 * await source.close();
 * ```
 */
export async function openDicomFrameSource(
  path: string,
  options: ResolvedFrameSourceOptions,
): Promise<FrameSource> {
  const { label, maxBytes } = options;
  const { file, size } = await openInputFile(path, label);
  try {
    const head = await readAt(file, 0, Math.min(size, FIRST_HEADER_BYTES));
    if (metaTransferSyntax(head) === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) {
      file.close();
      const volume = await readDicom(await Deno.readFile(path), { path: label, maxBytes });
      return memoryFrameSource(volume, options);
    }
    const header = await parseHeader(file, size, head, options);
    let plan: DicomDecodePlan;
    try {
      plan = planDicomDecode(header.parsed, label, maxBytes);
    } catch (error) {
      // dicom-parser throws plain strings from element reads: name the element instead.
      if (isParserFailure(error)) throw parserFailure(error, header.parsed.dataSet.byteArray, label);
      throw error;
    }
    const source = plan.codec
      ? await encapsulatedSource(file, size, header, plan, options)
      : nativeSource(file, size, header, plan, options);
    await source.readFrames(0, 1); // settles meta.photometric and surfaces a broken first frame now
    return source;
  } catch (error) {
    try {
      file.close();
    } catch {
      // already closed
    }
    throw error;
  }
}

/** Transfer syntax from the File Meta in a prefix, when there is a File Meta. */
function metaTransferSyntax(head: Uint8Array): string | undefined {
  let input = head;
  const part10 = head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 &&
    head[131] === 0x4d;
  if (!part10) {
    if (!(head.length >= 2 && head[0] === 0x02 && head[1] === 0x00)) return undefined;
    input = new Uint8Array(head.length + 132);
    input.set([0x44, 0x49, 0x43, 0x4d], 128);
    input.set(head, 132);
  }
  try {
    return dicomParser.readPart10Header(input).string("x00020010")?.replace(/\0/g, "").trim();
  } catch {
    return undefined;
  }
}

/** Parse a growing prefix until the top-level Pixel Data element's header is inside it. */
async function parseHeader(
  file: Deno.FsFile,
  size: number,
  head: Uint8Array,
  options: ResolvedFrameSourceOptions,
): Promise<HeaderParse> {
  let prefix = head;
  for (;;) {
    const whole = prefix.length >= size;
    let parsed: ParsedDicom | undefined;
    try {
      parsed = parseDicomBytes(prefix, options.label, options.maxBytes, true);
    } catch (error) {
      // A prefix cut inside a header element fails to parse; only the whole file's failure counts.
      if (whole || !(error instanceof LogikError)) throw error;
    }
    const element = parsed?.dataSet.elements.x7fe00010;
    if (parsed && (element || whole)) {
      // A preamble-less File Meta is parsed with a 128-byte preamble and "DICM" put in front.
      const shift = parsed.dataSet.byteArray.length - prefix.length;
      return { parsed, dataStart: element ? element.dataOffset - shift : size };
    }
    if (prefix.length >= MAX_HEADER_BYTES) {
      throw new UnsupportedFormatError(
        `${options.label}: no Pixel Data within the first ${
          formatBytes(MAX_HEADER_BYTES)
        } (header too large to stream)`,
      );
    }
    prefix = await readAt(file, 0, Math.min(size, prefix.length * 4, MAX_HEADER_BYTES));
  }
}

/** Shared shape of a DICOM source: a per-frame decoder plus the decode plan. */
function dicomSource(
  file: Deno.FsFile,
  plan: DicomDecodePlan,
  decodeFrame: (frame: number) => Promise<DecodedFrame[]>,
  options: ResolvedFrameSourceOptions,
): FrameSource {
  const { pixels, output, meta } = plan;
  checkFrameBytes(pixels.rows * pixels.cols * output.channels * output.bytesPerSample, options);
  const serial = serialiser();
  let closed = false;
  const source: FrameSource = {
    frames: pixels.frames,
    rows: pixels.rows,
    cols: pixels.cols,
    channels: output.channels,
    type: output.type,
    meta,
    format: "dicom",
    streaming: true,
    async readFrames(start: number, end: number): Promise<Volume> {
      checkFrameRange(start, end, pixels.frames);
      return await serial(async () => {
        if (closed) throw new Error(`${options.label}: frame source is closed`);
        const volume = createVolume({
          frames: end - start,
          rows: pixels.rows,
          cols: pixels.cols,
          channels: output.channels,
          type: output.type,
          meta: { ...meta } as VolumeMeta,
        });
        for (let frame = start; frame < end;) {
          const decoded = await decodeFrame(frame);
          for (const one of decoded) {
            if (frame >= end) break;
            meta.photometric = storeFrame(one, pixels, output, volume, frame - start);
            frame++;
          }
        }
        volume.meta.photometric = meta.photometric;
        return volume;
      });
    },
    close(): Promise<void> {
      return serial(() => {
        if (!closed) {
          closed = true;
          file.close();
        }
        return Promise.resolve();
      });
    },
  };
  return source;
}

/** Native pixel data: frame k is `frameBytes` at dataStart + k × frameBytes. */
function nativeSource(
  file: Deno.FsFile,
  size: number,
  header: HeaderParse,
  plan: DicomDecodePlan,
  options: ResolvedFrameSourceOptions,
): FrameSource {
  const { label } = options;
  const { element, pixels } = plan;
  if (element.hadUndefinedLength) {
    throw new CorruptFileError(`${label}: native pixel data with an undefined length`);
  }
  const frameBytes = nativeFrameBytes(pixels);
  const expected = frameBytes * pixels.frames;
  const inFile = Math.max(0, size - header.dataStart);
  const available = Math.min(element.length, inFile);
  if (available < expected) {
    throw new CorruptFileError(`${label}: pixel data has ${available} bytes, ${expected} expected`);
  }
  if (element.length > inFile + 1) {
    throw new CorruptFileError(
      `${label}: pixel data declares ${element.length} bytes but the file ends after ${inFile}`,
    );
  }
  const bigEndian = header.parsed.transferSyntax === EXPLICIT_VR_BIG_ENDIAN;
  // Big-endian OW holds 8-bit samples swapped in pairs counted from the element start.
  const pairSwapped = bigEndian && pixels.bitsAllocated === 8 && element.vr === "OW";
  // One read buffer for every frame: storeFrame copies the samples out before the next read.
  const scratch = new Uint8Array(frameBytes + 2);
  const decodeFrame = async (frame: number): Promise<DecodedFrame[]> => {
    const start = frame * frameBytes;
    const alignedStart = pairSwapped ? start - (start % 2) : start;
    const alignedEnd = pairSwapped
      ? Math.min(expected, start + frameBytes + ((start + frameBytes) % 2))
      : start + frameBytes;
    let bytes = await readAt(file, header.dataStart + alignedStart, alignedEnd - alignedStart, scratch);
    if (bytes.length < alignedEnd - alignedStart) {
      throw new CorruptFileError(`${label}: the file ended while reading frame ${frame}`);
    }
    if (pairSwapped) {
      bytes = swapBytePairs(bytes).subarray(start - alignedStart, start - alignedStart + frameBytes);
    }
    const samples = pixels.bitsAllocated === 8 ? bytes : readWords(bytes, 0, frameBytes / 2, !bigEndian);
    return [{ samples, planar: pixels.planarConfiguration, photometric: pixels.photometric }];
  };
  return dicomSource(file, plan, decodeFrame, options);
}

/** Encapsulated pixel data: index the fragments from their item headers, decode frame by frame. */
async function encapsulatedSource(
  file: Deno.FsFile,
  size: number,
  header: HeaderParse,
  plan: DicomDecodePlan,
  options: ResolvedFrameSourceOptions,
): Promise<FrameSource> {
  const { label, maxFrameBytes } = options;
  const { element, pixels } = plan;
  const codec = plan.codec!;
  if (!element.hadUndefinedLength) {
    throw new CorruptFileError(
      `${label}: ${codec.name} transfer syntax but the pixel data is not encapsulated`,
    );
  }
  const { basicOffsetTable, fragments } = await scanFragments(file, size, header.dataStart, label);
  let ranges: [number, number][];
  try {
    ranges = fragmentRangesPerFrame(fragments, basicOffsetTable, pixels.frames);
  } catch (error) {
    throw new CorruptFileError(`${label}: ${(error as Error).message}`);
  }
  const decodeFrame = async (frame: number): Promise<DecodedFrame[]> => {
    const [first, end] = ranges[frame];
    const parts = fragments.slice(first, end);
    const total = parts.reduce((sum, fragment) => sum + fragment.length, 0);
    if (total > maxFrameBytes) {
      throw new TooLargeError(
        `${label}: frame ${frame} code stream is ${formatBytes(total)}, over the frame limit of ${
          formatBytes(maxFrameBytes)
        }`,
      );
    }
    const stream = new Uint8Array(total);
    let written = 0;
    for (const fragment of parts) {
      const bytes = await readAt(file, fragment.position, fragment.length);
      stream.set(bytes, written);
      written += fragment.length;
    }
    return [await decodeCodedFrame(codec, stream, pixels, label, frame)];
  };
  return dicomSource(file, plan, decodeFrame, options);
}

/**
 * Walk the items of encapsulated pixel data on disk (PS3.5 A.4): the Basic Offset Table, then one
 * fragment per item until the sequence delimiter. Mirrors dicom-parser's scan: a missing delimiter at
 * the end of the file is tolerated, an unexpected tag ends the data with a fragment cut at the file end.
 */
async function scanFragments(
  file: Deno.FsFile,
  size: number,
  dataStart: number,
  label: string,
): Promise<{ basicOffsetTable: number[]; fragments: FragmentInfo[] }> {
  const malformed = (reason: string) => new CorruptFileError(`${label}: Pixel Data (7FE0,0010) ${reason}`);
  const botHeader = await readAt(file, dataStart, 8);
  if (botHeader.length < 8) {
    throw malformed(`Basic Offset Table item header at byte ${dataStart} runs past the end of the file`);
  }
  const botView = new DataView(botHeader.buffer);
  if (!isItemTag(botView)) {
    throw malformed(`value at byte ${dataStart} does not start with the Basic Offset Table item (FFFE,E000)`);
  }
  const botLength = botView.getUint32(4, true);
  if (botLength > size - dataStart - 8) {
    throw malformed(
      `Basic Offset Table item at byte ${dataStart} declares ${botLength} bytes, but the file ends ${
        size - dataStart - 8
      } bytes later`,
    );
  }
  const botBytes = await readAt(file, dataStart + 8, botLength);
  const botBytesView = new DataView(botBytes.buffer, botBytes.byteOffset, botBytes.byteLength);
  const basicOffsetTable: number[] = [];
  for (let at = 0; at + 4 <= botLength; at += 4) basicOffsetTable.push(botBytesView.getUint32(at, true));
  const base = dataStart + 8 + botLength;
  const fragments: FragmentInfo[] = [];
  let position = base;
  while (position < size) {
    if (position + 8 > size) {
      throw malformed(`fragment item header at byte ${position} runs past the end of the file`);
    }
    const probe = readAtSync(file, position, ITEM_PROBE_BYTES);
    const view = new DataView(probe.buffer, probe.byteOffset, probe.byteLength);
    const group = view.getUint16(0, true);
    const elementNumber = view.getUint16(2, true);
    let length = view.getUint32(4, true);
    if (group === 0xfffe && elementNumber === 0xe0dd) break;
    const isItem = group === 0xfffe && elementNumber === 0xe000;
    if (!isItem) length = Math.min(length, size - position - 8);
    const head = probe.subarray(8, 8 + Math.min(length, 8));
    fragments.push({
      offset: position - base,
      position: position + 8,
      length,
      startsCodeStream: startsCodeStream(head, 0, length),
    });
    if (!isItem) break;
    position += 8 + length;
  }
  for (const fragment of fragments) {
    if (fragment.position + fragment.length > size) {
      throw new CorruptFileError(`${label}: a pixel data fragment extends past the end of the file`);
    }
  }
  return { basicOffsetTable, fragments };
}

function isItemTag(view: DataView): boolean {
  return view.getUint16(0, true) === 0xfffe && view.getUint16(2, true) === 0xe000;
}
