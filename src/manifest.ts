/**
 * The per-file manifest.json shape (ARCHITECTURE.md, Output contract). No recognised text goes here.
 * @module
 */
import type { Box } from "./volume.ts";

/** Tool version written into every manifest. */
export const VERSION = "0.1.0";

/** A text box with the frames it was seen on. */
export interface TrackedBox extends Box {
  frames: number[];
}

/** manifest.json for one input. */
export interface Manifest {
  source?: string;
  mode: string;
  version: string;
  steps: string[];
  frames: number;
  rows: number;
  cols: number;
  channels: number;
  crop: Box | null;
  roi: { method: string; score: number | null; geometry: Record<string, unknown>; reason?: string };
  text: { boxes: TrackedBox[]; framesScanned: number[]; residual: number | null };
  format: {
    container: string;
    codec: string;
    transferSyntax?: string;
    quality: number | null;
    lossless: boolean;
    bitDepth: number;
    /** Added to signed samples so they fit an unsigned container (PNG): stored = value + valueOffset. */
    valueOffset?: number;
  };
  outputs: string[];
  bytesIn: number;
  bytesOut: number;
  timingsMs: Record<string, number>;
}
