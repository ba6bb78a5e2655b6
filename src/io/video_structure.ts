/**
 * A structural check of MP4 (ISO BMFF / QuickTime) and AVI (RIFF) files, run only after ffmpeg has
 * failed, so that the skip reason names the broken box or chunk and its byte offset instead of passing
 * on a demuxer's or decoder's bare message ("Cannot determine format of input stream 0:0 after EOF",
 * "cabac decode of qscale diff failed"). Messages hold box/chunk names, offsets and sizes, never pixels.
 * @module
 */
import { jpegStructure } from "./jpeg_structure.ts";
import { locateFirstDecodeError } from "./video_decode_error.ts";

/** What the check found: the first structural problem, or where the (sound) coded frames lie. */
export interface VideoStructure {
  /** "MP4" or "AVI"; undefined for a container this check does not know. */
  container?: "MP4" | "AVI";
  /** The first structural problem, naming the box or chunk, its byte offset and what is wrong. */
  problem?: string;
  /** True when the problem is only that no video track or stream is declared. */
  noVideo?: boolean;
  /** With no problem: where the coded frames are, e.g. `30 "avc1" samples in "mdat" (bytes 1165-52222)`. */
  frames?: string;
  /** With no problem: each coded frame in decode order (MP4 samples, AVI frame chunks), for naming one. */
  samples?: CodedSample[];
}

/** One coded frame: what to call it in a message, and where its bytes are. */
export interface CodedSample {
  /** e.g. `"avc1" sample 4 of 30 (decode order; 1561 bytes at byte 9132)`. */
  name: string;
  offset: number;
  size: number;
}

/** Files larger than this are not read into memory for the check (the reason then says so). */
export const VIDEO_STRUCTURE_MAX_BYTES = 256 * 1024 ** 2;

const MP4_TOP_TYPES = new Set([
  "ftyp",
  "moov",
  "mdat",
  "free",
  "skip",
  "wide",
  "pnot",
  "styp",
  "sidx",
  "moof",
]);
const MP4_CONTAINERS = new Set([
  "moov",
  "trak",
  "mdia",
  "minf",
  "stbl",
  "edts",
  "dinf",
  "mvex",
  "moof",
  "traf",
]);
const NAL_CODECS = new Set(["avc1", "avc3", "hvc1", "hev1"]);

