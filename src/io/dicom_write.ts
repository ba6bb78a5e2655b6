/**
 * `--format dicom`: one de-identified DICOM from the source file's header and the processed pixels.
 * Header per PS3.15 Annex E (src/phi/deid_header.ts); image attributes rewritten to match the processed
 * Volume (crop, frames, samples, bits, colour); Pixel Data in HTJ2K / JPEG-LS / JPEG baseline / raw.
 * @module
 */

import dcmjs from "dcmjs";
import { createHash } from "node:crypto";
import type { Box, Volume } from "../volume.ts";
import { CorruptFileError, UnsupportedFormatError } from "../errors.ts";
import {
  deidentifyHeader,
  type DicomDataset,
  type DicomElement,
  type HeaderAction,
} from "../phi/deid_header.ts";
import { remapUid } from "../phi/uid_remap.ts";
import { elementStructureProblem } from "../phi/dicom_structure.ts";
import { type DicomCodec, type EncodedPixelData, encodePixelData } from "./dicom_encode/encode_pixel_data.ts";

/** What the pipeline did to the pixels. */
export interface ProcessedPixels {
  /** Processed pixels: cropped, text-blanked; 8- or 16-bit, 1 or 3 channels (RGB, interleaved). */
  volume: Volume;
  /** Crop in source pixel coordinates, or null when not cropped. */
  crop: Box | null;
  /** True when the burned-in text step ran on every frame. */
  textRemoved: boolean;
}

/** Output choices. */
export interface DicomWriteOptions {
  /** Site secret: keys UID remapping and the date shift. */
  siteKey: string;
  /** Pixel encoding; "lossless" picks the smaller of HTJ2K and JPEG-LS. Default "htj2k". */
  codec?: DicomCodec | "lossless";
  /** JPEG quality (1-100), default 95. */
  quality?: number;
  /** Retain Longitudinal Temporal Information with Modified Dates. */
  retainDates?: boolean;
  retainDeviceIdentity?: boolean;
  retainPatientCharacteristics?: boolean;
  /** Private elements to keep, as "GGGG,Private Creator,EE". */
  retainSafePrivate?: string[];
  /** Name used in error messages (the input path as given). */
  sourceName?: string;
}

/** The written file and its report. */
export interface DeidentifiedDicom {
  bytes: Uint8Array;
  /** Rows for header_actions.csv: tag path, name, action. Never a value. */
  actions: HeaderAction[];
  codec: DicomCodec;
  transferSyntax: string;
  lossy: boolean;
}

const SOURCE_BIG_ENDIAN = "1.2.840.10008.1.2.2";
const IMPLEMENTATION_VERSION = "LOGIK_0.1.0";
const IMPLEMENTATION_CLASS_UID = remapUid("logik-implementation", "logik");

const DEID_CODES: Record<string, string> = {
  "113100": "Basic Application Confidentiality Profile",
  "113101": "Clean Pixel Data Option",
  "113106": "Retain Longitudinal Temporal Information Modified Dates Option",
  "113108": "Retain Patient Characteristics Option",
  "113109": "Retain Device Identity Option",
  "113111": "Retain Safe Private Option",
};

const PALETTE_TAGS = [
  "00281101",
  "00281102",
  "00281103",
  "00281104",
  "00281199",
  "00281201",
  "00281202",
  "00281203",
  "00281204",
  "00281214",
  "00281221",
  "00281222",
  "00281223",
  "00281224",
  "00281225",
  "00281226",
];
const MODALITY_VOI_TAGS = [
  "00281050",
  "00281051",
  "00281052",
  "00281053",
  "00281054",
  "00281055",
  "00283000",
  "00283010",
];

/**
 * De-identify a DICOM file's header and re-encode the processed pixels into a new DICOM Part 10 file.
 * Throws CorruptFileError when the source cannot be parsed completely (the file is then skipped).
 *
 * @example
 * ```ts
 * const source = await Deno.readFile("in.dcm");
 * const { bytes, actions } = await deidentifyDicom(source, { volume, crop: null, textRemoved: true }, { siteKey: "secret" });
 * ```
 */
