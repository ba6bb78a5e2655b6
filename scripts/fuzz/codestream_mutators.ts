/**
 * Corrupt the compressed frames inside encapsulated DICOM: JPEG, JPEG-LS, JPEG 2000 and RLE code streams
 * cut at marker boundaries, with broken headers, stray markers or damaged entropy-coded data.
 * @module
 */
import { splice, withUint } from "./byte_ops.ts";
import { codestreamBoundaries, codestreamMarkers } from "./codestream_structure.ts";
import { datasetIsLittle } from "./dicom_edit.ts";
import type { FragmentSpan } from "./dicom_structure.ts";
import type { Mutation, Mutator } from "./mutation.ts";
import type { Random } from "./prng.ts";
import type { SeedFile } from "./seed_file.ts";

/** Markers with a header worth breaking: SOF0-15, DHT, DQT, SOS, DRI, JPEG-LS SOF55/LSE, J2K SIZ/COD/QCD/SOT. */
const HEADER_MARKERS = new Set([
  0xc0,
  0xc1,
  0xc2,
  0xc3,
  0xc5,
  0xc6,
  0xc7,
  0xc9,
  0xca,
  0xcb,
  0xcd,
  0xce,
  0xcf,
  0xc4,
  0xdb,
  0xda,
  0xdd,
  0xf7,
  0xf8,
  0x51,
  0x52,
  0x5c,
  0x90,
]);

function frameFragment(seed: SeedFile, random: Random): FragmentSpan | null {
  const frames = seed.dicom?.fragments.filter((fragment) => fragment.index > 0 && fragment.length > 16) ?? [];
  return frames.length ? random.pick(frames) : null;
}

function replaceFragment(seed: SeedFile, fragment: FragmentSpan, stream: Uint8Array): Uint8Array {
  const padded = stream.length % 2 ? Uint8Array.from([...stream, 0]) : stream;
  const header = withUint(
    seed.bytes.slice(fragment.offset, fragment.offset + 8),
    4,
    4,
    padded.length,
    datasetIsLittle(seed.dicom!),
  );
  const item = new Uint8Array(8 + padded.length);
  item.set(header);
  item.set(padded, 8);
  return splice(seed.bytes, fragment.offset, fragment.valueOffset + fragment.length, item);
}

/** Cut one frame's code stream at a marker boundary (the item length follows, so the DICOM stays valid). */
export const codestreamTruncate: Mutator = {
  name: "codestream-truncate",
  kinds: ["dicom"],
  mutate(seed, random) {
    const fragment = frameFragment(seed, random);
    if (!fragment) return null;
    const stream = seed.bytes.subarray(fragment.valueOffset, fragment.valueOffset + fragment.length);
    const cuts = codestreamBoundaries(stream).filter((cut) => cut > 0 && cut < stream.length);
    const at = cuts.length && random.next() < 0.8 ? random.pick(cuts) : random.int(stream.length);
    return {
      bytes: replaceFragment(seed, fragment, stream.slice(0, at)),
      detail: `fragment ${fragment.index} code stream cut at ${at} of ${stream.length}`,
    };
  },
};

/** Break one header segment: extreme bytes in it (dimensions, precision, component counts, tables) or its length. */
export const codestreamHeader: Mutator = {
  name: "codestream-header",
  kinds: ["dicom"],
  mutate(seed, random) {
    const fragment = frameFragment(seed, random);
    if (!fragment) return null;
    const stream = seed.bytes.slice(fragment.valueOffset, fragment.valueOffset + fragment.length);
    const markers = codestreamMarkers(stream).filter((marker) =>
      HEADER_MARKERS.has(marker.marker) && marker.length >= 2
    );
    if (!markers.length) return rleHeader(seed, fragment, stream, random);
    const marker = random.pick(markers);
    if (random.next() < 0.3) {
      const length = random.pick([0, 1, 2, 0xffff, marker.length + 100]);
      stream[marker.offset + 2] = length >> 8;
      stream[marker.offset + 3] = length & 0xff;
      return {
        bytes: replaceFragment(seed, fragment, stream),
        detail: `marker FF${hexByte(marker.marker)} length set to ${length}`,
      };
    }
    const count = 1 + random.int(3);
    for (let i = 0; i < count; i++) {
      const at = marker.offset + 4 + random.int(Math.max(1, marker.length - 2));
      if (at < stream.length) stream[at] = random.pick([0x00, 0xff, 0x01, 0x80, random.int(256)]);
    }
    return {
      bytes: replaceFragment(seed, fragment, stream),
      detail: `${count} bytes of marker FF${hexByte(marker.marker)} segment set to extremes`,
    };
  },
};

function rleHeader(
  seed: SeedFile,
  fragment: FragmentSpan,
  stream: Uint8Array,
  random: Random,
): Mutation | null {
  // RLE frames start with a 64-byte header: segment count then 15 offsets (PS3.5 G.3).
  if (seed.dicom?.transferSyntax !== "1.2.840.10008.1.2.5" || stream.length < 64) return null;
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  if (random.next() < 0.5) {
    const count = random.pick([0, 2, 4, 15, 16, 255, 0xffffffff]);
    view.setUint32(0, count >>> 0, true);
    return { bytes: replaceFragment(seed, fragment, stream), detail: `RLE segment count set to ${count}` };
  }
  const slot = 1 + random.int(15);
  const offset = random.pick([0, 1, 63, stream.length, stream.length + 1000, 0xfffffff0]);
  view.setUint32(slot * 4, offset >>> 0, true);
  return {
    bytes: replaceFragment(seed, fragment, stream),
    detail: `RLE segment offset ${slot} set to ${offset}`,
  };
}

/** Damage entropy-coded data or insert stray markers (early EOI, second SOI, restart markers). */
export const codestreamData: Mutator = {
  name: "codestream-data",
  kinds: ["dicom"],
  mutate(seed, random) {
    const fragment = frameFragment(seed, random);
    if (!fragment) return null;
    const stream = seed.bytes.slice(fragment.valueOffset, fragment.valueOffset + fragment.length);
    const start = Math.floor(stream.length * 0.2);
    if (random.next() < 0.5) {
      const count = 1 + random.int(64);
      for (let i = 0; i < count; i++) stream[start + random.int(stream.length - start)] = random.int(256);
      return {
        bytes: replaceFragment(seed, fragment, stream),
        detail: `${count} entropy-coded bytes randomised`,
      };
    }
    const marker = random.pick([0xd9, 0xd8, 0xd0, 0xc4, 0xda, 0xf7, 0x90, 0x93, 0x00]);
    const at = start + random.int(stream.length - start - 1);
    stream[at] = 0xff;
    stream[at + 1] = marker;
    return {
      bytes: replaceFragment(seed, fragment, stream),
      detail: `stray marker FF${hexByte(marker)} at ${at}`,
    };
  },
};

function hexByte(value: number): string {
  return value.toString(16).padStart(2, "0").toUpperCase();
}

/** The code stream mutators. */
export const CODESTREAM_MUTATORS: Mutator[] = [codestreamTruncate, codestreamHeader, codestreamData];
