/**
 * Read and write throughput of the I/O layer alone: `readVolume` and `encodeFrame` (JPEG q95, PNG).
 * @module
 */
import { toDisplay8 } from "../../src/display.ts";
import { encodeFrame } from "../../src/io/image.ts";
import { readVolume } from "../../src/io/read.ts";
import { frameLength, type Volume } from "../../src/volume.ts";

/** Throughput of one read or write measurement. */
export interface Throughput {
  frames: number;
  seconds: number;
  framesPerSecond: number;
  /** Decoded (read) or encoded-from (write) pixel megabytes per second. */
  pixelMBps: number;
  /** Compressed megabytes per second: file bytes read, or encoded bytes produced. */
  fileMBps: number;
  repetitions: number;
}

const MB = 1024 * 1024;

/**
 * Read `file` `repetitions` times with `readVolume`.
 *
 * @example
 * ```ts
 * const result = await benchRead("../shared/data/public/dicom/CT1_JPLL.dcm", 5);
 * ```
 */
export async function benchRead(file: string, repetitions: number): Promise<Throughput & { shape: string }> {
  const fileBytes = (await Deno.stat(file)).size;
  let volume: Volume | null = null;
  const started = performance.now();
  for (let rep = 0; rep < repetitions; rep++) volume = await readVolume(file);
  const seconds = (performance.now() - started) / 1000;
  const v = volume!;
  const frames = v.frames * repetitions;
  const pixelBytes = v.data.byteLength * repetitions;
  return {
    shape: `${v.frames}x${v.rows}x${v.cols}x${v.channels} ${v.data.constructor.name}`,
    ...throughput(frames, seconds, pixelBytes, fileBytes * repetitions, repetitions),
  };
}

/**
 * Encode every frame of `file` (after 8-bit display conversion) `repetitions` times.
 *
 * @example
 * ```ts
 * const result = await benchWrite("../shared/data/public/dicom/CT1_JPLL.dcm", "jpeg", 5);
 * ```
 */
export async function benchWrite(
  file: string,
  format: "jpeg" | "png",
  repetitions: number,
): Promise<Throughput & { bytesPerFrame: number }> {
  const display = toDisplay8(await readVolume(file));
  const length = frameLength(display);
  let encodedBytes = 0;
  const started = performance.now();
  for (let rep = 0; rep < repetitions; rep++) {
    for (let index = 0; index < display.frames; index++) {
      const data = (display.data as Uint8Array).subarray(index * length, (index + 1) * length);
      const encoded = await encodeFrame(
        { rows: display.rows, cols: display.cols, channels: display.channels, data },
        format,
        { quality: 95 },
      );
      encodedBytes += encoded.length;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const frames = display.frames * repetitions;
  return {
    bytesPerFrame: Math.round(encodedBytes / frames),
    ...throughput(frames, seconds, length * frames, encodedBytes, repetitions),
  };
}

function throughput(
  frames: number,
  seconds: number,
  pixelBytes: number,
  fileBytes: number,
  repetitions: number,
): Throughput {
  return {
    frames,
    seconds: round(seconds, 3),
    framesPerSecond: round(frames / seconds, 2),
    pixelMBps: round(pixelBytes / MB / seconds, 2),
    fileMBps: round(fileBytes / MB / seconds, 2),
    repetitions,
  };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