export async function deidentifyDicom(
  sourceBytes: Uint8Array,
  processed: ProcessedPixels,
  options: DicomWriteOptions,
): Promise<DeidentifiedDicom> {
  const name = options.sourceName ?? "input";
  const source = readSource(sourceBytes, name);
  const sourceSyntax = String(source.meta["00020010"]?.Value?.[0] ?? "").trim();
  if (sourceSyntax === SOURCE_BIG_ENDIAN) swapOtherWords(source.dict);
  const sourceBitsAllocated = Number(source.dict["00280100"]?.Value?.[0] ?? 0);
  const { dataset, actions } = deidentifyHeader(source.dict, {
    siteKey: options.siteKey,
    retainDates: options.retainDates,
    retainDeviceIdentity: options.retainDeviceIdentity,
    retainPatientCharacteristics: options.retainPatientCharacteristics,
    retainSafePrivate: options.retainSafePrivate,
  });

  const { volume } = processed;
  if (volume.data instanceof Float32Array) {
    throw new UnsupportedFormatError(`${name}: DICOM output needs 8- or 16-bit samples, got float32`);
  }
  const sourcePhotometric = String(source.dict["00280004"]?.Value?.[0] ?? "").trim();
  const grey = greyPhotometric(volume, sourcePhotometric);
  let encoded: EncodedPixelData;
  try {
    encoded = await encodePixelData(volume, options.codec ?? "htj2k", {
      quality: options.quality,
      photometric: grey,
      bitsStored: volume.meta.bitsStored,
    });
  } catch (error) {
    if (error instanceof TypeError) throw new UnsupportedFormatError(`${name}: ${error.message}`);
    throw error;
  }

  setImageAttributes(dataset, volume, encoded, sourceBitsAllocated);
  if (processed.crop) adjustForCrop(dataset, processed.crop, volume);
  setIdentityAttributes(dataset, processed, options, encoded);
  dataset["7FE00010"] = {
    vr: encoded.encapsulated || encoded.bitsAllocated === 8 ? "OB" : "OW",
    Value: encoded.fragments.map(toArrayBuffer),
  };

  const meta = fileMeta(dataset, encoded.transferSyntax, sourceBytes, options.siteKey);
  const file = new dcmjs.data.DicomDict(meta);
  file.dict = dataset;
  const buffer: ArrayBuffer = file.write({ fragmentMultiframe: false, allowInvalidVRLength: true });
  return {
    bytes: new Uint8Array(buffer),
    actions,
    codec: encoded.codec,
    transferSyntax: encoded.transferSyntax,
    lossy: encoded.lossy,
  };
}

interface SourceFile {
  meta: DicomDataset;
  dict: DicomDataset;
}

/** Parse with dcmjs; any parse failure or truncation warning means the file is skipped. */
function readSource(bytes: Uint8Array, name: string): SourceFile {
  const validation = dcmjs.log.getLogger("validation.dcmjs");
  const structure = elementStructureProblem(bytes);
  if (structure) throw new CorruptFileError(`${name}: ${structure}`);
  const problems: string[] = [];
  const saved = { warn: validation.warn, error: validation.error };
  validation.warn = (...args: unknown[]) => void problems.push(args.map(String).join(" "));
  validation.error = (...args: unknown[]) => void problems.push(args.map(String).join(" "));
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const parsed = dcmjs.data.DicomMessage.readFile(buffer, { ignoreErrors: false }) as SourceFile;
    const truncated = problems.find((problem) => /declares \d+ bytes but only/.test(problem));
    if (truncated) throw new CorruptFileError(`${name}: an element is truncated (${safeReason(truncated)})`);
    return parsed;
  } catch (error) {
    if (error instanceof CorruptFileError) throw error;
    throw new CorruptFileError(`${name}: DICOM header cannot be parsed (${safeReason(String(error))})`);
  } finally {
    validation.warn = saved.warn;
    validation.error = saved.error;
  }
}

/** Parser messages are about structure, but keep only plain words and numbers so no value can slip through. */
function safeReason(message: string): string {
  return message.replace(/^Error:\s*/, "").replace(/[^\w\s.,:()\-]/g, "").slice(0, 120);
}

/** Big-endian sources: dcmjs leaves OW/OF/OL/OD bytes in file order; the output is little endian. */
function swapOtherWords(dataset: DicomDataset) {
  const widths: Record<string, number> = { OW: 2, OF: 4, OL: 4, OD: 8, OV: 8 };
  for (const [tag, element] of Object.entries(dataset)) {
    if (tag === "7FE00010") continue;
    if (element.vr === "SQ") {
      for (const item of (element.Value ?? []) as DicomDataset[]) swapOtherWords(item ?? {});
      continue;
    }
    const width = widths[element.vr];
    if (!width) continue;
    for (const part of element.Value ?? []) {
      if (!(part instanceof ArrayBuffer)) continue;
      const bytes = new Uint8Array(part);
      for (let i = 0; i + width <= bytes.length; i += width) bytes.subarray(i, i + width).reverse();
    }
    delete element._rawValue;
  }
}

