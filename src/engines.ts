/**
 * The long-lived step implementations one worker holds: OCR sessions are created once and reused
 * for every file. The pipeline only sees this interface.
 * @module
 */
import type { TextRow } from "./io/text_csv.ts";
import type { VolumeText } from "./text/volume_text.ts";
import type { ProcessOptions } from "./options.ts";
import type { Box, Frame8, Mask, Volume } from "./volume.ts";

/** What text detection found in one volume (source coordinates). */
export type TextFindings = VolumeText;

/** What the ROI step decided. `mask` marks kept pixels with 1; null keeps everything. */
export interface RoiFinding {
  method: string;
  score: number | null;
  geometry: Record<string, unknown>;
  reason?: string;
  mask: Mask | null;
  cropBox: Box | null;
}

/** What the text step needs to know about a loop it sees only part of (streaming). */
export interface TextContext {
  /** The loop's spread-frame minimum when `volume8` holds only some of its frames. */
  summaryBase?: Frame8;
  /** Detect with the low-memory detector (tiles, no arena): the loop is too large to hold. */
  lowMemory?: boolean;
}

/** The steps a worker runs, with their models loaded. */
export interface Engines {
  detectText(volume8: Volume, options: ProcessOptions, context?: TextContext): Promise<TextFindings>;
  countResidualText(volume8: Volume, options: ProcessOptions, context?: TextContext): Promise<number>;
  /** 1 = text pixel to blank. */
  textMask(rows: number, cols: number, boxes: Box[], pad: number): Mask;
  /**
   * A copy of `volume` with the padded boxes filled on every frame and channel; `volume` itself when
   * `inPlace` is set by a caller that owns the pixels.
   */
  blankText(volume: Volume, boxes: Box[], options: ProcessOptions, inPlace?: boolean): Volume;
  findRoi(volume8: Volume, options: ProcessOptions): Promise<RoiFinding>;
  filterRows(rows: TextRow[], rulesPath: string): Promise<string>;
  close(): Promise<void>;
}
