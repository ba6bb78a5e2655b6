/**
 * PP-OCRv4 text recognition (CTC) on onnxruntime-node: crop → text and confidence.
 * @module
 */
import { type InferenceSession, Tensor } from "onnxruntime-node";
import type { Box, Frame8 } from "../volume.ts";
import { ctcGreedyDecode, type Reading } from "./ctc_decode.ts";
import { ModelLoadError } from "./model_files.ts";
import { HALF, resizeToTensor } from "./resize_tensor.ts";

/** Input height of the PP-OCRv4 recogniser. */
export const RECOGNITION_HEIGHT = 48;
/** Narrowest input width, as PaddleOCR pads short crops to a 320-wide canvas. */
const MIN_WIDTH = 320;
/** Widest input accepted; longer lines are squeezed (a 100:1 line is not a single read anyway). */
const MAX_WIDTH = 3200;

/**
 * A CTC recogniser bound to one ONNX session and key list, created once and reused.
 *
 * @example
 * ```ts
 * const recognizer = new TextRecognizer(session, ctcKeys(await Deno.readTextFile(paths.dictionary)));
 * const { text, confidence } = await recognizer.recognize(frame, { x: 10, y: 5, width: 120, height: 20 });
 * ```
 */
export class TextRecognizer {
  readonly #session: InferenceSession;
  readonly #keys: string[];
  #checked = false;

  constructor(session: InferenceSession, keys: string[]) {
    this.#session = session;
    this.#keys = keys;
  }

  /** Read the text inside `box` of `frame` (box clipped to the frame). */
  async recognize(frame: Frame8, box: Box): Promise<Reading> {
    const x0 = Math.max(0, Math.min(frame.cols - 1, Math.floor(box.x)));
    const y0 = Math.max(0, Math.min(frame.rows - 1, Math.floor(box.y)));
    const x1 = Math.max(x0 + 1, Math.min(frame.cols, Math.ceil(box.x + box.width)));
    const y1 = Math.max(y0 + 1, Math.min(frame.rows, Math.ceil(box.y + box.height)));
    const region = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    const width = Math.min(
      MAX_WIDTH,
      Math.max(1, Math.ceil((RECOGNITION_HEIGHT * region.width) / region.height)),
    );
    const tensorWidth = Math.max(MIN_WIDTH, Math.ceil(width / 8) * 8);
    const input = resizeToTensor(frame, region, RECOGNITION_HEIGHT, width, HALF, tensorWidth);
    const feeds = {
      [this.#session.inputNames[0]]: new Tensor("float32", input, [1, 3, RECOGNITION_HEIGHT, tensorWidth]),
    };
    const outputs = await this.#session.run(feeds);
    // Output tensors hold native memory that V8 does not see: free it now, not at some later GC.
    try {
      const output = outputs[this.#session.outputNames[0]];
      const [, steps, classes] = output.dims as number[];
      if (!this.#checked) {
        // The key list and model must agree, or every character would be shifted.
        if (classes !== this.#keys.length) {
          throw new ModelLoadError(
            `recognition model has ${classes} classes but the key list gives ${this.#keys.length}`,
          );
        }
        this.#checked = true;
      }
      return ctcGreedyDecode(output.data as Float32Array, steps, this.#keys);
    } finally {
      for (const tensor of Object.values(outputs)) tensor.dispose();
    }
  }
}
