/**
 * Synthetic echo loops for the benchmark: a phased-array fan of moving speckle with a text banner and a
 * running clock, wrapped as a multi-frame ultrasound DICOM (JPEG baseline via sharp, or uncompressed RGB).
 * @module
 */
import { Buffer } from "node:buffer";
import sharp from "sharp";
import { mulberry32 } from "../fuzz/prng.ts";
import {
  concat,
  dicomFile,
  type Element,
  encapsulate,
  encodeElement,
  TRANSFER_SYNTAX,
} from "./dicom_writer.ts";

/** Shape and encoding of one synthetic loop. */
export interface EchoSpec {
  seed: number;
  frames: number;
  rows: number;
  cols: number;
  compression: "jpeg" | "none";
  /** JPEG quality of the stored frames (default 90). */
  quality?: number;
}

const US_MULTIFRAME = "1.2.840.10008.5.1.4.1.1.3.1";

/**
 * Render frame `index` of a loop as interleaved RGB (rows × cols × 3), banner text included.
 *
 * @example
 * ```ts
 * const rgb = await echoFrame({ seed: 1, frames: 40, rows: 600, cols: 800, compression: "jpeg" }, 0);
 * rgb.length; // 1440000
 * ```
 */
export async function echoFrame(spec: EchoSpec, index: number): Promise<Uint8Array> {
  const { rows, cols } = spec;
  const random = mulberry32(spec.seed * 1000 + index);
  const apexX = cols / 2, apexY = rows * 0.1, radius = rows * 0.85, halfAngle = (40 * Math.PI) / 180;
  // Speckle on a half-resolution grid: real speckle is correlated over a few pixels, and this keeps
  // the JPEG sizes close to those of clinical loops.
  const gridCols = Math.ceil(cols / 2), gridRows = Math.ceil(rows / 2);
  const speckle = new Float32Array(gridCols * gridRows);
  for (let i = 0; i < speckle.length; i++) speckle[i] = Math.sqrt(-2 * Math.log(1 - random.next()));
  const phase = (2 * Math.PI * index) / 20;
  const gray = new Uint8Array(rows * cols * 3);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const dx = x - apexX, dy = y - apexY;
      const r = Math.hypot(dx, dy);
      if (dy <= 0 || r > radius || Math.abs(Math.atan2(dx, dy)) > halfAngle) continue;
      // A moving "wall" band and a dark chamber give the anatomy that changes from frame to frame.
      const wall = Math.exp(-(((r - radius * (0.55 + 0.05 * Math.sin(phase))) / 25) ** 2));
      const tissue = 0.25 + 0.9 * wall + 0.15 * Math.sin(r / 30 + Math.atan2(dx, dy) * 6);
      const value = 70 * tissue * speckle[(y >> 1) * gridCols + (x >> 1)];
      const level = value > 255 ? 255 : value;
      const offset = (y * cols + x) * 3;
      gray[offset] = gray[offset + 1] = gray[offset + 2] = level;
    }
  }
  const seconds = 56 + Math.floor(index / 30);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${cols}" height="${rows}">` +
    `<g font-family="DejaVu Sans" font-size="16" fill="#ffffff">` +
    `<text x="10" y="22">BENCH^SYNTHETIC  ID 00012345</text>` +
    `<text x="${cols - 230}" y="22">05/25/2011  2:56:${seconds} PM</text>` +
    `<text x="10" y="${rows - 12}">P3 4.0MHz  Depth 16cm  65bpm</text></g></svg>`;
  const out = await sharp(gray, { raw: { width: cols, height: rows, channels: 3 } })
    .composite([{ input: Buffer.from(svg) }])
    .removeAlpha()
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Build the whole DICOM file in memory.
 *
 * @example
 * ```ts
 * const bytes = await echoDicom({ seed: 1, frames: 4, rows: 120, cols: 160, compression: "jpeg" });
 * ```
 */
export async function echoDicom(spec: EchoSpec): Promise<Uint8Array> {
  const frames: Uint8Array[] = [];
  for (let index = 0; index < spec.frames; index++) {
    const rgb = await echoFrame(spec, index);
    if (spec.compression === "none") {
      frames.push(rgb);
      continue;
    }
    const jpeg = await sharp(rgb, { raw: { width: spec.cols, height: spec.rows, channels: 3 } })
      .jpeg({ quality: spec.quality ?? 90, chromaSubsampling: "4:2:0" })
      .toBuffer();
    frames.push(new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength));
  }
  const uid = `1.2.826.0.1.3680043.10.1234.2.${spec.seed}`;
  const jpeg = spec.compression === "jpeg";
  const dataset: Element[] = [
    { tag: [0x0008, 0x0016], vr: "UI", value: US_MULTIFRAME },
    { tag: [0x0008, 0x0018], vr: "UI", value: uid },
    { tag: [0x0008, 0x0060], vr: "CS", value: "US" },
    { tag: [0x0010, 0x0010], vr: "PN", value: "BENCH^SYNTHETIC" },
    { tag: [0x0010, 0x0020], vr: "LO", value: "00012345" },
    { tag: [0x0018, 0x1063], vr: "DS", value: "33.3" },
    { tag: [0x0028, 0x0002], vr: "US", value: [3] },
    { tag: [0x0028, 0x0004], vr: "CS", value: jpeg ? "YBR_FULL_422" : "RGB" },
    { tag: [0x0028, 0x0006], vr: "US", value: [0] },
    { tag: [0x0028, 0x0008], vr: "IS", value: String(spec.frames) },
    { tag: [0x0028, 0x0010], vr: "US", value: [spec.rows] },
    { tag: [0x0028, 0x0011], vr: "US", value: [spec.cols] },
    { tag: [0x0028, 0x0100], vr: "US", value: [8] },
    { tag: [0x0028, 0x0101], vr: "US", value: [8] },
    { tag: [0x0028, 0x0102], vr: "US", value: [7] },
    { tag: [0x0028, 0x0103], vr: "US", value: [0] },
  ];
  const pixelData = jpeg
    ? encapsulate(frames)
    : encodeElement({ tag: [0x7fe0, 0x0010], vr: "OB", value: concat(frames) });
  const syntax = jpeg ? TRANSFER_SYNTAX.jpegBaseline : TRANSFER_SYNTAX.explicitLittle;
  return dicomFile(US_MULTIFRAME, uid, syntax, dataset, pixelData);
}

/**
 * Write a loop to `path` (temporary name, then rename) and return its size in bytes.
 *
 * @example
 * ```ts
 * await writeEchoDicom("/tmp/echo.dcm", { seed: 1, frames: 40, rows: 600, cols: 800, compression: "jpeg" });
 * ```
 */
export async function writeEchoDicom(path: string, spec: EchoSpec): Promise<number> {
  const bytes = await echoDicom(spec);
  await Deno.writeFile(`${path}.tmp`, bytes);
  await Deno.rename(`${path}.tmp`, path);
  return bytes.length;
}