/** One box or chunk of the tree. */
interface Node {
  type: string;
  offset: number;
  /** Offset of the data after the header (after the list type for RIFF lists). */
  data: number;
  end: number;
  children: Node[];
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

function printable(bytes: Uint8Array, at: number): boolean {
  if (at + 4 > bytes.length) return false;
  for (let i = at; i < at + 4; i++) if (bytes[i] < 0x20 || bytes[i] > 0x7e) return false;
  return true;
}

/** A type for messages: the four characters when printable, else hex. */
function typeName(bytes: Uint8Array, at: number): string {
  return printable(bytes, at)
    ? `"${fourcc(bytes, at)}"`
    : `0x${[...bytes.subarray(at, at + 4)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Which container the bytes are, by signature. */
function containerOf(bytes: Uint8Array): "MP4" | "AVI" | undefined {
  if (bytes.length >= 12 && fourcc(bytes, 0) === "RIFF" && fourcc(bytes, 8) === "AVI ") return "AVI";
  if (bytes.length >= 8 && MP4_TOP_TYPES.has(fourcc(bytes, 4))) return "MP4";
  return undefined;
}

/**
 * The structure of an MP4 or AVI file: the first broken box/chunk, missing required box, sample table
 * pointing past the file, or NAL unit / JPEG frame that does not fit its sample; else where the frames are.
 *
 * @example
 * ```ts
 * const bytes = Deno.readFileSync("../shared/data/public/video/sonosite_echo_pla_30f_derived.mp4");
 * videoStructure(bytes).frames; // '30 "avc1" samples in "mdat" (bytes 1165-52222)'
 * videoStructure(bytes.subarray(0, 40000)).problem;
 * // 'MP4 box "mdat" at byte 1165 declares 51057 bytes, but the file ends 38835 bytes after its start'
 * ```
 */
export function videoStructure(bytes: Uint8Array): VideoStructure {
  const container = containerOf(bytes);
  if (container === "MP4") return { container, ...mp4Structure(bytes) };
  if (container === "AVI") return { container, ...aviStructure(bytes) };
  return {};
}

// ---------------------------------------------------------------- MP4

type Found = Omit<VideoStructure, "container">;

/** Walk boxes in [start, end); returns the nodes or the first problem. */
function mp4Boxes(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  parent: Node | undefined,
  out: Node[],
): string | undefined {
  let offset = start;
  let previous: Node | undefined;
  const where = parent ? `its parent "${parent.type}" (byte ${parent.offset})` : "the file";
  while (offset < end) {
    if (end - offset < 8) {
      return `MP4 box header at byte ${offset} is cut short: ${where} ends ${
        end - offset
      } bytes after it (8 needed)`;
    }
    if (!printable(bytes, offset + 4)) {
      const after = previous
        ? `; the box before it, "${previous.type}" at byte ${previous.offset}, declares ${
          previous.end - previous.offset
        } bytes`
        : "";
      return `MP4 box at byte ${offset} has type ${typeName(bytes, offset + 4)}, not a box type${after}`;
    }
    const type = fourcc(bytes, offset + 4);
    let size = view.getUint32(offset);
    let header = 8;
    if (size === 1) {
      if (end - offset < 16) return `MP4 box "${type}" at byte ${offset}: its 64-bit size is cut short`;
      size = Number(view.getBigUint64(offset + 8));
      header = 16;
    } else if (size === 0 && !parent) size = end - offset; // "to the end of the file", top level only
    if (size < header) {
      return `MP4 box "${type}" at byte ${offset} has size ${size}, less than its ${header}-byte header`;
    }
    if (offset + size > end) {
      return `MP4 box "${type}" at byte ${offset} declares ${size} bytes, but ${where} ends ${
        end - offset
      } bytes after its start`;
    }
    const node: Node = { type, offset, data: offset + header, end: offset + size, children: [] };
    out.push(node);
    if (MP4_CONTAINERS.has(type)) {
      const problem = mp4Boxes(bytes, view, node.data, node.end, node, node.children);
      if (problem) return problem;
    }
    previous = node;
    offset += size;
  }
  return undefined;
}

function child(node: Node | undefined, type: string): Node | undefined {
  return node?.children.find((box) => box.type === type);
}

function mp4Structure(bytes: Uint8Array): Found {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const top: Node[] = [];
  const broken = mp4Boxes(bytes, view, 0, bytes.length, undefined, top);
  if (broken) return { problem: broken };
  const moov = top.find((box) => box.type === "moov");
  if (!moov) return { problem: `MP4 file has no "moov" box (the movie header with the sample tables)` };
  if (top.some((box) => box.type === "moof")) return {}; // fragmented: samples are described per fragment
  const mdats = top.filter((box) => box.type === "mdat");
  if (mdats.length === 0) return { problem: `MP4 file has no "mdat" box (the media data)` };
  const tracks = moov.children.filter((box) => box.type === "trak");
  const video = tracks.find((trak) => {
    const hdlr = child(child(trak, "mdia"), "hdlr");
    return hdlr !== undefined && hdlr.data + 12 <= hdlr.end && fourcc(bytes, hdlr.data + 8) === "vide";
  });
  if (!video) {
    return {
      noVideo: true,
      problem:
        `MP4 "moov" (byte ${moov.offset}) has no video track: none of its ${tracks.length} "trak" boxes ` +
        `has an "hdlr" box with handler "vide"`,
    };
  }
  const track = `MP4 video track ("trak" at byte ${video.offset})`;
  const minf = child(child(video, "mdia"), "minf");
  if (!minf) return { problem: `${track} has no "minf" box` };
  const stbl = child(minf, "stbl");
  if (!stbl) return { problem: `${track} has no "stbl" box (the sample tables)` };
  const tables: Record<string, Node | undefined> = {};
  for (const type of ["stsd", "stsc", "stsz", "stco", "co64"]) tables[type] = child(stbl, type);
  for (
    const [type, what] of [["stsd", "sample descriptions"], ["stsc", "samples per chunk"], [
      "stsz",
      "sample sizes",
    ]]
  ) {
    if (!tables[type]) return { problem: `${track} has no "${type}" box (${what})` };
  }
  const chunkBox = tables.stco ?? tables.co64;
  if (!chunkBox) return { problem: `${track} has no "stco" or "co64" box (chunk offsets)` };
  const entry = sampleEntry(bytes, view, tables.stsd!);
  if (typeof entry === "string") return { problem: entry };
  const samples = sampleMap(view, tables.stsc!, tables.stsz!, chunkBox);
  if (typeof samples === "string") return { problem: samples };
  for (let index = 0; index < samples.length; index++) {
    const [offset, size] = samples[index];
    const sample = `MP4 video sample ${index} (${size} bytes at byte ${offset})`;
    if (offset + size > bytes.length) {
      return { problem: `${sample} runs past the end of the file (${bytes.length} bytes)` };
    }
    if (!mdats.some((mdat) => offset >= mdat.data && offset + size <= mdat.end)) {
      return { problem: `${sample} lies outside every "mdat" box` };
    }
    if (entry.lengthSize) {
      const problem = nalProblem(bytes, offset, size, entry.lengthSize, entry.codec);
      if (problem) return { problem: `${sample}: ${problem}` };
    }
  }
  const first = Math.min(...mdats.map((box) => box.offset));
  const last = Math.max(...mdats.map((box) => box.end));
  return {
    frames: `${samples.length} "${entry.codec}" samples in "mdat" (bytes ${first}-${last})`,
    samples: samples.map(([offset, size], index) => ({
      name:
        `"${entry.codec}" sample ${index} of ${samples.length} (decode order; ${size} bytes at byte ${offset})`,
      offset,
      size,
    })),
  };
}

/** The first sample entry of "stsd": codec and, for H.264/HEVC, the NAL length size from avcC/hvcC. */
function sampleEntry(
  bytes: Uint8Array,
  view: DataView,
  stsd: Node,
): { codec: string; lengthSize?: number } | string {
  const at = `MP4 "stsd" box at byte ${stsd.offset}`;
  if (stsd.data + 8 > stsd.end) return `${at} is too short for its entry count`;
  const count = view.getUint32(stsd.data + 4);
  if (count === 0) return `${at} has no sample description`;
  const start = stsd.data + 8;
  if (start + 8 > stsd.end) return `${at} ends before its first sample description`;
  const size = view.getUint32(start);
  const codec = fourcc(bytes, start + 4);
  if (size < 8 || start + size > stsd.end) {
    return `${at}: sample description "${codec}" at byte ${start} declares ${size} bytes, but "stsd" ends ${
      stsd.end - start
    } bytes after it`;
  }
  if (!NAL_CODECS.has(codec)) return { codec };
  // A visual sample entry has 78 bytes of fields after its header, then boxes (avcC, hvcC, pasp, ...).
  const width = view.getUint16(start + 32), height = view.getUint16(start + 34);
  if (size < 86) return `${at}: "${codec}" sample description at byte ${start} is ${size} bytes, under 86`;
  if (width === 0 || height === 0) {
    return `MP4 "${codec}" sample description at byte ${start} gives a frame size of ${width}x${height}`;
  }
  const boxes: Node[] = [];
  const broken = mp4Boxes(bytes, view, start + 86, start + size, {
    type: codec,
    offset: start,
    data: start + 86,
    end: start + size,
    children: [],
  }, boxes);
  if (broken) return broken;
  const configType = codec.startsWith("avc") ? "avcC" : "hvcC";
  const config = boxes.find((box) => box.type === configType);
  if (!config) return `MP4 "${codec}" sample description at byte ${start} has no "${configType}" box`;
  const version = bytes[config.data];
  const lengthAt = configType === "avcC" ? config.data + 4 : config.data + 21;
  if (lengthAt >= config.end) return `MP4 "${configType}" box at byte ${config.offset} is too short`;
  if (version !== 1) {
    return `MP4 "${configType}" box at byte ${config.offset} has configurationVersion ${version}, 1 expected`;
  }
  const lengthSize = (bytes[lengthAt] & 3) + 1;
  if (lengthSize === 3) {
    return `MP4 "${configType}" box at byte ${config.offset} gives a NAL length size of 3`;
  }
  if (configType === "avcC") {
    const problem = avcParameterSets(bytes, view, config);
    if (problem) return problem;
  }
  return { codec, lengthSize };
}

/** The SPS and PPS lists of an avcC box must fit inside it. */
function avcParameterSets(bytes: Uint8Array, view: DataView, config: Node): string | undefined {
  let at = config.data + 5;
  for (const [name, mask] of [["SPS", 0x1f], ["PPS", 0xff]] as const) {
    if (at >= config.end) return `MP4 "avcC" box at byte ${config.offset} ends before its ${name} count`;
    const count = bytes[at] & mask;
    if (name === "SPS" && count === 0) return `MP4 "avcC" box at byte ${config.offset} holds no SPS`;
    at++;
    for (let i = 0; i < count; i++) {
      if (at + 2 > config.end) return `MP4 "avcC" box at byte ${config.offset}: ${name} ${i} is cut short`;
      const length = view.getUint16(at);
      if (at + 2 + length > config.end) {
        return `MP4 "avcC" box at byte ${config.offset}: ${name} ${i} at byte ${at} declares ${length} bytes, ` +
          `past the end of the box`;
      }
      at += 2 + length;
    }
  }
  return undefined;
}

/** [offset, size] of every sample from stsc, stsz and stco/co64, or the table that is broken. */
function sampleMap(
  view: DataView,
  stsc: Node,
  stsz: Node,
  chunks: Node,
): Array<[number, number]> | string {
  const table = (box: Node, fixed: number, entrySize: number): number | string => {
    if (box.data + fixed > box.end) {
      return `MP4 "${box.type}" box at byte ${box.offset} is too short for its header`;
    }
    const count = view.getUint32(box.data + fixed - 4);
    const room = box.end - box.data - fixed;
    if (count * entrySize > room) {
      return `MP4 "${box.type}" box at byte ${box.offset} lists ${count} entries (${
        count * entrySize
      } bytes), ` +
        `but holds ${room} bytes of entries`;
    }
    return count;
  };
  const chunkCount = table(chunks, 8, chunks.type === "co64" ? 8 : 4);
  if (typeof chunkCount === "string") return chunkCount;
  const stscCount = table(stsc, 8, 12);
  if (typeof stscCount === "string") return stscCount;
  if (stsz.data + 12 > stsz.end) return `MP4 "stsz" box at byte ${stsz.offset} is too short for its header`;
  const fixedSize = view.getUint32(stsz.data + 4);
  const sampleCount = fixedSize ? view.getUint32(stsz.data + 8) : table(stsz, 12, 4);
  if (typeof sampleCount === "string") return sampleCount;
  if (sampleCount === 0) return `MP4 "stsz" box at byte ${stsz.offset} lists no samples`;
  const sizeOf = (index: number) => fixedSize || view.getUint32(stsz.data + 12 + 4 * index);
  const chunkOffset = (index: number) =>
    chunks.type === "co64"
      ? Number(view.getBigUint64(chunks.data + 8 + 8 * index))
      : view.getUint32(chunks.data + 8 + 4 * index);
  const samples: Array<[number, number]> = [];
  let previousFirst = 0;
  for (let entry = 0; entry < stscCount; entry++) {
    const at = stsc.data + 8 + 12 * entry;
    const firstChunk = view.getUint32(at), perChunk = view.getUint32(at + 4);
    const name = `MP4 "stsc" entry ${entry} (byte ${at})`;
    if (firstChunk <= previousFirst || firstChunk > chunkCount) {
      return `${name} starts at chunk ${firstChunk}, outside ${previousFirst + 1}..${chunkCount} ` +
        `(the "${chunks.type}" box lists ${chunkCount} chunks)`;
    }
    if (perChunk === 0) return `${name} gives 0 samples per chunk`;
    const nextFirst = entry + 1 < stscCount ? view.getUint32(at + 12) : chunkCount + 1;
    for (let chunk = firstChunk; chunk < Math.min(nextFirst, chunkCount + 1); chunk++) {
      let offset = chunkOffset(chunk - 1);
      for (let i = 0; i < perChunk; i++) {
        if (samples.length >= sampleCount) {
          return `MP4 "stsc" box at byte ${stsc.offset} places more samples in the chunks than the ` +
            `${sampleCount} that "stsz" (byte ${stsz.offset}) lists`;
        }
        const size = sizeOf(samples.length);
        samples.push([offset, size]);
        offset += size;
      }
    }
    previousFirst = firstChunk;
  }
  return samples;
}

/** Length-prefixed NAL units must tile the sample, each with a valid header byte. */
function nalProblem(
  bytes: Uint8Array,
  start: number,
  size: number,
  lengthSize: number,
  codec: string,
): string | undefined {
  const end = start + size;
  let at = start;
  while (at < end) {
    if (at + lengthSize > end) return `the NAL unit length field at byte ${at} is cut by the sample's end`;
    let length = 0;
    for (let i = 0; i < lengthSize; i++) length = length * 256 + bytes[at + i];
    const nal = at + lengthSize;
    if (nal + length > end) {
      return `the NAL unit at byte ${at} declares ${length} bytes, past the sample's end at byte ${end}`;
    }
    if (length > 0) {
      const header = bytes[nal];
      if (header & 0x80) return `the NAL unit at byte ${at} has its forbidden_zero_bit set`;
      if (!codec.startsWith("hev") && !codec.startsWith("hvc") && (header & 0x1f) === 0) {
        return `the NAL unit at byte ${at} has nal_unit_type 0 (unspecified)`;
      }
    }
    at = nal + length;
  }
  return undefined;
}

