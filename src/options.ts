/**
 * Processing options, validated once at the edge with zod; everything inside trusts them.
 * @module
 */
import { z } from "zod";
import { DEFAULT_MAX_BYTES } from "./io/read.ts";

/** The de-identification modes (see ARCHITECTURE.md). */
export const MODES = ["deid", "us", "one", "clean", "text"] as const;
/** A mode name. */
export type Mode = typeof MODES[number];

/** Output containers. */
export const FORMATS = ["jpeg", "png", "webp", "dicom", "mp4", "nifti"] as const;

/** Schema of the options one file is processed with. */
export const processOptionsSchema = z.object({
  mode: z.enum(MODES),
  format: z.enum(FORMATS).default("jpeg"),
  quality: z.number().int().min(1).max(100).default(95),
  lossless: z.boolean().default(false),
  csv: z.boolean().default(true),
  masks: z.boolean().default(false),
  verify: z.boolean().default(false),
  rename: z.boolean().default(false),
  textFrames: z.enum(["auto", "all"]).default("auto"),
  pad: z.number().int().min(0).max(64).default(2),
  fill: z.enum(["zero", "background"]).default("zero"),
  rules: z.string().optional(),
  maxBytes: z.number().int().positive().default(DEFAULT_MAX_BYTES),
  keepColor: z.boolean().default(false),
  codec: z.enum(["htj2k", "jpegls", "jpeg", "raw"]).default("htj2k"),
  crf: z.number().int().min(0).max(51).default(18),
  siteKey: z.string().optional(),
  retainDates: z.boolean().default(false),
  retainDevice: z.boolean().default(false),
  retainPatientCharacteristics: z.boolean().default(false),
  retainSafePrivate: z.array(z.string()).default([]),
  detectLongSide: z.number().int().min(320).max(4096).default(1280),
});

/** Fully defaulted options for one file. */
export type ProcessOptions = z.infer<typeof processOptionsSchema>;
/** What callers may pass: everything but `mode` is optional. */
export type ProcessOptionsInput = z.input<typeof processOptionsSchema>;

/**
 * Validate and default options, with one readable line per problem.
 *
 * @example
 * ```ts
 * const options = parseProcessOptions({ mode: "us" });
 * options.quality; // 95
 * ```
 */
export function parseProcessOptions(input: ProcessOptionsInput): ProcessOptions {
  const result = processOptionsSchema.safeParse(input);
  if (!result.success) throw new OptionsError(formatIssues(result.error));
  return result.data;
}

/** Invalid options (a usage error: exit code 2). */
export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OptionsError";
  }
}

/**
 * Turn zod issues into `--option: problem` lines.
 *
 * @example
 * ```ts
 * const result = processOptionsSchema.safeParse({ mode: "x" });
 * if (!result.success) console.log(formatIssues(result.error));
 * ```
 */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => {
    const name = issue.path.length ? `--${kebab(String(issue.path[0]))}` : "options";
    return `${name}: ${issue.message}`;
  }).join("\n");
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
