/**
 * Build the Engines a worker holds: OCR sessions loaded once, ROI finding, masking and site rules.
 * @module
 */
import sharp from "sharp";
import type { Engines, TextContext } from "./engines.ts";
import type { ProcessOptions } from "./options.ts";
import type { Box, Volume } from "./volume.ts";
import { textCsv } from "./io/text_csv.ts";
import { FILTERED_CSV_COLUMNS, filterTextRows, parseRules, type SiteRules } from "./phi/rules.ts";
import { findRoi } from "./roi/find_roi.ts";
import { maskText, textMask } from "./text/text_mask.ts";
import { createTextEngine, type TextEngine } from "./text/text_engine.ts";
import { detectVolumeText, verifyNoText } from "./text/volume_text.ts";

/** Options of {@link createEngines}. */
export interface EngineOptions {
  /** ONNX intra-op threads per session (workers × threads should not exceed cores). */
  threads?: number;
  /** Smaller OCR memory for slower detection (`--low-memory`). */
  lowMemory?: boolean;
}

/**
 * The text blanking every engine set uses (no model needed): a helper writing some of a streamed
 * file's frames blanks with exactly this, as the owner's engines do.
 *
 * @example
 * ```ts
 * const clean = blankTextBoxes(volume, [{ x: 10, y: 4, width: 80, height: 14 }], options);
 * ```
 */
export function blankTextBoxes(
  volume: Volume,
  boxes: Box[],
  options: Pick<ProcessOptions, "pad" | "fill">,
  inPlace = false,
): Volume {
  return maskText(volume, boxes, { pad: options.pad, fill: options.fill, inPlace });
}

/**
 * Create the engines; the OCR models load once here and stay loaded for every file.
 *
 * @example
 * ```ts
 * const engines = await createEngines();
 * const findings = await engines.detectText(volume8, options);
 * ```
 */
export async function createEngines(engineOptions: EngineOptions = {}): Promise<Engines> {
  // libvips keeps up to 50 MB of operation results for reuse; no frame is ever encoded twice.
  sharp.cache(false);
  // Loaded eagerly: a missing or corrupt model is a start-up error, not a skip for every file.
  const textEngine: TextEngine = await createTextEngine({
    threads: engineOptions.threads ?? 1,
    lowMemory: engineOptions.lowMemory,
  });
  const ocr = (context: TextContext) => context.lowMemory ? textEngine.lean() : Promise.resolve(textEngine);
  const rulesCache = new Map<string, SiteRules>();
  return {
    async detectText(volume8, options, context = {}) {
      return await detectVolumeText(await ocr(context), volume8, {
        frames: options.textFrames,
        summaryBase: context.summaryBase,
      });
    },
    async countResidualText(volume8, options, context = {}) {
      return (await verifyNoText(await ocr(context), volume8, { frames: options.textFrames })).residual;
    },
    textMask,
    blankText: blankTextBoxes,
    findRoi(volume8, options) {
      return Promise.resolve(
        findRoi(volume8, options.mode as "deid" | "us" | "one" | "clean", { keepColor: options.keepColor }),
      );
    },
    async filterRows(rows, rulesPath) {
      let rules = rulesCache.get(rulesPath);
      if (!rules) {
        rules = parseRules(await Deno.readTextFile(rulesPath), rulesPath);
        rulesCache.set(rulesPath, rules);
      }
      return textCsv(filterTextRows(rows, rules), FILTERED_CSV_COLUMNS);
    },
    close() {
      // ONNX sessions are freed with the worker; nothing else holds native resources.
      return Promise.resolve();
    },
  };
}
