/**
 * DICOM mutators: truncation at element boundaries, absurd lengths, deeply nested sequences, wrong VRs,
 * frame counts and image descriptions that disagree with the data, swapped transfer syntaxes.
 * @module
 */
import { ascii, join, splice, withUint } from "./byte_ops.ts";
import { codestreamBoundaries } from "./codestream_structure.ts";
import {
  datasetIsExplicit,
  datasetIsLittle,
  encodeShort,
  findElement,
  insertElement,
  replaceValue,
} from "./dicom_edit.ts";
import { dicomBoundaries } from "./dicom_structure.ts";
import type { Mutator } from "./mutation.ts";

const DICOM = ["dicom"] as const;

/** Cut at a structural boundary (element, length field, value, fragment, or a code stream marker), ±1 byte. */
export const truncateAtBoundary: Mutator = {
  name: "dicom-truncate-boundary",
  kinds: DICOM,
  mutate(seed, random) {
    const layout = seed.dicom!;
    const cuts = dicomBoundaries(layout);
    for (const fragment of layout.fragments.slice(1, 4)) {
      const stream = seed.bytes.subarray(fragment.valueOffset, fragment.valueOffset + fragment.length);
      for (const cut of codestreamBoundaries(stream)) cuts.push(fragment.valueOffset + cut);
    }
    const inside = cuts.filter((cut) => cut > 0 && cut < seed.bytes.length);
    if (!inside.length) return null;
    const at = Math.max(0, random.pick(inside) + random.pick([0, 0, -1, 1]));
    return {
      bytes: seed.bytes.slice(0, at),
      detail: `truncated at structural boundary ${at} of ${seed.bytes.length}`,
    };
  },
};

const LONG_LENGTHS = [0xffffffff, 0xfffffffe, 0x7fffffff, 0x80000000, 0x10000000, 1, 3, 0];
const SHORT_LENGTHS = [0xffff, 0xfffe, 0x8001, 1, 0];

/** Set one element's (or fragment's) length to an absurd value: huge, undefined, odd, zero or past the end. */
export const absurdLength: Mutator = {
  name: "dicom-absurd-length",
  kinds: DICOM,
  mutate(seed, random) {
    const layout = seed.dicom!;
    if (random.next() < 0.3 && layout.fragments.length) {
      const fragment = random.pick(layout.fragments);
      const value = random.pick([...LONG_LENGTHS, seed.bytes.length, fragment.length + 2]);
      return {
        bytes: withUint(seed.bytes, fragment.offset + 4, 4, value, datasetIsLittle(layout)),
        detail: `fragment ${fragment.index} length set to ${value}`,
      };
    }
    const element = random.pick(layout.elements);
    const remaining = seed.bytes.length - element.valueOffset;
    const value = element.lengthBytes === 4
      ? random.pick([...LONG_LENGTHS, remaining + 1, remaining + 2, seed.bytes.length * 4])
      : random.pick([...SHORT_LENGTHS, Math.min(0xffff, remaining + 2)]);
    return {
      bytes: withUint(seed.bytes, element.lengthOffset, element.lengthBytes, value, element.littleEndian),
      detail: `length of (${hex(element.group)},${hex(element.element)}) ${
        element.vr || "implicit"
      } set to ${value}`,
    };
  },
};

/** Insert a sequence nested 10,000 (or 200/2,000) deep, terminated, unterminated, or with defined lengths. */
export const nestedSequences: Mutator = {
  name: "dicom-nested-sequences",
  kinds: DICOM,
  mutate(seed, random) {
    const layout = seed.dicom!;
    const depth = random.pick([10000, 10000, 10000, 2000, 200]);
    const style = random.pick(["delimited", "unterminated", "defined"] as const);
    const explicit = datasetIsExplicit(layout), little = datasetIsLittle(layout);
    // (0018,6011) Sequence of Ultrasound Regions: a sequence the reader actually looks into.
    const [group, element] = random.pick([[0x0018, 0x6011], [0x0008, 0x1115], [0x0009, 0x1001]]);
    const nested = nest(depth, style, group, element, explicit, little);
    return {
      bytes: insertElement(seed.bytes, layout, group, element, nested),
      detail: `(${hex(group)},${hex(element)}) sequence nested ${depth} deep, ${style}`,
    };
  },
};

