/**
 * PP-OCRv4 text detection (DB net) on onnxruntime-node: frame → text boxes in source coordinates.
 * @module
 */
import { InferenceSession, Tensor } from "onnxruntime-node";
import type { Box, Frame8 } from "../volume.ts";
import { dbBoxes, type DbOptions, type ScoredBox } from "./db_postprocess.ts";
import { ModelLoadError } from "./model_files.ts";
import { IMAGENET, resizeToTensor } from "./resize_tensor.ts";
import { edgePadding, padFrame, uniformSides } from "./edge_pad.ts";

/** Detection settings: DB thresholds plus how a frame is scaled and tiled. */
export interface DetectOptions extends DbOptions {
  /**
   * Longest side, in model pixels, of one detector pass. Larger frames are cut into overlapping tiles
   * at full resolution rather than downscaled, so small text survives. Default 2048.
   */
  tileSide?: number;
  /** Overlap between neighbouring tiles, in source pixels. Default 128. */
  tileOverlap?: number;
  /** Optional long-side limit: frames are downscaled to it first (trades small-text recall for speed). */
  limitSideLength?: number;
  /** Frames whose long side is below this are upscaled (at most `maxUpscale`×) so tiny text grows. Default 640. */
  minSideLength?: number;
  /** Upper bound on the upscale factor for small frames. Default 2. */
  maxUpscale?: number;
  /**
   * Distance, in source pixels, that text keeps from the model input's edge: the DB net misses text
   * that touches the image edge (e.g. a date in the top-right corner). Sides without that many quiet
   * lines of their own are padded in the edge colour. Default 16.
   */
  borderPad?: number;
  /**
   * Called after every model run. The low-memory engine hands freed native memory back to the system
   * here: without an arena, each run's activations are malloc'd and freed in the model threads'
   * own glibc arenas, which otherwise keep them, and the peak of a 2 GiB stream varied by 90 MB.
   */
  afterRun?: () => void;
}

/** Options for creating ONNX Runtime sessions. */
export interface SessionOptions {
  /** Intra-op threads per session (default 1, so workers × threads stays within the cores). */
  threads?: number;
  /**
   * Keep ONNX Runtime's memory arena. Detection runs 20-25% faster with it (no fresh page faults for
   * its large activations on every frame) but holds the largest input's buffers for the session's
   * life: about 140 MB more at 800x600. Default off.
   */
  memoryArena?: boolean;
  /** Pre-plan each run's buffers (default on). Off saves about 40 MB on recognition for 5-7% of its speed. */
  memoryPattern?: boolean;
}

/**
 * Create an ONNX Runtime session from model bytes; failures become {@link ModelLoadError}.
 *
 * @example
 * ```ts
 * const session = await createSession(await readModelFile(ocrModelPaths().detection), "det.onnx", { threads: 1 });
 * ```
 */
export async function createSession(
  modelBytes: Uint8Array,
  name: string,
  options: SessionOptions = {},
): Promise<InferenceSession> {
  try {
    return await InferenceSession.create(modelBytes, {
      intraOpNumThreads: Math.max(1, options.threads ?? 1),
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      enableCpuMemArena: options.memoryArena ?? false,
      enableMemPattern: options.memoryPattern ?? true,
      // ORT's intra-op threads spin between ops by default. Here they share the cores with decoding,
      // ROI and encoding: spinning took 13% more CPU at --jobs 1 for the same wall time.
      extra: { session: { intra_op: { allow_spinning: "0" } } },
    });
  } catch (error) {
    throw new ModelLoadError(`${name}: OCR model cannot be loaded (corrupt or incompatible ONNX file)`, {
      cause: error,
    });
  }
}

/** Round a length to the nearest multiple of 32 the DB net needs, at least 32. */
function multipleOf32(length: number): number {
  return Math.max(32, Math.round(length / 32) * 32);
}