function greyPhotometric(volume: Volume, sourcePhotometric: string): string {
  const candidate = (volume.meta.photometric ?? sourcePhotometric).toUpperCase();
  return ["MONOCHROME1", "MONOCHROME2", "PALETTE COLOR"].includes(candidate) ? candidate : "MONOCHROME2";
}

const us = (value: number): DicomElement => ({ vr: "US", Value: [value] });
const text = (vr: string, ...values: string[]): DicomElement => ({ vr, Value: values });

function setImageAttributes(
  dataset: DicomDataset,
  volume: Volume,
  encoded: EncodedPixelData,
  sourceBits: number,
) {
  dataset["00280010"] = us(volume.rows);
  dataset["00280011"] = us(volume.cols);
  dataset["00280002"] = us(volume.channels);
  dataset["00280004"] = text("CS", encoded.photometric);
  if (volume.channels === 3) dataset["00280006"] = us(0);
  else delete dataset["00280006"];
  dataset["00280100"] = us(encoded.bitsAllocated);
  dataset["00280101"] = us(encoded.bitsStored);
  dataset["00280102"] = us(encoded.bitsStored - 1);
  dataset["00280103"] = us(encoded.signed ? 1 : 0);
  if (volume.frames > 1 || dataset["00280008"]) dataset["00280008"] = text("IS", String(volume.frames));
  const perFrame = dataset["52009230"]?.Value;
  if (perFrame && perFrame.length > volume.frames) perFrame.length = volume.frames;
  if (volume.channels === 3) { for (const tag of PALETTE_TAGS) delete dataset[tag]; }
  // Pixels reduced to 8-bit display values no longer follow the source's rescale or window.
  if (sourceBits > 8 && encoded.bitsAllocated === 8) {
    for (const tag of MODALITY_VOI_TAGS) delete dataset[tag];
  }
  // Padding and smallest/largest pixel values refer to the old samples.
  for (const tag of ["00280106", "00280107", "00280108", "00280109", "00280120", "00280121"]) {
    delete dataset[tag];
  }
  const imageType = dataset["00080008"]?.Value as string[] | undefined;
  if (imageType?.length) dataset["00080008"] = text("CS", "DERIVED", ...imageType.slice(1).map(String));
  if (encoded.lossy) {
    const ratio = encoded.rawBytes /
      Math.max(1, encoded.fragments.reduce((sum, part) => sum + part.length, 0));
    dataset["00282110"] = text("CS", "01");
    dataset["00282112"] = text("DS", ratio.toFixed(2));
    dataset["00282114"] = text("CS", "ISO_10918_1");
  }
}

/** Shift pixel-space geometry by the crop: ultrasound regions and patient-space plane positions. */
function adjustForCrop(dataset: DicomDataset, crop: Box, volume: Volume) {
  const regions = dataset["00186011"];
  if (regions?.Value) {
    const kept = (regions.Value as DicomDataset[]).map((item) => cropRegion(item, crop, volume)).filter((
      item,
    ) => item !== undefined);
    if (kept.length) dataset["00186011"] = { vr: "SQ", Value: kept };
    else delete dataset["00186011"];
  }
  const orientation = numbers(dataset["00200037"]);
  const spacing = numbers(dataset["00280030"]);
  if (dataset["00200032"] && orientation.length === 6 && spacing.length === 2) {
    dataset["00200032"] = shiftedPosition(dataset["00200032"], orientation, spacing, crop);
  }
  const shared = (dataset["52009229"]?.Value?.[0] ?? {}) as DicomDataset;
  for (const frame of (dataset["52009230"]?.Value ?? []) as DicomDataset[]) {
    const position = (frame["00209113"]?.Value?.[0] ?? undefined) as DicomDataset | undefined;
    if (!position?.["00200032"]) continue;
    const frameOrientation = numbers(groupItem(frame, shared, "00209116")?.["00200037"]);
    const frameSpacing = numbers(groupItem(frame, shared, "00289110")?.["00280030"]);
    if (frameOrientation.length === 6 && frameSpacing.length === 2) {
      position["00200032"] = shiftedPosition(position["00200032"], frameOrientation, frameSpacing, crop);
    }
  }
}

function groupItem(frame: DicomDataset, shared: DicomDataset, tag: string): DicomDataset | undefined {
  return (frame[tag]?.Value?.[0] ?? shared[tag]?.Value?.[0]) as DicomDataset | undefined;
}

function numbers(element: DicomElement | undefined): number[] {
  return (element?.Value ?? []).map(Number).filter(Number.isFinite);
}

