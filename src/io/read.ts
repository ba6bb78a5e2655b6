/**
 * Read any supported file into a Volume. The format is sniffed from the content, never the extension;
 * files that match no signature are tried as DICOM (many archives hold extension-less DICOM).
 * @module
 */
import { readToEnd } from "./read_to_end.ts";
import { CorruptFileError, ReadError, UnsupportedFormatError } from "../errors.ts";
import type { Volume } from "../volume.ts";
import { looksLikeDicom, readDicom } from "./dicom/read_dicom.ts";
import { looksLikeImage, readImage } from "./image.ts";
import { looksLikeNifti, readNifti } from "./nifti.ts";
import { looksLikeVideo, readVideo } from "./video.ts";

/** Default refusal threshold for declared pixel bytes: 4 GiB. */
export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;

/** Options shared by every reader. */
export interface ReadOptions {
  /** Refuse inputs whose declared pixel data exceeds this many bytes. */
  maxBytes?: number;
  /** The path as the user gave it: the only identifying thing an error may mention. */
  label?: string;
}

/** Which reader a file's bytes belong to. */
export type SniffedFormat = "dicom" | "nifti" | "video" | "image" | "unknown";

/**
 * Guess the format from the first bytes.
 *
 * @example
 * ```ts
 * sniffFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])); // "image"
 * ```
 */
export function sniffFormat(bytes: Uint8Array): SniffedFormat {
  if (looksLikeDicom(bytes)) return "dicom";
  if (looksLikeNifti(bytes)) return "nifti";
  if (looksLikeVideo(bytes)) return "video";
  if (looksLikeImage(bytes)) return "image";
  return "unknown";
}

/**
 * Read a file from disk into a Volume, turning file-system failures into ReadError.
 *
 * @example
 * ```ts
 * const volume = await readVolume("../shared/data/public/dicom/US1_UNCR.dcm");
 * volume.channels; // 3
 * ```
 */
export async function readVolume(path: string, options: ReadOptions = {}): Promise<Volume> {
  const label = options.label ?? path;
  const bytes = await readInputBytes(path, label);
  return await decodeVolume(bytes, path, { ...options, label });
}

/**
 * Read the raw bytes of an input file with specific, PHI-free failure reasons.
 *
 * @example
 * ```ts
 * const bytes = await readInputBytes("../shared/data/public/dicom/CT_small.dcm", "CT_small.dcm");
 * ```
 */
export async function readInputBytes(path: string, label: string): Promise<Uint8Array> {
  const { file, size } = await openInputFile(path, label);
  try {
    return await readToEnd(file, size);
  } catch (error) {
    throw fileSystemError(error, label);
  } finally {
    file.close();
  }
}

/**
 * Open a regular, non-empty file for reading, with PHI-free failure reasons naming only `label`.
 *
 * @example
 * ```ts
 * const { file, size } = await openInputFile("../shared/data/public/dicom/CT_small.dcm", "CT_small.dcm");
 * file.close();
 * ```
 */
export async function openInputFile(
  path: string,
  label: string,
): Promise<{ file: Deno.FsFile; size: number }> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    throw fileSystemError(error, label);
  }
  if (info.isDirectory) throw new ReadError(`${label}: is a directory, not a file`);
  if (!info.isFile) throw new ReadError(`${label}: not a regular file`);
  if (info.size === 0) throw new CorruptFileError(`${label}: empty file (0 bytes)`);
  try {
    return { file: await Deno.open(path, { read: true }), size: info.size };
  } catch (error) {
    throw fileSystemError(error, label);
  }
}

/**
 * Decode bytes already in memory. `path` is needed for video, which ffmpeg reads from disk.
 *
 * @example
 * ```ts
 * const bytes = await Deno.readFile("../shared/data/public/dicom/MR_small.dcm");
 * const volume = await decodeVolume(bytes, "../shared/data/public/dicom/MR_small.dcm");
 * ```
 */
export async function decodeVolume(
  bytes: Uint8Array,
  path: string,
  options: ReadOptions = {},
): Promise<Volume> {
  const label = options.label ?? path;
  const readerOptions = { path: label, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES };
  const format = sniffFormat(bytes);
  switch (format) {
    case "dicom":
      return await readDicom(bytes, readerOptions);
    case "nifti":
      return readNifti(bytes, readerOptions);
    case "video":
      return await readVideo(path, readerOptions);
    case "image":
      return await readImage(bytes, readerOptions);
    default:
      return await tryAsDicom(bytes, readerOptions);
  }
}

async function tryAsDicom(bytes: Uint8Array, options: { path: string; maxBytes: number }): Promise<Volume> {
  try {
    return await readDicom(bytes, options);
  } catch (error) {
    if (error instanceof UnsupportedFormatError || error instanceof CorruptFileError) {
      throw new UnsupportedFormatError(
        `${options.path}: not DICOM, NIfTI, video or a still image (no known signature; as DICOM: ${
          reasonOf(error, options.path)
        })`,
      );
    }
    throw error;
  }
}

function reasonOf(error: Error, label: string): string {
  return error.message.startsWith(`${label}: `) ? error.message.slice(label.length + 2) : error.message;
}

/**
 * Map a file-system failure to a ReadError that names only `label`.
 *
 * @example
 * ```ts
 * fileSystemError(new Deno.errors.PermissionDenied(), "a.dcm").message; // "a.dcm: permission denied"
 * ```
 */
export function fileSystemError(error: unknown, label: string): ReadError {
  if (error instanceof Deno.errors.PermissionDenied) return new ReadError(`${label}: permission denied`);
  if (error instanceof Deno.errors.NotFound) return new ReadError(`${label}: no such file`);
  if (error instanceof Deno.errors.FilesystemLoop) return new ReadError(`${label}: symbolic link loop`);
  const code = (error as { code?: string }).code;
  if (code === "ELOOP") return new ReadError(`${label}: symbolic link loop`);
  if (code === "EISDIR") return new ReadError(`${label}: is a directory, not a file`);
  return new ReadError(`${label}: cannot read (${code ?? (error as Error).name})`);
}
