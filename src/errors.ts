/**
 * One error class per failure family. The batch turns each into one `skipped_files.log` line:
 * path, tab, class name, tab, reason. Messages never carry header values or recognised text.
 * @module
 */

/** Base class: `kind` is what goes into the log's second column. */
export class LogikError extends Error {
  /** Failure family, e.g. "UnsupportedFormat". */
  readonly kind: string = "LogikError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = this.constructor.name;
  }
}

/**
 * The content is not a format we read (or a transfer syntax / codec we lack).
 *
 * @example
 * ```ts
 * throw new UnsupportedFormatError("scan.bin: not DICOM, NIfTI, video or image (no known signature)");
 * ```
 */
export class UnsupportedFormatError extends LogikError {
  override readonly kind = "UnsupportedFormat";
}

/**
 * The file claims a format but its bytes are broken (truncated, bad lengths, undecodable codestream).
 *
 * @example
 * ```ts
 * throw new CorruptFileError("a.dcm: pixel data is 8130 bytes, 8192 expected");
 * ```
 */
export class CorruptFileError extends LogikError {
  override readonly kind = "CorruptFile";
}

/**
 * The declared pixel size exceeds the allowed maximum; refused before allocating.
 *
 * @example
 * ```ts
 * throw new TooLargeError("big.dcm: 6.1 GiB of pixels exceeds --max-bytes 4 GiB");
 * ```
 */
export class TooLargeError extends LogikError {
  override readonly kind = "TooLarge";
}

/**
 * No region of interest could be found.
 *
 * @example
 * ```ts
 * throw new NoRoiError("all-black frame");
 * ```
 */
export class NoRoiError extends LogikError {
  override readonly kind = "NoRoi";
}

/**
 * The file system refused: permissions, not a regular file, symlink loop.
 *
 * @example
 * ```ts
 * throw new ReadError("locked.dcm: permission denied");
 * ```
 */
export class ReadError extends LogikError {
  override readonly kind = "ReadError";
}

/**
 * Error class name for a log line; unknown errors are "InternalError".
 *
 * @example
 * ```ts
 * errorKind(new CorruptFileError("x")); // "CorruptFile"
 * ```
 */
export function errorKind(error: unknown): string {
  return error instanceof LogikError ? error.kind : "InternalError";
}

/**
 * The first line of an error's message, at most 300 characters: what a log line or a skip reason
 * carries (one line, so that tab-separated logs stay one record per file).
 *
 * @example
 * ```ts
 * errorLine(new CorruptFileError("a.dcm: frame 3 does not decode\nat decodeJpeg")); // "a.dcm: frame 3 does not decode"
 * ```
 */
export function errorLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0].slice(0, 300);
}
