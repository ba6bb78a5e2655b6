/**
 * NIfTI as a streaming FrameSource, one frame = one nx × ny slice (frames = nz × nt × ...).
 * Plain .nii slices are read by offset. A .nii.gz is inflated as a stream (node:zlib createGunzip)
 * in order; a backwards request restarts the inflate from the start of the file, so going back to
 * frame k costs inflating everything before it.
 *
 * Voxels are converted by the whole-file reader itself: each chunk of slices is handed to
 * {@link readNifti} behind a copy of the header whose dims describe just that chunk, so sample types,
 * byte order and RGB handling are exactly readNifti's.
 * @module
 */
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { CorruptFileError, UnsupportedFormatError } from "../errors.ts";
import { createVolume, type PixelType, pixelType, type Volume, type VolumeMeta } from "../volume.ts";
import {
  checkFrameBytes,
  checkFrameRange,
  type FrameSource,
  openInputFile,
  readAt,
  type ResolvedFrameSourceOptions,
  serialiser,
} from "./frame_source.ts";
import { type NiftiHeader, readNifti, readNiftiHeader } from "./nifti.ts";

const NIFTI1_HEADER_SIZE = 348;
const NIFTI2_HEADER_SIZE = 540;
/** Enough bytes for either header plus its 4-byte extension flag. */
const HEADER_PROBE_BYTES = NIFTI2_HEADER_SIZE + 4;
/** NIfTI-1 dims are int16: decode at most this many slices per readNifti call. */
const MAX_SLICES_PER_CHUNK = 4096;
/** Raw bytes per readNifti call, bounding its temporary copies. */
const CHUNK_BYTES = 32 * 2 ** 20;

/** Stored bytes per voxel for each datatype code readNifti accepts (nifti1.h). */
const VOXEL_BYTES: Readonly<Record<number, number>> = {
  2: 1,
  4: 2,
  8: 4,
  16: 4,
  64: 8,
  128: 3,
  256: 1,
  512: 2,
  768: 4,
  1024: 8,
  1280: 8,
  2304: 4,
};

/** Sequential access to the decompressed bytes of a .nii.gz. */
interface GzipCursor {
  /** Decompressed bytes consumed so far. */
  position: number;
  /** Fill `target`; returns the bytes filled (short only at the end of the stream). */
  read(target: Uint8Array): Promise<number>;
  close(): void;
}

/**
 * Open a .nii or .nii.gz as a FrameSource with the meta {@link readNifti} gives.
 *
 * @example
 * ```ts
 * const source = await openNiftiFrameSource("example4d.nii.gz", { label: "example4d.nii.gz", maxBytes: 2 ** 32, maxFrameBytes: 2 ** 30 });
 * source.frames; // 48
 * await source.close();
 * ```
 */