function nest(
  depth: number,
  style: string,
  group: number,
  element: number,
  explicit: boolean,
  little: boolean,
) {
  const sqHeader = (length: number) => {
    const header = new Uint8Array(explicit ? 12 : 8);
    const view = new DataView(header.buffer);
    view.setUint16(0, group, little);
    view.setUint16(2, element, little);
    if (explicit) {
      header.set(ascii("SQ"), 4);
      view.setUint32(8, length >>> 0, little);
    } else view.setUint32(4, length >>> 0, little);
    return header;
  };
  const marker = (code: number, length: number) => {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint16(0, 0xfffe, little);
    view.setUint16(2, code, little);
    view.setUint32(4, length >>> 0, little);
    return out;
  };
  if (style === "defined") {
    // Build inside out: each level wraps the previous one in an item and a sequence with exact lengths.
    let inner: Uint8Array = new Uint8Array(0);
    for (let level = 0; level < depth; level++) {
      const item = join([marker(0xe000, inner.length), inner]);
      inner = join([sqHeader(item.length), item]);
    }
    return inner;
  }
  const open = join([sqHeader(0xffffffff), marker(0xe000, 0xffffffff)]);
  const close = join([marker(0xe00d, 0), marker(0xe0dd, 0)]);
  const parts: Uint8Array[] = [];
  for (let level = 0; level < depth; level++) parts.push(open);
  if (style === "delimited") { for (let level = 0; level < depth; level++) parts.push(close); }
  return join(parts);
}

const VRS = ["SQ", "OB", "OW", "UN", "US", "UL", "SS", "FD", "AT", "DS", "IS", "UT", "XX", "\0\0", "ob"];

/** Replace an explicit VR with another (which also changes how its length field is read). */
export const wrongVr: Mutator = {
  name: "dicom-wrong-vr",
  kinds: DICOM,
  mutate(seed, random) {
    const explicit = seed.dicom!.elements.filter((e) => e.vrOffset >= 0);
    if (!explicit.length) return null;
    // Favour the image-description and pixel elements, which the reader interprets.
    const important = explicit.filter((e) => e.group === 0x0028 || e.group === 0x7fe0 || e.group === 0x0002);
    const element = random.next() < 0.6 && important.length ? random.pick(important) : random.pick(explicit);
    const vr = random.pick(VRS.filter((candidate) => candidate !== element.vr));
    const out = seed.bytes.slice();
    out.set(ascii(vr), element.vrOffset);
    return {
      bytes: out,
      detail: `VR of (${hex(element.group)},${hex(element.element)}) ${element.vr} -> ${JSON.stringify(vr)}`,
    };
  },
};

const FRAME_COUNTS = [
  "0",
  "-1",
  "1",
  "2",
  "3",
  "7",
  "1000",
  "99999",
  "2147483648",
  "abc",
  "",
  "1.5",
  "1e9",
  " 2\\3",
];

/** Number of Frames that disagrees with the pixel data (set, or inserted into single-frame files). */
export const frameCountMismatch: Mutator = {
  name: "dicom-frame-count",
  kinds: DICOM,
  mutate(seed, random) {
    const layout = seed.dicom!;
    const value = random.pick(FRAME_COUNTS);
    const existing = findElement(layout, 0x0028, 0x0008);
    if (existing && existing.length >= 0) {
      return {
        bytes: replaceValue(seed.bytes, layout, existing, ascii(value)),
        detail: `NumberOfFrames set to "${value}"`,
      };
    }
    const encoded = encodeShort(
      0x0028,
      0x0008,
      "IS",
      ascii(value),
      datasetIsExplicit(layout),
      datasetIsLittle(layout),
    );
    return {
      bytes: insertElement(seed.bytes, layout, 0x0028, 0x0008, encoded),
      detail: `NumberOfFrames "${value}" inserted`,
    };
  },
};

const DESCRIPTION_TAGS: Array<[number, string]> = [
  [0x0002, "SamplesPerPixel"],
  [0x0006, "PlanarConfiguration"],
  [0x0010, "Rows"],
  [0x0011, "Columns"],
  [0x0100, "BitsAllocated"],
  [0x0101, "BitsStored"],
  [0x0102, "HighBit"],
  [0x0103, "PixelRepresentation"],
];
const US_VALUES = [0, 1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 24, 31, 32, 33, 64, 255, 0x8000, 0xffff];
const PHOTOMETRICS = [
  "MONOCHROME1",
  "MONOCHROME2",
  "RGB",
  "PALETTE COLOR",
  "YBR_FULL",
  "YBR_FULL_422",
  "YBR_ICT",
  "XYZ",
  "",
];

/** Rows, Columns, bits, samples, planar configuration or photometric interpretation that disagree with the data. */
export const imageDescription: Mutator = {
  name: "dicom-image-description",
  kinds: DICOM,
  mutate(seed, random) {
    const layout = seed.dicom!;
    if (random.next() < 0.25) {
      const photometric = findElement(layout, 0x0028, 0x0004);
      if (!photometric || photometric.length < 0) return null;
      const value = random.pick(PHOTOMETRICS);
      return {
        bytes: replaceValue(seed.bytes, layout, photometric, ascii(value)),
        detail: `PhotometricInterpretation set to "${value}"`,
      };
    }
    const [element, name] = random.pick(DESCRIPTION_TAGS);
    const span = findElement(layout, 0x0028, element);
    if (!span || span.length !== 2) return null;
    const value = random.pick(US_VALUES);
    return {
      bytes: withUint(seed.bytes, span.valueOffset, 2, value, span.littleEndian),
      detail: `${name} set to ${value}`,
    };
  },
};

