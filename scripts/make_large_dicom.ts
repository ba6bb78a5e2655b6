/**
 * Write a synthetic multi-frame ultrasound DICOM of a requested size, streaming (a few frames in memory
 * at a time), for memory and throughput tests of the streaming readers: RGB 8-bit frames, native
 * (Explicit VR Little Endian) or encapsulated JPEG Baseline with an empty or filled Basic Offset Table
 * and optionally several fragments per frame.
 *
 * Usage:
 *   deno run -A scripts/make_large_dicom.ts --out big.dcm --gib 2 [--jpeg] [--bot] [--fragments 2]
 *     [--mib N | --frames N] [--rows 600] [--cols 800] [--quality 90] [--noise 24]
 * @module
 */
import sharp from "sharp";

/** Options for {@link writeLargeDicom}; give one of `bytes` or `frames`. */
export interface LargeDicomOptions {
  /** Target file size in bytes (frames are added until it is reached). */
  bytes?: number;
  /** Exact number of frames. */
  frames?: number;
  rows?: number;
  cols?: number;
  /** Encapsulated JPEG Baseline instead of native RGB. */
  jpeg?: boolean;
  /** Fill the Basic Offset Table (JPEG only); otherwise it is empty. */
  offsetTable?: boolean;
  /** Fragments per JPEG frame (default 1); more than one exercises the code-stream split. */
  fragmentsPerFrame?: number;
  /** JPEG quality (default 90). */
  quality?: number;
  /** Amplitude of the pseudo-random speckle added to each frame (default 24): larger JPEG frames. */
  noise?: number;
}

/** What was written. */
export interface LargeDicomResult {
  frames: number;
  bytes: number;
  transferSyntax: string;
}

const EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
const JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
const US_MULTIFRAME_STORAGE = "1.2.840.10008.5.1.4.1.1.3.1";
/** Distinct JPEG code streams cycled through (encoding every frame of a 2 GB file would take minutes). */
const JPEG_CYCLE = 8;
const LONG_VRS = new Set(["OB", "OW", "OF", "SQ", "UT", "UN"]);

/**
 * The deterministic RGB frame `index`: diagonal ramps that move with the index, a frame-number bar
 * at the top, and speckle from a per-frame seed.
 *
 * @example
 * ```ts
 * syntheticFrame(3, 600, 800, 24).length; // 1440000
 * ```
 */
export function syntheticFrame(index: number, rows: number, cols: number, noise = 24): Uint8Array {
  const rgb = new Uint8Array(rows * cols * 3);
  let seed = (index * 2654435761 + 12345) >>> 0;
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      const speckle = noise > 0 ? ((seed >>> 0) % (noise + 1)) : 0;
      const at = (row * cols + col) * 3;
      const bar = row < 8 && ((index >> Math.floor(col / 16)) & 1) === 1 ? 255 : 0;
      rgb[at] = bar || ((col + index) & 255) ^ speckle;
      rgb[at + 1] = bar || ((row + 2 * index) & 255);
      rgb[at + 2] = bar || (((row ^ col) + index) & 255) ^ speckle;
    }
  }
  return rgb;
}

/**
 * Stream a synthetic multi-frame DICOM to `path` (via a temporary name, then renamed).
 *
 * @example
 * ```ts
 * const written = await writeLargeDicom("/tmp/big.dcm", { bytes: 300 * 2 ** 20 });
 * written.frames; // 218
 * ```
 */
