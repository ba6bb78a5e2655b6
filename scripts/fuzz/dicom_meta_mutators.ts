/**
 * DICOM mutators aimed past the reader, at display conversion, text-frame selection and ROI fitting:
 * self-consistent but extreme shapes, absurd window/rescale values, frame timing and ultrasound regions.
 * @module
 */
import { ascii, join, withUint } from "./byte_ops.ts";
import {
  datasetIsExplicit,
  datasetIsLittle,
  encodeShort,
  findElement,
  insertElement,
  replaceValue,
} from "./dicom_edit.ts";
import type { Mutation, Mutator } from "./mutation.ts";
import type { Random } from "./prng.ts";
import type { SeedFile } from "./seed_file.ts";

/** Set or insert a short string element (DS/IS/CS) at the top level. */
function setString(seed: SeedFile, group: number, element: number, vr: string, value: string): Uint8Array {
  const layout = seed.dicom!;
  const existing = findElement(layout, group, element);
  if (existing && existing.length >= 0) return replaceValue(seed.bytes, layout, existing, ascii(value));
  const encoded = encodeShort(
    group,
    element,
    vr,
    ascii(value),
    datasetIsExplicit(layout),
    datasetIsLittle(layout),
  );
  return insertElement(seed.bytes, layout, group, element, encoded);
}

/** Rows × Columns (× frames) refactored so the pixel count still matches: 1 × N, N × 1, frames as rows. */
export const reshape: Mutator = {
  name: "dicom-reshape",
  kinds: ["dicom"],
  mutate(seed, random) {
    const layout = seed.dicom!;
    const rows = findElement(layout, 0x0028, 0x0010), cols = findElement(layout, 0x0028, 0x0011);
    if (!rows || !cols || rows.length !== 2 || cols.length !== 2) return null;
    const view = new DataView(seed.bytes.buffer, seed.bytes.byteOffset, seed.bytes.byteLength);
    const r = view.getUint16(rows.valueOffset, rows.littleEndian),
      c = view.getUint16(cols.valueOffset, cols.littleEndian);
    const pixels = r * c;
    const options: Array<[number, number]> = [[1, pixels], [pixels, 1], [c, r], [r * 2, c / 2], [
      r / 2,
      c * 2,
    ], [2, pixels / 2]];
    const valid = options.filter(([newRows, newCols]) =>
      Number.isInteger(newRows) && Number.isInteger(newCols) && newRows <= 0xffff && newCols <= 0xffff
    );
    if (!valid.length) return null;
    const [newRows, newCols] = random.pick(valid);
    let bytes = withUint(seed.bytes, rows.valueOffset, 2, newRows, rows.littleEndian);
    bytes = withUint(bytes, cols.valueOffset, 2, newCols, cols.littleEndian);
    return { bytes, detail: `reshaped ${r}x${c} to ${newRows}x${newCols}` };
  },
};

const NUMBERS = [
  "0",
  "-1",
  "-0",
  "1e-300",
  "1e308",
  "1e309",
  "-1e309",
  "NaN",
  "abc",
  "",
  "1\\2\\3",
  "65535",
  "-32768",
  "4294967296",
];

/** Window centre/width and rescale slope/intercept set to zero, negative, tiny, huge, NaN or garbage. */
export const displayAttributes: Mutator = {
  name: "dicom-display-attributes",
  kinds: ["dicom"],
  mutate(seed, random) {
    const [element, name] = random.pick(
      [
        [0x1050, "WindowCenter"],
        [0x1051, "WindowWidth"],
        [0x1052, "RescaleIntercept"],
        [0x1053, "RescaleSlope"],
      ] as const,
    );
    const value = random.pick(NUMBERS);
    return { bytes: setString(seed, 0x0028, element, "DS", value), detail: `${name} set to "${value}"` };
  },
};

/** Frame time / cine rate set to zero, negative, tiny, huge or garbage (frame selection divides by them). */
export const frameTiming: Mutator = {
  name: "dicom-frame-timing",
  kinds: ["dicom"],
  mutate(seed, random) {
    const [group, element, vr, name] = random.pick(
      [
        [0x0018, 0x1063, "DS", "FrameTime"],
        [0x0018, 0x0040, "IS", "CineRate"],
        [0x0008, 0x2144, "IS", "RecommendedDisplayFrameRate"],
      ] as const,
    );
    const value = random.pick(NUMBERS);
    return { bytes: setString(seed, group, element, vr, value), detail: `${name} set to "${value}"` };
  },
};