const SYNTAXES = [
  "1.2.840.10008.1.2",
  "1.2.840.10008.1.2.1",
  "1.2.840.10008.1.2.2",
  "1.2.840.10008.1.2.1.99",
  "1.2.840.10008.1.2.4.50",
  "1.2.840.10008.1.2.4.51",
  "1.2.840.10008.1.2.4.57",
  "1.2.840.10008.1.2.4.70",
  "1.2.840.10008.1.2.4.80",
  "1.2.840.10008.1.2.4.81",
  "1.2.840.10008.1.2.4.90",
  "1.2.840.10008.1.2.4.91",
  "1.2.840.10008.1.2.4.201",
  "1.2.840.10008.1.2.4.203",
  "1.2.840.10008.1.2.5",
  "1.2.840.10008.1.2.4.100",
  "1.2.3.4",
  "",
];

/** Declare another transfer syntax than the data uses (a codec gets bytes it does not expect). */
export const transferSyntaxSwap: Mutator = {
  name: "dicom-transfer-syntax",
  kinds: DICOM,
  mutate(seed, random) {
    const layout = seed.dicom!;
    const syntax = findElement(layout, 0x0002, 0x0010);
    if (!syntax || syntax.length < 0) return null;
    const value = random.pick(SYNTAXES.filter((uid) => uid !== layout.transferSyntax));
    return {
      bytes: replaceValue(seed.bytes, layout, syntax, ascii(value)),
      detail: `TransferSyntaxUID set to "${value}"`,
    };
  },
};

/** Remove a top-level element the reader needs (Rows, Pixel Data header, transfer syntax, ...). */
export const dropElement: Mutator = {
  name: "dicom-drop-element",
  kinds: DICOM,
  mutate(seed, random) {
    const layout = seed.dicom!;
    const candidates = layout.elements.filter((e) =>
      e.depth === 0 && e.length >= 0 && (e.group === 0x0028 || e.group === 0x0002 || random.next() < 0.1)
    );
    if (!candidates.length) return null;
    const element = random.pick(candidates);
    const end = element.valueOffset + element.length;
    return {
      bytes: splice(seed.bytes, element.offset, end, new Uint8Array(0)),
      detail: `dropped (${hex(element.group)},${hex(element.element)})`,
    };
  },
};

/** Encapsulated pixel data whose offset table or fragment list disagrees with the frames. */
export const fragmentTable: Mutator = {
  name: "dicom-fragment-table",
  kinds: DICOM,
  mutate(seed, random) {
    const layout = seed.dicom!;
    if (layout.fragments.length < 2) return null;
    const little = datasetIsLittle(layout);
    const choice = random.pick(["bot", "drop", "duplicate", "empty"] as const);
    const table = layout.fragments[0];
    if (choice === "bot") {
      const count = 1 + random.int(4);
      const offsets = new Uint8Array(count * 4);
      const view = new DataView(offsets.buffer);
      for (let i = 0; i < count; i++) {
        view.setUint32(i * 4, random.pick([0, 1, 7, 0xfffffff0, seed.bytes.length, 8 * i]), little);
      }
      const item = join([
        withUint(seed.bytes.slice(table.offset, table.offset + 8), 4, 4, offsets.length, little),
        offsets,
      ]);
      return {
        bytes: splice(seed.bytes, table.offset, table.valueOffset + table.length, item),
        detail: `basic offset table replaced by ${count} bogus offsets`,
      };
    }
    const fragment = layout.fragments[1 + random.int(layout.fragments.length - 1)];
    const end = fragment.valueOffset + fragment.length;
    if (choice === "drop") {
      return {
        bytes: splice(seed.bytes, fragment.offset, end, new Uint8Array(0)),
        detail: `fragment ${fragment.index} removed`,
      };
    }
    if (choice === "duplicate") {
      return {
        bytes: splice(seed.bytes, end, end, seed.bytes.slice(fragment.offset, end)),
        detail: `fragment ${fragment.index} duplicated`,
      };
    }
    const empty = withUint(seed.bytes.slice(fragment.offset, fragment.offset + 8), 4, 4, 0, little);
    return {
      bytes: splice(seed.bytes, fragment.offset, end, empty),
      detail: `fragment ${fragment.index} emptied`,
    };
  },
};

function hex(value: number): string {
  return value.toString(16).padStart(4, "0");
}

/** The DICOM mutators. */
export const DICOM_MUTATORS: Mutator[] = [
  truncateAtBoundary,
  absurdLength,
  nestedSequences,
  wrongVr,
  frameCountMismatch,
  imageDescription,
  transferSyntaxSwap,
  dropElement,
  fragmentTable,
];
