/**
 * Read the Image Pixel module and the display/timing attributes out of a parsed dataset.
 * @module
 */

import type { DataSet } from "dicom-parser";
import type { UltrasoundRegion } from "../../volume.ts";

/** What the pixel data holds, as declared by the header. */
export interface PixelDescription {
  rows: number;
  cols: number;
  frames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** PixelRepresentation 1: two's complement samples. */
  signed: boolean;
  /** Photometric interpretation, upper case, trimmed. */
  photometric: string;
  /** 0 = interleaved (R1G1B1R2...), 1 = planes (RRR...GGG...BBB). */
  planarConfiguration: 0 | 1;
}

/** Display and timing facts that go into VolumeMeta. */
export interface DisplayAttributes {
  rescaleSlope?: number;
  rescaleIntercept?: number;
  windowCenter?: number;
  windowWidth?: number;
  pixelSpacing?: [number, number];
  frameTimeMs?: number;
  modality?: string;
  ultrasoundRegions?: UltrasoundRegion[];
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** An unsigned 16-bit header integer that survives a wrong VR (e.g. IS written as US by old writers). */
function headerUint(dataSet: DataSet, tag: string): number | undefined {
  const element = dataSet.elements[tag];
  if (!element || element.length === 0) return undefined;
  if (element.vr === "IS" || element.vr === "DS") return finite(dataSet.intString(tag));
  if (element.length === 4 && element.vr === "UL") return dataSet.uint32(tag);
  return dataSet.uint16(tag);
}

/**
 * The declared pixel layout. Missing Rows/Columns give zero, which the reader reports.
 *
 * @example
 * ```ts
 * const pixels = describePixels(dataSet);
 * pixels.rows * pixels.cols; // samples per plane
 * ```
 */
export function describePixels(dataSet: DataSet): PixelDescription {
  const bitsAllocated = headerUint(dataSet, "x00280100") ?? 8;
  const bitsStored = headerUint(dataSet, "x00280101") ?? bitsAllocated;
  const framesValue = finite(dataSet.intString("x00280008"));
  const samplesPerPixel = headerUint(dataSet, "x00280002") ?? 1;
  const photometric = (dataSet.string("x00280004") ?? (samplesPerPixel === 3 ? "RGB" : "MONOCHROME2"))
    .trim().toUpperCase();
  return {
    rows: headerUint(dataSet, "x00280010") ?? 0,
    cols: headerUint(dataSet, "x00280011") ?? 0,
    frames: framesValue && framesValue > 0 ? Math.floor(framesValue) : 1,
    samplesPerPixel,
    bitsAllocated,
    bitsStored: bitsStored > 0 && bitsStored <= bitsAllocated ? bitsStored : bitsAllocated,
    highBit: headerUint(dataSet, "x00280102") ?? bitsStored - 1,
    signed: headerUint(dataSet, "x00280103") === 1,
    photometric,
    planarConfiguration: headerUint(dataSet, "x00280006") === 1 ? 1 : 0,
  };
}

/** First item's dataset of a sequence, if any. */
function firstItem(dataSet: DataSet | undefined, tag: string): DataSet | undefined {
  return dataSet?.elements[tag]?.items?.[0]?.dataSet;
}

/**
 * Enhanced multi-frame objects keep rescale/window/spacing in functional groups: look in the
 * top level, then the shared groups, then the first frame's groups.
 */
function functionalGroupSources(dataSet: DataSet, macroTag: string): DataSet[] {
  const sources: DataSet[] = [dataSet];
  for (const groupsTag of ["x52009229", "x52009230"]) {
    const macro = firstItem(firstItem(dataSet, groupsTag), macroTag);
    if (macro) sources.push(macro);
  }
  return sources;
}

function firstNumber(sources: DataSet[], tag: string, index = 0): number | undefined {
  for (const source of sources) {
    const value = finite(source.floatString(tag, index));
    if (value !== undefined) return value;
  }
  return undefined;
}

function frameTimeMs(dataSet: DataSet): number | undefined {
  const frameTime = finite(dataSet.floatString("x00181063"));
  if (frameTime !== undefined && frameTime > 0) return frameTime;
  const vector = dataSet.elements["x00181065"];
  if (vector && vector.length > 0) {
    // FrameTimeVector: the first entry is 0 (time before frame 1); average the rest.
    const count = dataSet.numStringValues("x00181065") ?? 0;
    let sum = 0;
    let used = 0;
    for (let index = 1; index < count; index++) {
      const value = finite(dataSet.floatString("x00181065", index));
      if (value !== undefined && value > 0) {
        sum += value;
        used++;
      }
    }
    if (used > 0) return sum / used;
  }
  for (const rateTag of ["x00180040", "x00082144"]) {
    const rate = finite(dataSet.floatString(rateTag));
    if (rate !== undefined && rate > 0) return 1000 / rate;
  }
  return undefined;
}

/** Read a number stored with any integer or float VR (regions use UL, SL, US, FD). */
function numberValue(dataSet: DataSet, tag: string): number | undefined {
  const element = dataSet.elements[tag];
  if (!element || element.length === 0) return undefined;
  switch (element.vr) {
    case "SL":
      return dataSet.int32(tag);
    case "SS":
      return dataSet.int16(tag);
    case "US":
      return dataSet.uint16(tag);
    case "FD":
      return finite(dataSet.double(tag));
    case "FL":
      return finite(dataSet.float(tag));
    case "UL":
      return dataSet.uint32(tag);
  }
  // Implicit VR: infer from the length and the attribute's defined VR.
  if (element.length === 8) return finite(dataSet.double(tag));
  if (element.length === 2) return dataSet.uint16(tag);
  if (element.length === 4) {
    return tag === "x00186020" || tag === "x00186022" ? dataSet.int32(tag) : dataSet.uint32(tag);
  }
  return undefined;
}

/**
 * The Sequence of Ultrasound Regions (0018,6011) in pixel coordinates.
 *
 * @example
 * ```ts
 * const regions = ultrasoundRegions(dataSet); // [{ x0: 84, y0: 31, x1: 595, y1: 414, ... }]
 * ```
 */
export function ultrasoundRegions(dataSet: DataSet): UltrasoundRegion[] | undefined {
  const items = dataSet.elements["x00186011"]?.items;
  if (!items || items.length === 0) return undefined;
  const regions: UltrasoundRegion[] = [];
  for (const item of items) {
    const region = item.dataSet;
    if (!region) continue;
    const x0 = numberValue(region, "x00186018");
    const y0 = numberValue(region, "x0018601a");
    const x1 = numberValue(region, "x0018601c");
    const y1 = numberValue(region, "x0018601e");
    if (x0 === undefined || y0 === undefined || x1 === undefined || y1 === undefined) continue;
    const optional: Partial<UltrasoundRegion> = {
      spatialFormat: numberValue(region, "x00186012"),
      dataType: numberValue(region, "x00186014"),
      referencePixelX0: numberValue(region, "x00186020"),
      referencePixelY0: numberValue(region, "x00186022"),
      physicalDeltaX: numberValue(region, "x0018602c"),
      physicalDeltaY: numberValue(region, "x0018602e"),
    };
    const regionOut: UltrasoundRegion = { x0, y0, x1, y1 };
    for (const [key, value] of Object.entries(optional)) {
      if (value !== undefined) (regionOut as unknown as Record<string, number>)[key] = value;
    }
    regions.push(regionOut);
  }
  return regions.length > 0 ? regions : undefined;
}

/**
 * Rescale, window, spacing, frame timing, modality and ultrasound regions.
 *
 * @example
 * ```ts
 * const display = displayAttributes(dataSet);
 * display.rescaleIntercept; // -1024 for a typical CT
 * ```
 */
export function displayAttributes(dataSet: DataSet): DisplayAttributes {
  const rescaleSources = functionalGroupSources(dataSet, "x00289145");
  const windowSources = functionalGroupSources(dataSet, "x00289132");
  const spacingSources = functionalGroupSources(dataSet, "x00289110");
  const rowSpacing = firstNumber(spacingSources, "x00280030", 0) ??
    finite(dataSet.floatString("x00181164", 0));
  const colSpacing = firstNumber(spacingSources, "x00280030", 1) ??
    finite(dataSet.floatString("x00181164", 1));
  const attributes: DisplayAttributes = {
    rescaleSlope: firstNumber(rescaleSources, "x00281053"),
    rescaleIntercept: firstNumber(rescaleSources, "x00281052"),
    windowCenter: firstNumber(windowSources, "x00281050"),
    windowWidth: firstNumber(windowSources, "x00281051"),
    pixelSpacing: rowSpacing !== undefined && colSpacing !== undefined ? [rowSpacing, colSpacing] : undefined,
    frameTimeMs: frameTimeMs(dataSet),
    modality: dataSet.string("x00080060")?.trim() || undefined,
    ultrasoundRegions: ultrasoundRegions(dataSet),
  };
  for (const key of Object.keys(attributes) as (keyof DisplayAttributes)[]) {
    if (attributes[key] === undefined) delete attributes[key];
  }
  return attributes;
}