export async function openNiftiFrameSource(
  path: string,
  options: ResolvedFrameSourceOptions,
): Promise<FrameSource> {
  const { label, maxBytes } = options;
  const { file, size } = await openInputFile(path, label);
  let cursor: GzipCursor | undefined;
  try {
    const magic = await readAt(file, 0, 2);
    const gzipped = magic.length === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    let headerBytes: Uint8Array;
    if (gzipped) {
      const probe = openGzipCursor(path, label);
      try {
        const buffer = new Uint8Array(HEADER_PROBE_BYTES);
        headerBytes = buffer.subarray(0, await probe.read(buffer));
      } finally {
        probe.close();
      }
    } else {
      headerBytes = await readAt(file, 0, HEADER_PROBE_BYTES);
    }
    // Validates magic, dims, datatype, vox_offset and the declared size against maxBytes.
    const header = readNiftiHeader(headerBytes, { path: label, maxBytes });
    if (header.version === 1 && headerBytes[346] === 0x31 && headerBytes[345] === 0x69) {
      throw new UnsupportedFormatError(
        `${label}: two-file NIfTI (.hdr/.img pair) is not supported; use .nii`,
      );
    }
    const [cols, rows = 1] = header.dim.slice(1, header.dim[0] + 1);
    const frames = header.dim.slice(3, header.dim[0] + 1).reduce((product, extent) => product * extent, 1);
    const sliceBytes = cols * rows * VOXEL_BYTES[header.datatype];
    const end = header.voxOffset + sliceBytes * frames;
    if (!gzipped && size < end) {
      throw new CorruptFileError(
        `${label}: truncated: NIfTI voxel data needs ${end} bytes, the file holds ${size}`,
      );
    }
    const chunkHeader = chunkHeaderTemplate(headerBytes, header);
    const dimsNote = `dims ${header.dim.slice(1, header.dim[0] + 1).join("x")}`;

    /** Raw bytes of slices [start, end), read by offset or from the inflate stream. */
    const rawSlices = async (start: number, stop: number): Promise<Uint8Array> => {
      const wanted = (stop - start) * sliceBytes;
      const at = header.voxOffset + start * sliceBytes;
      if (!gzipped) return await readAt(file, at, wanted);
      if (!cursor || cursor.position > at) {
        cursor?.close();
        cursor = openGzipCursor(path, label);
      }
      if (cursor.position < at) {
        const skip = new Uint8Array(Math.min(at - cursor.position, 4 * 2 ** 20));
        while (cursor.position < at) {
          const step = skip.subarray(0, Math.min(skip.length, at - cursor.position));
          if (await cursor.read(step) < step.length) break;
        }
      }
      const bytes = new Uint8Array(wanted);
      const filled = cursor.position === at ? await cursor.read(bytes) : 0;
      if (filled < wanted) {
        const holds = cursor.position;
        cursor.close();
        cursor = undefined;
        throw new CorruptFileError(
          `${label}: truncated: NIfTI voxel data needs ${end} bytes, the file holds ${holds}`,
        );
      }
      return bytes;
    };

    const decodeChunk = (raw: Uint8Array, count: number): Volume => {
      const mini = new Uint8Array(chunkHeader.length + raw.length);
      mini.set(chunkHeader);
      setDimsForSlices(mini, header, count);
      mini.set(raw, chunkHeader.length);
      return readNifti(mini, { path: label, maxBytes: Number.MAX_SAFE_INTEGER });
    };

    const first = decodeChunk(await rawSlices(0, 1), 1);
    const type: PixelType = pixelType(first.data);
    const meta: VolumeMeta = {
      ...first.meta,
      notes: first.meta.notes?.map((note) => note.startsWith("dims ") ? dimsNote : note),
    };
    checkFrameBytes(first.data.byteLength, options);
    const serial = serialiser();
    let closed = false;
    return {
      frames,
      rows: first.rows,
      cols: first.cols,
      channels: first.channels,
      type,
      meta,
      format: "nifti",
      streaming: true,
      async readFrames(start: number, stop: number): Promise<Volume> {
        checkFrameRange(start, stop, frames);
        return await serial(async () => {
          if (closed) throw new Error(`${label}: frame source is closed`);
          const volume = createVolume({
            frames: stop - start,
            rows: first.rows,
            cols: first.cols,
            channels: first.channels,
            type,
            meta: { ...meta },
          });
          const samplesPerSlice = first.rows * first.cols * first.channels;
          const slicesPerChunk = Math.max(
            1,
            Math.min(MAX_SLICES_PER_CHUNK, Math.floor(CHUNK_BYTES / sliceBytes)),
          );
          for (let at = start; at < stop; at += slicesPerChunk) {
            const count = Math.min(slicesPerChunk, stop - at);
            const chunk = decodeChunk(await rawSlices(at, at + count), count);
            volume.data.set(chunk.data, (at - start) * samplesPerSlice);
          }
          return volume;
        });
      },
      close(): Promise<void> {
        return serial(() => {
          if (!closed) {
            closed = true;
            cursor?.close();
            file.close();
          }
          return Promise.resolve();
        });
      },
    };
  } catch (error) {
    cursor?.close();
    file.close();
    throw error;
  }
}

/** The source header with no extensions and vox_offset right after it, ready for a chunk's dims. */
function chunkHeaderTemplate(headerBytes: Uint8Array, header: NiftiHeader): Uint8Array {
  const headerSize = header.version === 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
  const template = new Uint8Array(headerSize + 4); // the 4 extension-flag bytes stay zero
  template.set(headerBytes.subarray(0, headerSize));
  const view = new DataView(template.buffer);
  if (header.version === 1) view.setFloat32(108, headerSize + 4, header.littleEndian);
  else view.setBigInt64(168, BigInt(headerSize + 4), header.littleEndian);
  return template;
}

/** Rewrite dim[] as (3, nx, ny, count, 1, 1, 1, 1) in a chunk header. */
function setDimsForSlices(bytes: Uint8Array, header: NiftiHeader, count: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [cols, rows = 1] = header.dim.slice(1, header.dim[0] + 1);
  const dims = [3, cols, rows, count, 1, 1, 1, 1];
  dims.forEach((value, index) => {
    if (header.version === 1) view.setInt16(40 + index * 2, value, header.littleEndian);
    else view.setBigInt64(16 + index * 8, BigInt(value), header.littleEndian);
  });
}

/** Inflate a .nii.gz as a stream, pulling only as much as is asked for. */
function openGzipCursor(path: string, label: string): GzipCursor {
  const input = createReadStream(path);
  const gunzip = createGunzip();
  input.on("error", (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  const chunks = gunzip[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  let leftover: Uint8Array | undefined;
  let ended = false;
  const cursor: GzipCursor = {
    position: 0,
    async read(target: Uint8Array): Promise<number> {
      let filled = 0;
      while (filled < target.length && !ended) {
        let chunk = leftover;
        leftover = undefined;
        if (!chunk) {
          let next: IteratorResult<Uint8Array>;
          try {
            next = await chunks.next();
          } catch (error) {
            ended = true;
            const truncated = (error as { code?: string }).code === "Z_BUF_ERROR";
            throw new CorruptFileError(`${label}: ${truncated ? "truncated" : "corrupt"} gzip stream`);
          }
          if (next.done) {
            ended = true;
            break;
          }
          chunk = new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength);
        }
        const take = Math.min(chunk.length, target.length - filled);
        target.set(chunk.subarray(0, take), filled);
        filled += take;
        if (take < chunk.length) leftover = chunk.subarray(take);
      }
      cursor.position += filled;
      return filled;
    },
    close(): void {
      ended = true;
      input.unpipe(gunzip);
      input.destroy();
      gunzip.destroy();
    },
  };
  return cursor;
}