// ---------------------------------------------------------------- AVI

const RIFF_LISTS = new Set(["RIFF", "LIST"]);

/** Walk chunks in [start, end); returns the first problem. */
function riffChunks(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  parent: Node | undefined,
  out: Node[],
  depth: number,
): string | undefined {
  let offset = start;
  let previous: Node | undefined;
  const where = parent ? `its parent "${parent.type}" (byte ${parent.offset})` : "the file";
  while (offset < end) {
    if (end - offset < 8) {
      // A lone padding byte or a short tail of junk is common and harmless only at the file's end.
      if (!parent && end - offset < 8 && bytes.subarray(offset, end).every((b) => b === 0)) return undefined;
      return `AVI chunk header at byte ${offset} is cut short: ${where} ends ${
        end - offset
      } bytes after it (8 needed)`;
    }
    if (!printable(bytes, offset)) {
      const after = previous
        ? `; the chunk before it, "${previous.type}" at byte ${previous.offset}, declares ${
          previous.end - previous.data
        } bytes`
        : "";
      return `AVI chunk at byte ${offset} has id ${typeName(bytes, offset)}, not a FOURCC${after}`;
    }
    const type = fourcc(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    if (offset + 8 + size > end) {
      return `AVI chunk "${type}" at byte ${offset} declares ${size} bytes, but ${where} ends ${
        end - offset - 8
      } bytes after its header`;
    }
    const isList = RIFF_LISTS.has(type);
    if (isList && size < 4) {
      return `AVI "${type}" chunk at byte ${offset} has size ${size}, too small for its list type`;
    }
    const name = isList ? fourcc(bytes, offset + 8) : type;
    const node: Node = {
      type: name,
      offset,
      data: offset + (isList ? 12 : 8),
      end: offset + 8 + size,
      children: [],
    };
    out.push(node);
    // movi holds one chunk per frame: its frames are checked one by one below, not as a tree.
    if (isList && depth < 8) {
      const problem = riffChunks(bytes, view, node.data, node.end, node, node.children, depth + 1);
      if (problem) return problem;
    }
    previous = node;
    offset = node.end + (size & 1);
  }
  return undefined;
}

function aviStructure(bytes: Uint8Array): Found {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const top: Node[] = [];
  const broken = riffChunks(bytes, view, 0, bytes.length, undefined, top, 0);
  if (broken) return { problem: broken };
  const riff = top[0];
  const hdrl = child(riff, "hdrl");
  if (!hdrl) return { problem: `AVI file has no "hdrl" list (the headers)` };
  const avih = child(hdrl, "avih");
  if (!avih || avih.end - avih.data < 56) {
    return { problem: `AVI "hdrl" list (byte ${hdrl.offset}) has no complete "avih" main header (56 bytes)` };
  }
  const streams = hdrl.children.filter((node) => node.type === "strl");
  const index = streams.findIndex((strl) => {
    const strh = child(strl, "strh");
    return strh !== undefined && strh.end - strh.data >= 4 && fourcc(bytes, strh.data) === "vids";
  });
  if (index < 0) {
    return {
      noVideo: true,
      problem:
        `AVI "hdrl" list (byte ${hdrl.offset}) has no video stream: none of its ${streams.length} "strl" ` +
        `lists has a "strh" of type "vids"`,
    };
  }
  const strh = child(streams[index], "strh")!;
  if (strh.end - strh.data < 48) {
    return { problem: `AVI video "strh" at byte ${strh.offset} is under 48 bytes` };
  }
  const strf = child(streams[index], "strf");
  if (!strf || strf.end - strf.data < 40) {
    return {
      problem: `AVI video stream ("strl" at byte ${
        streams[index].offset
      }) has no complete "strf" format (40 bytes)`,
    };
  }
  const width = view.getInt32(strf.data + 4, true), height = view.getInt32(strf.data + 8, true);
  if (width <= 0 || height === 0) {
    return { problem: `AVI video "strf" at byte ${strf.offset} gives a frame size of ${width}x${height}` };
  }
  const compression = fourcc(bytes, strf.data + 16);
  const movi = riff.children.find((node) => node.type === "movi");
  if (!movi) return { problem: `AVI file has no "movi" list (the frame data)` };
  const tag = String(index).padStart(2, "0");
  const frames = collectFrames(movi, tag);
  if (frames.length === 0) {
    return { problem: `AVI "movi" list (byte ${movi.offset}) holds no "${tag}dc" frame chunks` };
  }
  const idx1 = riff.children.find((node) => node.type === "idx1");
  if (idx1) {
    const problem = indexProblem(bytes, view, idx1, movi);
    if (problem) return { problem };
  }
  if (compression === "MJPG") {
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i];
      if (frame.end === frame.data) continue; // an empty chunk is a dropped frame
      const { problem } = jpegStructure(bytes.subarray(frame.data, frame.end));
      if (problem) {
        // jpegStructure counts from the frame's first byte; give file offsets instead.
        const inFile = problem.replace(/\bbyte (\d+)/g, (_, n) => `byte ${frame.data + Number(n)}`);
        return { problem: `AVI video frame ${i} ("${tag}dc" chunk at byte ${frame.offset}): ${inFile}` };
      }
    }
  }
  return {
    frames: `${frames.length} "${compression}" frames in "movi" (bytes ${movi.offset}-${movi.end})`,
    samples: frames.map((frame, index) => ({
      name:
        `"${compression}" frame ${index} of ${frames.length} ("${frame.type}" chunk at byte ${frame.offset}, ` +
        `${frame.end - frame.data} bytes)`,
      offset: frame.data,
      size: frame.end - frame.data,
    })),
  };
}