export async function writeLargeDicom(path: string, options: LargeDicomOptions): Promise<LargeDicomResult> {
  const rows = options.rows ?? 600;
  const cols = options.cols ?? 800;
  const noise = options.noise ?? 24;
  const jpeg = options.jpeg ?? false;
  const frameBytes = rows * cols * 3;
  let streams: Uint8Array[][] = [];
  if (jpeg) streams = await jpegCycle(rows, cols, noise, options);
  const itemBytes = (index: number) =>
    streams[index % streams.length].reduce((sum, part) => sum + 8 + part.length, 0);
  let frames = options.frames;
  if (frames === undefined) {
    if (options.bytes === undefined) throw new Error("writeLargeDicom: give bytes or frames");
    const perFrame = jpeg
      ? streams.reduce((sum, _, index) => sum + itemBytes(index), 0) / streams.length +
        (options.offsetTable ? 4 : 0)
      : frameBytes;
    frames = Math.max(1, Math.round(options.bytes / perFrame));
  }
  const transferSyntax = jpeg ? JPEG_BASELINE : EXPLICIT_VR_LITTLE_ENDIAN;
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  const file = await Deno.open(temp, { write: true, create: true, truncate: true });
  const sink = new BufferedSink(file);
  try {
    await sink.write(header(rows, cols, frames, transferSyntax));
    if (!jpeg) {
      const length = frames * frameBytes;
      if (length > 0xfffffffe) throw new Error("native pixel data over 4 GiB cannot be encoded");
      await sink.write(elementHeader(0x7fe00010, "OB", length));
      for (let index = 0; index < frames; index++) await sink.write(syntheticFrame(index, rows, cols, noise));
    } else {
      await sink.write(elementHeader(0x7fe00010, "OB", 0xffffffff));
      const table = new Uint8Array(options.offsetTable ? frames * 4 : 0);
      const tableView = new DataView(table.buffer);
      let offset = 0;
      for (let index = 0; index < frames && options.offsetTable; index++) {
        if (offset > 0xffffffff) throw new Error("Basic Offset Table overflows 32 bits; write fewer frames");
        tableView.setUint32(index * 4, offset, true);
        offset += itemBytes(index);
      }
      await sink.write(itemHeader(0xe000, table.length));
      await sink.write(table);
      for (let index = 0; index < frames; index++) {
        for (const part of streams[index % streams.length]) {
          await sink.write(itemHeader(0xe000, part.length));
          await sink.write(part);
        }
      }
      await sink.write(itemHeader(0xe0dd, 0));
    }
    await sink.flush();
    file.close();
    await Deno.rename(temp, path);
  } catch (error) {
    try {
      file.close();
    } catch {
      // closed
    }
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  return { frames, bytes: sink.written, transferSyntax };
}

/** JPEG code streams for the first frames, padded to even length and split into fragments. */
async function jpegCycle(
  rows: number,
  cols: number,
  noise: number,
  options: LargeDicomOptions,
): Promise<Uint8Array[][]> {
  const fragments = Math.max(1, options.fragmentsPerFrame ?? 1);
  const cycle: Uint8Array[][] = [];
  for (let index = 0; index < JPEG_CYCLE; index++) {
    const encoded = await sharp(syntheticFrame(index, rows, cols, noise), {
      raw: { width: cols, height: rows, channels: 3 },
    }).jpeg({ quality: options.quality ?? 90, chromaSubsampling: "4:2:0" }).toBuffer();
    const stream = new Uint8Array(encoded.length + (encoded.length % 2));
    stream.set(encoded);
    const partLength = Math.max(2, Math.floor(stream.length / fragments / 2) * 2);
    const parts: Uint8Array[] = [];
    for (let part = 0; part < fragments; part++) {
      const start = part * partLength;
      const end = part === fragments - 1 ? stream.length : start + partLength;
      parts.push(stream.subarray(start, end));
    }
    cycle.push(parts);
  }
  return cycle;
}

/** Accumulates small writes into 4 MiB blocks. */
class BufferedSink {
  written = 0;
  private buffer = new Uint8Array(4 * 2 ** 20);
  private used = 0;
  constructor(private file: Deno.FsFile) {}
  async write(bytes: Uint8Array): Promise<void> {
    if (this.used + bytes.length > this.buffer.length) await this.flush();
    if (bytes.length >= this.buffer.length) {
      await writeAll(this.file, bytes);
    } else {
      this.buffer.set(bytes, this.used);
      this.used += bytes.length;
    }
    this.written += bytes.length;
  }
  async flush(): Promise<void> {
    await writeAll(this.file, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await file.write(bytes.subarray(done));
}

function elementHeader(tag: number, vr: string, length: number): Uint8Array {
  const long = LONG_VRS.has(vr);
  const bytes = new Uint8Array(long ? 12 : 8);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  bytes[4] = vr.charCodeAt(0);
  bytes[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, length, true);
  else view.setUint16(6, length, true);
  return bytes;
}

function itemHeader(element: number, length: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, element, true);
  view.setUint32(4, length, true);
  return bytes;
}

function element(tag: number, vr: string, value: string | number | Uint8Array): Uint8Array {
  let data: Uint8Array;
  if (value instanceof Uint8Array) {
    data = value;
  } else if (typeof value === "number") {
    data = new Uint8Array(2);
    new DataView(data.buffer).setUint16(0, value, true);
  } else {
    data = new TextEncoder().encode(value);
    if (data.length % 2) data = concat([data, new Uint8Array([vr === "UI" ? 0 : 0x20])]);
  }
  return concat([elementHeader(tag, vr, data.length), data]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function header(rows: number, cols: number, frames: number, transferSyntax: string): Uint8Array {
  const instance = `2.25.${BigInt("0x" + crypto.randomUUID().replaceAll("-", ""))}`;
  const meta = concat([
    element(0x00020001, "OB", new Uint8Array([0, 1])),
    element(0x00020002, "UI", US_MULTIFRAME_STORAGE),
    element(0x00020003, "UI", instance),
    element(0x00020010, "UI", transferSyntax),
    element(0x00020012, "UI", "2.25.1"),
  ]);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, meta.length, true);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([
    preamble,
    element(0x00020000, "UL", groupLength),
    meta,
    element(0x00080016, "UI", US_MULTIFRAME_STORAGE),
    element(0x00080018, "UI", instance),
    element(0x00080060, "CS", "US"),
    element(0x00181063, "DS", "33.3"),
    element(0x00280002, "US", 3),
    element(0x00280004, "CS", transferSyntax === JPEG_BASELINE ? "YBR_FULL_422" : "RGB"),
    element(0x00280006, "US", 0),
    element(0x00280008, "IS", String(frames)),
    element(0x00280010, "US", rows),
    element(0x00280011, "US", cols),
    element(0x00280100, "US", 8),
    element(0x00280101, "US", 8),
    element(0x00280102, "US", 7),
    element(0x00280103, "US", 0),
  ]);
}

function parseArgs(args: string[]): { out: string; options: LargeDicomOptions } {
  const value = (name: string) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const number = (name: string) => value(name) === undefined ? undefined : Number(value(name));
  const out = value("out");
  const gib = number("gib");
  const mib = number("mib");
  const frames = number("frames");
  if (!out || (gib === undefined && mib === undefined && frames === undefined)) {
    console.error(
      "usage: make_large_dicom.ts --out FILE (--gib N | --mib N | --frames N) [--jpeg] [--bot] " +
        "[--fragments K] [--rows 600] [--cols 800] [--quality 90] [--noise 24]",
    );
    Deno.exit(2);
  }
  return {
    out,
    options: {
      bytes: gib !== undefined ? gib * 2 ** 30 : mib !== undefined ? mib * 2 ** 20 : undefined,
      frames,
      rows: number("rows"),
      cols: number("cols"),
      jpeg: args.includes("--jpeg"),
      offsetTable: args.includes("--bot"),
      fragmentsPerFrame: number("fragments"),
      quality: number("quality"),
      noise: number("noise"),
    },
  };
}

if (import.meta.main) {
  const { out, options } = parseArgs(Deno.args);
  const started = performance.now();
  const result = await writeLargeDicom(out, options);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(JSON.stringify({ out, ...result, seconds: Number(seconds) }));
}
