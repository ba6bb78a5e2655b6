/**
 * The one in-memory image type: frames × rows × cols × channels over one typed array.
 * @module
 */

/** Sample storage a Volume may use. */
export type PixelArray = Uint8Array | Uint16Array | Int16Array | Float32Array;

/** One item of the DICOM Sequence of Ultrasound Regions (0018,6011), in pixel coordinates. */
export interface UltrasoundRegion {
  /** RegionLocationMinX0, MinY0, MaxX1, MaxY1: inclusive pixel bounds. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** RegionSpatialFormat (1 = 2D, 2 = M-mode, 3 = spectral, 4 = waveform...). */
  spatialFormat?: number;
  /** RegionDataType (1 = tissue, 2 = colour flow...). */
  dataType?: number;
  /** ReferencePixelX0/Y0 when present (often the sector apex). */
  referencePixelX0?: number;
  referencePixelY0?: number;
  physicalDeltaX?: number;
  physicalDeltaY?: number;
}

/** Where the pixels came from and how to show them. */
export interface VolumeMeta {
  format: "dicom" | "nifti" | "video" | "image";
  /** DICOM photometric interpretation after decoding (e.g. "RGB", "MONOCHROME2"). */
  photometric?: string;
  /** Photometric interpretation as stored in the source, before colour conversion. */
  sourcePhotometric?: string;
  bitsStored?: number;
  /** True when the stored samples are signed (DICOM PixelRepresentation 1). */
  signed?: boolean;
  rescaleSlope?: number;
  rescaleIntercept?: number;
  windowCenter?: number;
  windowWidth?: number;
  /** Row spacing, column spacing in mm. */
  pixelSpacing?: [number, number];
  /** Milliseconds between frames. */
  frameTimeMs?: number;
  /** Frames per second. */
  frameRate?: number;
  ultrasoundRegions?: UltrasoundRegion[];
  transferSyntax?: string;
  modality?: string;
  /** Extra reader-specific facts safe to log (never header PHI). */
  notes?: string[];
}

/** A stack of frames sharing one typed array, frame-major then row, col, channel (interleaved). */
export interface Volume {
  frames: number;
  rows: number;
  cols: number;
  channels: 1 | 3;
  data: PixelArray;
  meta: VolumeMeta;
}

/** Constructors for each PixelArray type, keyed by name. */
export type PixelType = "uint8" | "uint16" | "int16" | "float32";

/**
 * Allocate a zeroed Volume.
 *
 * @example
 * ```ts
 * const volume = createVolume({ frames: 2, rows: 4, cols: 5, channels: 3, type: "uint8", meta: { format: "image" } });
 * volume.data.length; // 120
 * ```
 */
export function createVolume(
  shape: { frames: number; rows: number; cols: number; channels: 1 | 3; type: PixelType; meta: VolumeMeta },
): Volume {
  const length = shape.frames * shape.rows * shape.cols * shape.channels;
  const data = shape.type === "uint8"
    ? new Uint8Array(length)
    : shape.type === "uint16"
    ? new Uint16Array(length)
    : shape.type === "int16"
    ? new Int16Array(length)
    : new Float32Array(length);
  return {
    frames: shape.frames,
    rows: shape.rows,
    cols: shape.cols,
    channels: shape.channels,
    data,
    meta: shape.meta,
  };
}

/** Number of samples in one frame. */
export function frameLength(volume: Volume): number {
  return volume.rows * volume.cols * volume.channels;
}

/**
 * A view (no copy) of one frame's samples.
 *
 * @example
 * ```ts
 * const volume = createVolume({ frames: 2, rows: 2, cols: 2, channels: 1, type: "uint8", meta: { format: "image" } });
 * frameView(volume, 1).length; // 4
 * ```
 */
export function frameView(volume: Volume, index: number): PixelArray {
  const size = frameLength(volume);
  return volume.data.subarray(index * size, (index + 1) * size);
}

/** Name of the typed array a Volume uses. */
export function pixelType(data: PixelArray): PixelType {
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Int16Array) return "int16";
  return "float32";
}

/** One 8-bit frame, interleaved channels: what OCR, ROI and the JPEG writer work on. */
export interface Frame8 {
  rows: number;
  cols: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** A binary mask at frame size: 1 = inside, 0 = outside. */
export interface Mask {
  rows: number;
  cols: number;
  data: Uint8Array;
}

/** An axis-aligned box in source pixel coordinates. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * A copy-free Frame8 for one frame of an 8-bit Volume.
 *
 * @example
 * ```ts
 * const volume = createVolume({ frames: 1, rows: 2, cols: 2, channels: 3, type: "uint8", meta: { format: "image" } });
 * frame8(volume, 0).data.length; // 12
 * ```
 */
export function frame8(volume: Volume, index: number): Frame8 {
  if (!(volume.data instanceof Uint8Array)) {
    throw new TypeError("frame8 needs an 8-bit volume; use toDisplay8 first");
  }
  return {
    rows: volume.rows,
    cols: volume.cols,
    channels: volume.channels,
    data: frameView(volume, index) as Uint8Array,
  };
}
