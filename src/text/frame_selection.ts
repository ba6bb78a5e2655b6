/**
 * Which frames of a loop to run text detection on.
 * @module
 */

/** Timing and policy for {@link selectFrames}. */
export interface FrameSelectionOptions {
  /** Milliseconds between frames (DICOM FrameTime); preferred over frameRate. */
  frameTimeMs?: number;
  /** Frames per second, used when frameTimeMs is absent. */
  frameRate?: number;
  /** Scan every frame (`--text-frames all`). */
  all?: boolean;
  /** Every frame must lie within this many ms of a scanned frame. Default 500. */
  maxGapMs?: number;
  /** Loops this short are scanned completely. Default 16. */
  scanAllUpTo?: number;
  /** Frame interval assumed when the file gives no timing (30 fps ultrasound). Default 33.3 ms. */
  defaultFrameTimeMs?: number;
}

/**
 * Sorted frame indices to scan: first, middle and last, plus evenly spaced frames so that every frame
 * is within `maxGapMs` of a scanned one; all frames for short loops or when `all` is set.
 *
 * @example
 * ```ts
 * selectFrames(10); // [0, 1, ..., 9]
 * selectFrames(100, { frameTimeMs: 100 }); // every frame within 5 frames of a scanned one
 * ```
 */
export function selectFrames(frameCount: number, options: FrameSelectionOptions = {}): number[] {
  if (frameCount <= 0) return [];
  const everything = Array.from({ length: frameCount }, (_, i) => i);
  if (options.all || frameCount <= (options.scanAllUpTo ?? 16)) return everything;
  const frameTime = options.frameTimeMs && options.frameTimeMs > 0
    ? options.frameTimeMs
    : options.frameRate && options.frameRate > 0
    ? 1000 / options.frameRate
    : options.defaultFrameTimeMs ?? 1000 / 30;
  // Largest allowed distance, in frames, between any frame and its nearest scanned frame.
  const reach = Math.floor((options.maxGapMs ?? 500) / frameTime);
  if (reach <= 0) return everything;
  const anchors = [0, Math.floor((frameCount - 1) / 2), frameCount - 1];
  const chosen = new Set<number>(anchors);
  for (let i = 0; i + 1 < anchors.length; i++) {
    const start = anchors[i];
    const end = anchors[i + 1];
    // Gaps of at most 2·reach+1 frames keep every frame within `reach` of an end of its gap.
    const pieces = Math.ceil((end - start) / (2 * reach + 1));
    for (let k = 1; k < pieces; k++) chosen.add(start + Math.round((k * (end - start)) / pieces));
  }
  return [...chosen].sort((a, b) => a - b);
}
