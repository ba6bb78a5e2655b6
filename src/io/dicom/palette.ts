/**
 * PALETTE COLOR: read the red/green/blue lookup tables (plain 8/16-bit or segmented) and map indices to RGB.
 * @module
 */

import type { DataSet } from "dicom-parser";

/** One channel's table, already scaled to 8 bits. */
export interface PaletteChannel {
  /** Pixel value mapped to the first entry. */
  firstMapped: number;
  entries: Uint8Array;
}

/** The three channel tables. */
export interface Palette {
  red: PaletteChannel;
  green: PaletteChannel;
  blue: PaletteChannel;
}

const CHANNEL_TAGS = {
  red: { descriptor: "x00281101", data: "x00281201", segmented: "x00281221" },
  green: { descriptor: "x00281102", data: "x00281202", segmented: "x00281222" },
  blue: { descriptor: "x00281103", data: "x00281203", segmented: "x00281223" },
} as const;

/** 16-bit words of an element, in the dataset's byte order. */
function words(dataSet: DataSet, tag: string): Uint16Array {
  const element = dataSet.elements[tag];
  const count = element.length >> 1;
  const output = new Uint16Array(count);
  for (let index = 0; index < count; index++) output[index] = dataSet.uint16(tag, index) ?? 0;
  return output;
}

/**
 * Expand a segmented palette LUT (PS3.3 C.7.9.2): discrete (0), linear (1) and indirect (2) segments.
 *
 * @example
 * ```ts
 * expandSegmentedLut(new Uint16Array([0, 1, 0, 1, 4, 100])); // [0, 25, 50, 75, 100]
 * ```
 */
export function expandSegmentedLut(data: Uint16Array, segmentLimit = Infinity, previous?: number): number[] {
  const lut: number[] = [];
  let offset = 0;
  let segments = 0;
  const last = () => (lut.length > 0 ? lut[lut.length - 1] : previous);
  while (offset + 1 < data.length && segments < segmentLimit) {
    const opcode = data[offset];
    const length = data[offset + 1];
    offset += 2;
    if (opcode === 0) {
      for (let index = 0; index < length && offset < data.length; index++) lut.push(data[offset++]);
    } else if (opcode === 1) {
      const start = last();
      if (start === undefined) throw new Error("segmented LUT starts with a linear segment");
      const end = data[offset++];
      for (let step = 1; step <= length; step++) {
        lut.push(Math.round(start + ((end - start) * step) / length));
      }
    } else if (opcode === 2) {
      if (offset + 1 >= data.length) break;
      // The standard calls it a byte offset; writers and pydicom use it as an index into the words.
      const wordOffset = data[offset] | (data[offset + 1] << 16);
      offset += 2;
      if (wordOffset >= offset - 4) {
        throw new Error("segmented LUT indirect segment does not point backwards");
      }
      const copied = expandSegmentedLut(data.subarray(wordOffset), length, last());
      for (const value of copied) lut.push(value);
    } else {
      throw new Error(`segmented LUT has an unknown segment type`);
    }
    segments++;
  }
  return lut;
}

function readChannel(dataSet: DataSet, channel: keyof typeof CHANNEL_TAGS): PaletteChannel {
  const tags = CHANNEL_TAGS[channel];
  if (!dataSet.elements[tags.descriptor]) throw new Error(`no ${channel} palette descriptor`);
  const declaredEntries = dataSet.uint16(tags.descriptor, 0) ?? 0;
  const entryCount = declaredEntries === 0 ? 65536 : declaredEntries;
  // First mapped value is US or SS depending on PixelRepresentation; keep it as written for unsigned data.
  const firstMapped = dataSet.uint16(tags.descriptor, 1) ?? 0;
  const nominalBits = dataSet.uint16(tags.descriptor, 2) ?? 16;
  let values: ArrayLike<number>;
  if (dataSet.elements[tags.segmented]) {
    values = expandSegmentedLut(words(dataSet, tags.segmented));
  } else if (dataSet.elements[tags.data]) {
    const element = dataSet.elements[tags.data];
    // Some writers pack 8-bit entries one per byte, others one per 16-bit word: infer from the length.
    values = element.length === entryCount
      ? dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length)
      : words(dataSet, tags.data);
  } else {
    throw new Error(`no ${channel} palette data`);
  }
  if (values.length === 0) throw new Error(`${channel} palette is empty`);
  let maximum = 0;
  for (let index = 0; index < values.length; index++) maximum = Math.max(maximum, values[index]);
  const shift = nominalBits > 8 || maximum > 255 ? 8 : 0;
  const entries = new Uint8Array(values.length);
  for (let index = 0; index < values.length; index++) entries[index] = values[index] >> shift;
  return { firstMapped, entries };
}

/**
 * Read the palette of a PALETTE COLOR image; throws an Error naming the missing part.
 *
 * @example
 * ```ts
 * const palette = readPalette(dataSet);
 * palette.red.entries.length; // 256
 * ```
 */
export function readPalette(dataSet: DataSet): Palette {
  return {
    red: readChannel(dataSet, "red"),
    green: readChannel(dataSet, "green"),
    blue: readChannel(dataSet, "blue"),
  };
}

/**
 * Map palette indices to interleaved RGB bytes. Indices below the first mapped value use the first entry,
 * those past the end use the last (PS3.3 C.7.6.3.1.5).
 *
 * @example
 * ```ts
 * const rgb = applyPalette(indices, palette, new Uint8Array(indices.length * 3));
 * ```
 */
export function applyPalette(
  indices: ArrayLike<number>,
  palette: Palette,
  output: Uint8Array,
): Uint8Array {
  const channels = [palette.red, palette.green, palette.blue];
  for (let channel = 0; channel < 3; channel++) {
    const { firstMapped, entries } = channels[channel];
    const lastIndex = entries.length - 1;
    for (let pixel = 0; pixel < indices.length; pixel++) {
      let index = indices[pixel] - firstMapped;
      index = index < 0 ? 0 : index > lastIndex ? lastIndex : index;
      output[pixel * 3 + channel] = entries[index];
    }
  }
  return output;
}
