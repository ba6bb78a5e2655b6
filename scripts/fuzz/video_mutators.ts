/**
 * Video container mutators: truncation at MP4 box / AVI chunk boundaries and absurd box sizes.
 * @module
 */
import { withUint } from "./byte_ops.ts";
import type { Mutator } from "./mutation.ts";

/** Cut at a box or chunk boundary (or just inside its header). */
export const containerTruncate: Mutator = {
  name: "video-truncate-box",
  kinds: ["video"],
  mutate(seed, random) {
    const spans = seed.container ?? [];
    if (!spans.length) return null;
    const span = random.pick(spans);
    const at = Math.min(
      seed.bytes.length - 1,
      span.offset + random.pick([0, 4, 8, 12, Math.floor(span.size / 2)]),
    );
    return { bytes: seed.bytes.slice(0, at), detail: `truncated in box "${span.type}" at ${at}` };
  },
};

/** Set a box or chunk size to 0, 1, huge or past the end. */
export const containerSize: Mutator = {
  name: "video-box-size",
  kinds: ["video"],
  mutate(seed, random) {
    const spans = seed.container ?? [];
    if (!spans.length) return null;
    const span = random.pick(spans);
    const value = random.pick([0, 1, 7, 0xffffffff, 0x7fffffff, seed.bytes.length * 2, span.size + 1]);
    return {
      bytes: withUint(seed.bytes, span.sizeOffset, 4, value, span.littleEndian),
      detail: `size of box "${span.type}" set to ${value}`,
    };
  },
};

/** The video mutators. */
export const VIDEO_MUTATORS: Mutator[] = [containerTruncate, containerSize];
