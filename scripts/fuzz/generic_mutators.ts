/**
 * Format-agnostic mutators: bit flips, byte smashing, random truncation, deleted spans, trailing garbage.
 * @module
 */
import { join, splice } from "./byte_ops.ts";
import type { Mutator } from "./mutation.ts";

const ALL = ["dicom", "nifti", "video", "other"] as const;

/** Flip 1–32 bits, half the time only within the first 4 KB (headers) where they matter most. */
export const bitFlips: Mutator = {
  name: "bit-flips",
  kinds: ALL,
  mutate(seed, random) {
    const out = seed.bytes.slice();
    const count = 1 + random.int(random.next() < 0.5 ? 4 : 32);
    const span = random.next() < 0.5 ? Math.min(out.length, 4096) : out.length;
    for (let i = 0; i < count; i++) out[random.int(span)] ^= 1 << random.int(8);
    return { bytes: out, detail: `${count} bit flips within the first ${span} bytes` };
  },
};

/** Overwrite a run of 1–64 bytes with 0x00, 0xFF or random values. */
export const byteSmash: Mutator = {
  name: "byte-smash",
  kinds: ALL,
  mutate(seed, random) {
    const out = seed.bytes.slice();
    const start = random.int(out.length);
    const length = Math.min(out.length - start, 1 + random.int(64));
    const fill = random.pick(["zero", "ff", "random"] as const);
    for (let i = start; i < start + length; i++) {
      out[i] = fill === "zero" ? 0 : fill === "ff" ? 0xff : random.int(256);
    }
    return { bytes: out, detail: `${length} bytes at ${start} set to ${fill}` };
  },
};

/** Cut the file at a random offset. */
export const truncateRandom: Mutator = {
  name: "truncate-random",
  kinds: ALL,
  mutate(seed, random) {
    const at = random.int(seed.bytes.length);
    return { bytes: seed.bytes.slice(0, at), detail: `truncated to ${at} of ${seed.bytes.length} bytes` };
  },
};

/** Delete a span, shifting everything after it. */
export const deleteSpan: Mutator = {
  name: "delete-span",
  kinds: ALL,
  mutate(seed, random) {
    const start = random.int(seed.bytes.length);
    const end = Math.min(seed.bytes.length, start + 1 + random.int(random.next() < 0.5 ? 16 : 4096));
    return {
      bytes: splice(seed.bytes, start, end, new Uint8Array(0)),
      detail: `deleted bytes ${start}..${end}`,
    };
  },
};

/** Append garbage (random bytes or a second copy of the head). */
export const appendGarbage: Mutator = {
  name: "append-garbage",
  kinds: ALL,
  mutate(seed, random) {
    const length = 1 + random.int(8192);
    const tail = random.next() < 0.5
      ? Uint8Array.from({ length }, () => random.int(256))
      : seed.bytes.subarray(0, Math.min(length, seed.bytes.length));
    return { bytes: join([seed.bytes, tail]), detail: `appended ${tail.length} bytes` };
  },
};

/** The generic mutators. */
export const GENERIC_MUTATORS: Mutator[] = [bitFlips, byteSmash, truncateRandom, deleteSpan, appendGarbage];