/** True when every sample of the frame (or of one region of it) is equal: no edges, so no text and no work. */
function isConstant(frame: Frame8, region?: Box): boolean {
  const { cols, channels, data } = frame;
  const area = region ?? { x: 0, y: 0, width: cols, height: frame.rows };
  const first = data[(area.y * cols + area.x) * channels];
  for (let y = area.y; y < area.y + area.height; y++) {
    const end = (y * cols + area.x + area.width) * channels;
    for (let i = (y * cols + area.x) * channels; i < end; i++) if (data[i] !== first) return false;
  }
  return true;
}

/**
 * Split [0, length) into windows of at most `window` with `overlap`, covering every pixel.
 *
 * @example
 * ```ts
 * tileStarts(5000, 4096, 128); // [0, 904]
 * ```
 */
export function tileStarts(length: number, window: number, overlap: number): number[] {
  if (length <= window) return [0];
  const step = Math.max(1, window - overlap);
  const count = Math.ceil((length - window) / step) + 1;
  const starts: number[] = [];
  for (let i = 0; i < count; i++) starts.push(Math.round((i * (length - window)) / (count - 1)));
  return starts;
}

/**
 * Merge boxes that mostly overlap (e.g. the same word seen by two tiles): a pair merges when their
 * intersection covers at least `minCover` of the smaller box. The merged box is the union.
 *
 * @example
 * ```ts
 * mergeOverlapping([{ x: 0, y: 0, width: 10, height: 10, score: 0.9 }, { x: 2, y: 2, width: 10, height: 8, score: 0.8 }]).length; // 1
 * ```
 */
export function mergeOverlapping(boxes: ScoredBox[], minCover = 0.5): ScoredBox[] {
  const merged = boxes.map((box) => ({ ...box }));
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < merged.length && !changed; i++) {
      for (let j = i + 1; j < merged.length; j++) {
        const a = merged[i];
        const b = merged[j];
        const ix = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        const iy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        if (ix <= 0 || iy <= 0) continue;
        const smaller = Math.min(a.width * a.height, b.width * b.height);
        if (ix * iy < minCover * smaller) continue;
        const x = Math.min(a.x, b.x);
        const y = Math.min(a.y, b.y);
        merged[i] = {
          x,
          y,
          width: Math.max(a.x + a.width, b.x + b.width) - x,
          height: Math.max(a.y + a.height, b.y + b.height) - y,
          score: Math.max(a.score, b.score),
        };
        merged.splice(j, 1);
        changed = true;
        break;
      }
    }
  }
  return merged;
}

/**
 * A DB text detector bound to one ONNX session, created once and reused for every frame and file.
 *
 * @example
 * ```ts
 * const detector = new TextDetector(session, { boxThreshold: 0.5 });
 * const boxes = await detector.detect({ rows: 600, cols: 800, channels: 3, data: pixels });
 * ```
 */
export class TextDetector {
  readonly #session: InferenceSession;
  readonly #options: DetectOptions;
  /**
   * The last input tensor's buffer, reused by the next run of the same size (every frame of a loop):
   * a fresh 6 MB array per frame was garbage V8 collected late, 100+ MB over a streamed text window.
   */
  #input: Float32Array | null = null;
  #inputBusy = false;

  constructor(session: InferenceSession, options: DetectOptions = {}) {
    this.#session = session;
    this.#options = options;
  }