/** The video stream's frame chunks ("00dc"/"00db"), also inside "rec " lists. */
function collectFrames(list: Node, tag: string): Node[] {
  const frames: Node[] = [];
  for (const node of list.children) {
    if (node.type === `${tag}dc` || node.type === `${tag}db`) frames.push(node);
    else if (node.type === "rec ") frames.push(...collectFrames(node, tag));
  }
  return frames;
}

/** Every "idx1" entry must point at a chunk of the id and size it names. */
function indexProblem(bytes: Uint8Array, view: DataView, idx1: Node, movi: Node): string | undefined {
  const count = Math.floor((idx1.end - idx1.data) / 16);
  if (count === 0) return undefined;
  // Offsets count from the "movi" list type (usual) or from the start of the file (some writers).
  const firstId = fourcc(bytes, idx1.data), firstOffset = view.getUint32(idx1.data + 8, true);
  const relative = movi.data - 4;
  const base = fourcc(bytes, relative + firstOffset) === firstId ? relative : 0;
  for (let i = 0; i < count; i++) {
    const at = idx1.data + 16 * i;
    const id = fourcc(bytes, at);
    const offset = base + view.getUint32(at + 8, true), size = view.getUint32(at + 12, true);
    if (id === "rec ") continue;
    const fits = offset + 8 <= bytes.length && fourcc(bytes, offset) === id &&
      view.getUint32(offset + 4, true) === size;
    if (!fits) {
      return `AVI "idx1" entry ${i} (byte ${at}) points to byte ${offset} for a "${id}" chunk of ${size} bytes, ` +
        `but no such chunk starts there`;
    }
  }
  return undefined;
}

