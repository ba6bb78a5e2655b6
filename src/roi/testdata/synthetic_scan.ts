/**
 * Synthetic ultrasound loops with exact truth, for the ROI tests and benchmark: speckle, moving dark
 * pools, static overlays (text blocks, ECG trace, depth dots, grey bar, caliper) around the scan region.
 * @module
 */
import { createVolume, type Mask, type Volume } from "../../volume.ts";

/** Scan-region shape in pixel units; angles in degrees from straight down. */
export interface ScanShape {
  kind: "phased" | "curvilinear" | "linear" | "trapezoid";
  /** Apex (virtual for curvilinear/trapezoid); for linear, the top-centre of the rectangle. */
  apexX: number;
  apexY: number;
  leftAngle: number;
  rightAngle: number;
  nearRadius: number;
  farRadius: number;
  /** Linear: rectangle width. Trapezoid: top and bottom y. */
  width?: number;
  topY?: number;
  bottomY?: number;
}

/**
 * Whether the pixel centre (x, y) lies in the shape (independent of the fitter's rasteriser).
 *
 * @example
 * ```ts
 * insideShape({ kind: "linear", apexX: 50, apexY: 10, leftAngle: 0, rightAngle: 0, nearRadius: 0, farRadius: 40, width: 20 }, 50, 20); // true
 * ```
 */
export function insideShape(shape: ScanShape, x: number, y: number): boolean {
  if (shape.kind === "linear") {
    const half = (shape.width ?? 0) / 2;
    return x >= shape.apexX - half && x <= shape.apexX + half && y >= shape.apexY &&
      y <= shape.apexY + shape.farRadius;
  }
  const dx = x - shape.apexX, dy = y - shape.apexY;
  if (dy <= 0) return false;
  const angle = Math.atan2(dx, dy) * 180 / Math.PI;
  if (angle < shape.leftAngle || angle > shape.rightAngle) return false;
  if (shape.kind === "trapezoid") return y >= (shape.topY ?? 0) && y <= (shape.bottomY ?? 0);
  const radius = Math.hypot(dx, dy);
  return radius >= shape.nearRadius && radius <= shape.farRadius;
}

/**
 * Truth mask of a shape.
 *
 * @example
 * ```ts
 * shapeMask({ kind: "linear", apexX: 5, apexY: 0, leftAngle: 0, rightAngle: 0, nearRadius: 0, farRadius: 3, width: 2 }, 10, 10).data.length; // 100
 * ```
 */
export function shapeMask(shape: ScanShape, rows: number, cols: number): Mask {
  const data = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) data[y * cols + x] = insideShape(shape, x, y) ? 1 : 0;
  }
  return { rows, cols, data };
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Render a loop: speckle inside the shape, a dark pool that moves, and static overlays outside.
 *
 * @example
 * ```ts
 * const shape = { kind: "linear" as const, apexX: 80, apexY: 20, leftAngle: 0, rightAngle: 0, nearRadius: 0, farRadius: 60, width: 100 };
 * syntheticScan(shape, { rows: 120, cols: 160, frames: 2 }).volume.frames; // 2
 * ```
 */
export function syntheticScan(
  shape: ScanShape,
  options: {
    rows: number;
    cols: number;
    frames: number;
    channels?: 1 | 3;
    seed?: number;
    overlays?: boolean;
    /** Black speckle and a black pool reaching the left edge, so thresholding alone leaves holes and notches. */
    hard?: boolean;
  },
): { volume: Volume; truth: Mask } {
  const { rows, cols, frames } = options;
  const channels = options.channels ?? 1;
  const random = mulberry32(options.seed ?? 3);
  const truth = shapeMask(shape, rows, cols);
  const volume = createVolume({ frames, rows, cols, channels, type: "uint8", meta: { format: "image" } });
  const data = volume.data as Uint8Array;
  const box = boxOf(truth);
  for (let frame = 0; frame < frames; frame++) {
    const base = frame * rows * cols * channels;
    const hard = options.hard === true;
    const poolX = box.x + box.width * ((hard ? 0.2 : 0.4) + 0.1 * Math.sin(frame / 3));
    const poolY = box.y + box.height * 0.45;
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        const i = y * cols + x;
        if (!truth.data[i]) continue;
        // Rayleigh speckle, darker with depth, with a moving dark pool.
        const depth = (y - box.y) / Math.max(1, box.height);
        let value = 70 * Math.sqrt(-2 * Math.log(1 - random() * 0.999)) * (1 - 0.5 * depth) + 8;
        const ex = (x - poolX) / (0.18 * box.width), ey = (y - poolY) / (0.15 * box.height);
        if (ex * ex + ey * ey < 1) value *= hard ? 0 : 0.15;
        if (hard && random() < 0.1) value = 0;
        const level = Math.max(hard ? 0 : 1, Math.min(255, Math.round(value)));
        for (let c = 0; c < channels; c++) data[base + i * channels + c] = level;
      }
    }
    if (options.overlays !== false) drawOverlays(data, base, rows, cols, channels, truth, frame);
  }
  return { volume, truth };
}

function drawOverlays(
  data: Uint8Array,
  base: number,
  rows: number,
  cols: number,
  channels: number,
  truth: Mask,
  frame: number,
): void {
  const put = (x: number, y: number, value: number, color?: [number, number, number]) => {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= cols || y >= rows) return;
    const o = base + (y * cols + x) * channels;
    for (let c = 0; c < channels; c++) data[o + c] = color && channels === 3 ? color[c] : value;
  };
  const block = (x0: number, y0: number, w: number, h: number, value: number) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) if ((x + y) % 3) put(x, y, value);
  };
  // Text-like blocks in the corners and a grey bar on the right.
  block(4, 4, Math.round(cols * 0.2), Math.round(rows * 0.03), 230);
  block(cols - Math.round(cols * 0.18) - 4, 4, Math.round(cols * 0.18), Math.round(rows * 0.03), 200);
  for (let y = Math.round(rows * 0.2); y < rows * 0.5; y++) {
    for (let x = cols - 14; x < cols - 6; x++) put(x, y, Math.round(255 * (y / rows)));
  }
  // ECG trace along the bottom, moving with the frame.
  for (let x = Math.round(cols * 0.1); x < cols * 0.6; x++) {
    const phase = (x + frame * 5) % 80;
    put(x, rows - 20 - (phase < 6 ? phase * 3 : 0), 180, [40, 220, 40]);
  }
  // Depth dots just outside the right edge, caliper cross inside.
  let dotCount = 0;
  for (let y = 0; y < rows && dotCount < 12; y += Math.round(rows / 16)) {
    let edge = -1;
    for (let x = cols - 1; x >= 0; x--) {
      if (truth.data[y * cols + x]) {
        edge = x;
        break;
      }
    }
    if (edge < 0) continue;
    for (let d = 0; d < 4; d++) put(edge + 9 + (d & 1), y + (d >> 1), 220);
    dotCount++;
  }
  const box = boxOf(truth);
  const cx = box.x + box.width / 2, cy = box.y + box.height * 0.7;
  for (let d = -5; d <= 5; d++) {
    put(cx + d, cy, 255, [250, 250, 60]);
    put(cx, cy + d, 255, [250, 250, 60]);
  }
}

function boxOf(mask: Mask): { x: number; y: number; width: number; height: number } {
  let minX = mask.cols, minY = mask.rows, maxX = 0, maxY = 0;
  for (let y = 0; y < mask.rows; y++) {
    for (let x = 0; x < mask.cols; x++) {
      if (!mask.data[y * mask.cols + x]) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}