  /**
   * Text boxes of a whole frame in source pixel coordinates (tiled when large, upscaled when tiny).
   * `overrides` replace the detector's options for this call (e.g. a cheaper scale for a quick scan).
   */
  async detect(source: Frame8, overrides: DetectOptions = {}): Promise<ScoredBox[]> {
    const options = { ...this.#options, ...overrides };
    if (source.rows === 0 || source.cols === 0 || isConstant(source)) return [];
    const border = options.borderPad ?? 16;
    const longSide = Math.max(source.rows, source.cols) + 2 * border;
    const minSide = options.minSideLength ?? 640;
    let scale = longSide < minSide ? Math.min(options.maxUpscale ?? 2, minSide / longSide) : 1;
    const limit = options.limitSideLength;
    if (limit !== undefined && longSide * scale > limit) scale = limit / longSide;
    // At full scale the border is model time, so a side's own quiet lines count towards it; a
    // rescaled frame gets the whole border, since its model size does not depend on it.
    const pads = scale === 1 ? edgePadding(source, border, 32) : uniformSides(border);
    const frame = border > 0 ? padFrame(source, pads, scale === 1 ? 32 : 1) : source;
    const tileSource = Math.max(32, Math.floor((options.tileSide ?? 2048) / scale));
    const overlap = Math.min(options.tileOverlap ?? 128, Math.floor(tileSource / 2));
    const boxes: ScoredBox[] = [];
    const tiled = frame.rows > tileSource || frame.cols > tileSource;
    for (const y of tileStarts(frame.rows, tileSource, overlap)) {
      for (const x of tileStarts(frame.cols, tileSource, overlap)) {
        const region = {
          x,
          y,
          width: Math.min(tileSource, frame.cols - x),
          height: Math.min(tileSource, frame.rows - y),
        };
        if (tiled && isConstant(frame, region)) continue;
        boxes.push(...await this.detectRegion(frame, region, scale, options));
      }
    }
    const merged = tiled ? mergeOverlapping(boxes) : boxes;
    if (border === 0) return merged;
    // Back to source coordinates, clipped to the frame.
    return merged.flatMap((box) => {
      const x0 = Math.max(0, box.x - pads.left);
      const y0 = Math.max(0, box.y - pads.top);
      const x1 = Math.min(source.cols, box.x + box.width - pads.left);
      const y1 = Math.min(source.rows, box.y + box.height - pads.top);
      return x1 > x0 && y1 > y0 ? [{ x: x0, y: y0, width: x1 - x0, height: y1 - y0, score: box.score }] : [];
    });
  }

  /**
   * Text boxes inside one region of a frame, run at `scale` (model pixels per source pixel), in
   * source coordinates clipped to the region. `overrides` replace the detector's options for this call.
   */
  async detectRegion(
    frame: Frame8,
    region: Box,
    scale = 1,
    overrides: DetectOptions = {},
  ): Promise<ScoredBox[]> {
    const options = { ...this.#options, ...overrides };
    const modelRows = multipleOf32(region.height * scale);
    const modelCols = multipleOf32(region.width * scale);
    const size = 3 * modelRows * modelCols;
    const reuse = !this.#inputBusy && this.#input?.length === size;
    const input = resizeToTensor(
      frame,
      region,
      modelRows,
      modelCols,
      IMAGENET,
      modelCols,
      reuse ? this.#input! : new Float32Array(size),
    );
    const feeds = {
      [this.#session.inputNames[0]]: new Tensor("float32", input, [1, 3, modelRows, modelCols]),
    };
    let outputs: InferenceSession.OnnxValueMapType;
    this.#inputBusy = true;
    try {
      outputs = await this.#session.run(feeds);
    } finally {
      this.#inputBusy = false;
      this.#input = input;
      options.afterRun?.();
    }
    let boxes: ScoredBox[];
    try {
      boxes = dbBoxes(
        outputs[this.#session.outputNames[0]].data as Float32Array,
        modelRows,
        modelCols,
        options,
      );
    } finally {
      // Output tensors hold native memory that V8 does not see: free it now, not at some later GC.
      for (const tensor of Object.values(outputs)) tensor.dispose();
    }
    const sx = region.width / modelCols;
    const sy = region.height / modelRows;
    return boxes.map((box) => {
      const x0 = region.x + Math.floor(box.x * sx);
      const y0 = region.y + Math.floor(box.y * sy);
      const x1 = Math.min(region.x + region.width, region.x + Math.ceil((box.x + box.width) * sx));
      const y1 = Math.min(region.y + region.height, region.y + Math.ceil((box.y + box.height) * sy));
      return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0), score: box.score };
    });
  }
}