function shiftedPosition(
  element: DicomElement,
  orientation: number[],
  spacing: number[],
  crop: Box,
): DicomElement {
  const position = numbers(element);
  if (position.length !== 3) return element;
  // Column index moves along the row direction cosines by column spacing, row index along the column cosines.
  const moved = position.map((value, axis) =>
    value + crop.x * spacing[1] * orientation[axis] + crop.y * spacing[0] * orientation[3 + axis]
  );
  return { vr: "DS", Value: moved.map((value) => Number(value.toPrecision(10)).toString()) };
}

function cropRegion(item: DicomDataset, crop: Box, volume: Volume): DicomDataset | undefined {
  const get = (tag: string) => Number(item[tag]?.Value?.[0]);
  const x0 = get("00186018") - crop.x, y0 = get("0018601A") - crop.y;
  const x1 = get("0018601C") - crop.x, y1 = get("0018601E") - crop.y;
  if (![x0, y0, x1, y1].every(Number.isFinite)) return undefined;
  if (x1 < 0 || y1 < 0 || x0 > volume.cols - 1 || y0 > volume.rows - 1) return undefined;
  const clippedX0 = Math.max(0, x0), clippedY0 = Math.max(0, y0);
  const out: DicomDataset = { ...item };
  out["00186018"] = { vr: "UL", Value: [clippedX0] };
  out["0018601A"] = { vr: "UL", Value: [clippedY0] };
  out["0018601C"] = { vr: "UL", Value: [Math.min(volume.cols - 1, x1)] };
  out["0018601E"] = { vr: "UL", Value: [Math.min(volume.rows - 1, y1)] };
  // Reference pixel coordinates are relative to the region's top-left corner, which may have moved.
  for (const [tag, delta] of [["00186020", x0 - clippedX0], ["00186022", y0 - clippedY0]] as const) {
    const value = Number(item[tag]?.Value?.[0]);
    if (Number.isFinite(value) && delta !== 0) out[tag] = { vr: item[tag].vr, Value: [value + delta] };
  }
  return out;
}

function setIdentityAttributes(
  dataset: DicomDataset,
  processed: ProcessedPixels,
  options: DicomWriteOptions,
  encoded: EncodedPixelData,
) {
  const codes = ["113100"];
  if (processed.textRemoved) codes.push("113101");
  if (options.retainDates) codes.push("113106");
  if (options.retainPatientCharacteristics) codes.push("113108");
  if (options.retainDeviceIdentity) codes.push("113109");
  if (options.retainSafePrivate?.length) codes.push("113111");
  dataset["00120062"] = text("CS", "YES");
  const methods = ["Logik: PS3.15 Basic Profile, keyed UID remap"];
  if (processed.textRemoved) methods.push("Logik: burned-in text blanked (OCR)");
  if (processed.crop) methods.push("Logik: pixels cropped to region of interest");
  if (options.retainDates) methods.push("Logik: dates shifted per patient (keyed)");
  methods.push(`Logik: pixel data ${encoded.lossy ? "lossy" : "lossless"} ${encoded.codec}`);
  dataset["00120063"] = text("LO", ...methods);
  dataset["00120064"] = {
    vr: "SQ",
    Value: codes.map((code) => ({
      "00080100": text("SH", code),
      "00080102": text("SH", "DCM"),
      "00080104": text("LO", DEID_CODES[code]),
    })),
  };
  if (processed.textRemoved) dataset["00280301"] = text("CS", "NO");
}

function fileMeta(
  dataset: DicomDataset,
  transferSyntax: string,
  source: Uint8Array,
  siteKey: string,
): DicomDataset {
  const sopClass = String(dataset["00080016"]?.Value?.[0] ?? "1.2.840.10008.5.1.4.1.1.7");
  let sopInstance = String(dataset["00080018"]?.Value?.[0] ?? "");
  if (!sopInstance) {
    // No SOP Instance UID in the source: derive one from its bytes so reruns stay identical.
    sopInstance = remapUid(createHash("sha256").update(source).digest("hex"), siteKey);
    dataset["00080018"] = text("UI", sopInstance);
  }
  return {
    "00020001": { vr: "OB", Value: [new Uint8Array([0, 1]).buffer] },
    "00020002": text("UI", sopClass),
    "00020003": text("UI", sopInstance),
    "00020010": text("UI", transferSyntax),
    "00020012": text("UI", IMPLEMENTATION_CLASS_UID),
    "00020013": text("SH", IMPLEMENTATION_VERSION),
  };
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