/**
 * The reason to give when ffmpeg failed on a video: the structural problem when the walk finds one,
 * else where the coded frames are, that their container is sound, and the decoder's words.
 * Reads at most {@link VIDEO_STRUCTURE_MAX_BYTES} of the file.
 *
 * @example
 * ```ts
 * (await videoFailureReason("clip.mp4", "Reference 7 >= 4")).reason;
 * // 'coded frame data is damaged: 30 "avc1" samples in "mdat" (bytes 1165-52222), the MP4 boxes and
 * //  sample tables are sound (decoder: Reference 7 >= 4)'
 * ```
 */
export async function videoFailureReason(
  path: string,
  said: string | undefined,
  stage: "open" | "decode" = "decode",
): Promise<{ reason: string; noVideo?: boolean; structural: boolean }> {
  let found: VideoStructure = {};
  let checked = false;
  try {
    const size = (await Deno.stat(path)).size;
    if (size <= VIDEO_STRUCTURE_MAX_BYTES) {
      found = videoStructure(await Deno.readFile(path));
      checked = true;
    }
  } catch {
    // unreadable now: fall through to the decoder's words
  }
  if (found.problem) return { reason: found.problem, noVideo: found.noVideo, structural: true };
  const words = `${stage === "open" ? "demuxer" : "decoder"}: ${said ?? "no message"}`;
  if (found.container && found.frames) {
    const sound = found.container === "MP4"
      ? "the MP4 boxes and sample tables are sound"
      : "the AVI chunks and index are sound";
    const failed = stage === "decode" ? await failingSample(path, found.samples ?? []) : undefined;
    if (failed) {
      return {
        reason: `coded frame data is damaged: the decoder first fails on ${failed.name}; ${sound} (${words})`,
        structural: false,
      };
    }
    const what = stage === "open" ? "video stream cannot be opened" : "coded frame data is damaged";
    return { reason: `${what}: ${found.frames}, ${sound} (${words})`, structural: false };
  }
  const why = found.container
    ? `the ${found.container} structure is sound`
    : checked
    ? "container not MP4 or AVI, so not checked"
    : `file over ${VIDEO_STRUCTURE_MAX_BYTES / 1024 ** 2} MiB, structure not checked`;
  const what = stage === "open" ? "video container cannot be opened" : "video frame data is damaged";
  return { reason: `${what} (${why}; ${words})`, structural: false };
}

/**
 * The coded frame a single-threaded decode first fails on, when the packets ffmpeg read up to that
 * error match the container's frames one for one in size (else the count could be off, e.g. a demuxer
 * that drops empty chunks, and no frame is named).
 */
async function failingSample(path: string, samples: CodedSample[]): Promise<CodedSample | undefined> {
  if (samples.length === 0) return undefined;
  const found = await locateFirstDecodeError(path);
  if (!found || found.packetSizes.length > samples.length) return undefined;
  const matches = found.packetSizes.every((size, index) => samples[index].size === size);
  return matches ? samples[found.packetSizes.length - 1] : undefined;
}
