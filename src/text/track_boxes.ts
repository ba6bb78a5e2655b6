/**
 * Joining per-frame text boxes over time into tracks: one box per place, with the frames it was seen on.
 * @module
 */
import type { Box } from "../volume.ts";

/** A box seen on one frame. */
export interface FrameBox extends Box {
  frame: number;
}

/** A box joined over time: the union of its per-frame boxes and the sorted frames it was seen on. */
export interface TrackedBox extends Box {
  frames: number[];
}

/** Intersection area over the smaller box's area (1 when one box holds the other). */
function overlapOfSmaller(a: Box, b: Box): number {
  const ix = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const iy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (ix <= 0 || iy <= 0) return 0;
  return (ix * iy) / Math.min(a.width * a.height, b.width * b.height);
}

/**
 * Join boxes from different frames that cover the same place (overlap ≥ `minOverlap` of the smaller
 * box). Each track is the union rectangle of its members, so a box that jitters by a pixel or grows
 * with a running clock is masked in full everywhere.
 *
 * @example
 * ```ts
 * trackBoxes([{ frame: 0, x: 0, y: 0, width: 10, height: 5 }, { frame: 3, x: 1, y: 0, width: 10, height: 5 }]);
 * // [{ x: 0, y: 0, width: 11, height: 5, frames: [0, 3] }]
 * ```
 */
export function trackBoxes(boxes: FrameBox[], minOverlap = 0.5): TrackedBox[] {
  const tracks: { box: Box; frames: Set<number> }[] = [];
  for (const seen of boxes) {
    let joined = tracks.find((track) => overlapOfSmaller(track.box, seen) >= minOverlap);
    if (!joined) {
      joined = { box: { x: seen.x, y: seen.y, width: seen.width, height: seen.height }, frames: new Set() };
      tracks.push(joined);
    } else {
      const { box } = joined;
      const x = Math.min(box.x, seen.x);
      const y = Math.min(box.y, seen.y);
      box.width = Math.max(box.x + box.width, seen.x + seen.width) - x;
      box.height = Math.max(box.y + box.height, seen.y + seen.height) - y;
      box.x = x;
      box.y = y;
    }
    joined.frames.add(seen.frame);
  }
  // Growing unions may now overlap each other: merge until stable.
  let merged = true;
  while (merged) {
    merged = false;
    outer: for (let i = 0; i < tracks.length; i++) {
      for (let j = i + 1; j < tracks.length; j++) {
        if (overlapOfSmaller(tracks[i].box, tracks[j].box) < minOverlap) continue;
        const a = tracks[i].box;
        const b = tracks[j].box;
        const x = Math.min(a.x, b.x);
        const y = Math.min(a.y, b.y);
        tracks[i].box = {
          x,
          y,
          width: Math.max(a.x + a.width, b.x + b.width) - x,
          height: Math.max(a.y + a.height, b.y + b.height) - y,
        };
        for (const frame of tracks[j].frames) tracks[i].frames.add(frame);
        tracks.splice(j, 1);
        merged = true;
        break outer;
      }
    }
  }
  return tracks
    .map(({ box, frames }) => ({ ...box, frames: [...frames].sort((a, b) => a - b) }))
    .sort((a, b) => a.y - b.y || a.x - b.x);
}

/**
 * Join tracks that are words of one text line (same row band, similar height, gap under
 * `maxGapRatio` × line height), so "BAPTIST" + "MED CTR" is read, and written, as one string.
 *
 * @example
 * ```ts
 * joinLines([{ x: 0, y: 0, width: 40, height: 20, frames: [0] }, { x: 45, y: 1, width: 30, height: 20, frames: [0] }]);
 * // [{ x: 0, y: 0, width: 75, height: 21, frames: [0] }]
 * ```
 */
export function joinLines(tracks: TrackedBox[], maxGapRatio = 0.5): TrackedBox[] {
  const lines = tracks.map((track) => ({ ...track, frames: [...track.frames] }));
  let joined = true;
  while (joined) {
    joined = false;
    outer: for (let i = 0; i < lines.length; i++) {
      for (let j = 0; j < lines.length; j++) {
        if (i === j) continue;
        const left = lines[i];
        const right = lines[j];
        if (right.x < left.x) continue;
        const overlapY = Math.min(left.y + left.height, right.y + right.height) - Math.max(left.y, right.y);
        const lower = Math.min(left.height, right.height);
        const higher = Math.max(left.height, right.height);
        if (overlapY < 0.6 * lower || higher > 1.5 * lower) continue;
        const gap = right.x - (left.x + left.width);
        if (gap > maxGapRatio * higher) continue;
        const x = left.x;
        const y = Math.min(left.y, right.y);
        lines[i] = {
          x,
          y,
          width: Math.max(left.x + left.width, right.x + right.width) - x,
          height: Math.max(left.y + left.height, right.y + right.height) - y,
          frames: [...new Set([...left.frames, ...right.frames])].sort((a, b) => a - b),
        };
        lines.splice(j, 1);
        joined = true;
        break outer;
      }
    }
  }
  return lines.sort((a, b) => a.y - b.y || a.x - b.x);
}