/** A Sequence of Ultrasound Regions whose coordinates are absurd (inverted, huge, past the image). */
export const ultrasoundRegions: Mutator = {
  name: "dicom-us-regions",
  kinds: ["dicom"],
  mutate(seed, random) {
    const layout = seed.dicom!;
    const explicit = datasetIsExplicit(layout), little = datasetIsLittle(layout);
    if (findElement(layout, 0x0018, 0x6011)) return null;
    const values = [0, 1, 2, 100, 639, 640, 0x7fffffff, 0x80000000, 0xffffffff];
    const coordinates = [0x6018, 0x601a, 0x601c, 0x601e].map((element) =>
      [element, random.pick(values)] as const
    );
    const count = 1 + random.int(3);
    const items: Uint8Array[] = [];
    for (let index = 0; index < count; index++) {
      const fields = [
        ul(0x0018, 0x6012, random.pick([0, 1, 2, 7, 0xffff]), "US", explicit, little),
        ul(0x0018, 0x6014, random.pick([0, 1, 3, 0xffff]), "US", explicit, little),
        ...coordinates.map(([element, value]) => ul(0x0018, element, value, "UL", explicit, little)),
      ];
      const body = join(fields);
      items.push(join([itemHeader(body.length, little), body]));
    }
    const content = join(items);
    const header = new Uint8Array(explicit ? 12 : 8);
    const view = new DataView(header.buffer);
    view.setUint16(0, 0x0018, little);
    view.setUint16(2, 0x6011, little);
    if (explicit) {
      header.set(ascii("SQ"), 4);
      view.setUint32(8, content.length, little);
    } else view.setUint32(4, content.length, little);
    const detail = `${count} ultrasound regions with (x0,y0,x1,y1)=${
      coordinates.map(([, value]) => value).join(",")
    }`;
    return { bytes: insertElement(seed.bytes, layout, 0x0018, 0x6011, join([header, content])), detail };
  },
};

function ul(
  group: number,
  element: number,
  value: number,
  vr: "UL" | "US",
  explicit: boolean,
  little: boolean,
) {
  const size = vr === "UL" ? 4 : 2;
  const out = new Uint8Array((explicit ? 8 : 8) + size);
  const view = new DataView(out.buffer);
  view.setUint16(0, group, little);
  view.setUint16(2, element, little);
  if (explicit) {
    out.set(ascii(vr), 4);
    view.setUint16(6, size, little);
  } else view.setUint32(4, size, little);
  if (size === 4) view.setUint32(8, value >>> 0, little);
  else view.setUint16(8, value & 0xffff, little);
  return out;
}

function itemHeader(length: number, little: boolean): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfffe, little);
  view.setUint16(2, 0xe000, little);
  view.setUint32(4, length, little);
  return out;
}

/** Native pixel data overwritten with a constant (0 or max) or noise: blank, saturated or textureless frames. */
export const pixelFill: Mutator = {
  name: "dicom-pixel-fill",
  kinds: ["dicom"],
  mutate(seed, random): Mutation | null {
    const pixels = findElement(seed.dicom!, 0x7fe0, 0x0010);
    if (!pixels || pixels.length <= 0) return null;
    const fill = random.pick(["zero", "max", "noise", "stripes"] as const);
    const out = seed.bytes.slice();
    const end = Math.min(out.length, pixels.valueOffset + pixels.length);
    for (let i = pixels.valueOffset; i < end; i++) {
      out[i] = fill === "zero"
        ? 0
        : fill === "max"
        ? 0xff
        : fill === "noise"
        ? noise(random)
        : ((i >> 4) & 1) * 0xff;
    }
    return { bytes: out, detail: `native pixel data filled with ${fill}` };
  },
};

function noise(random: Random): number {
  return random.int(256);
}

/** The pipeline-targeting DICOM mutators. */
export const DICOM_META_MUTATORS: Mutator[] = [
  reshape,
  displayAttributes,
  frameTiming,
  ultrasoundRegions,
  pixelFill,
];
