/**
 * Find the cases of an evaluation set and load their truth (see fixtures/README.md for the format).
 * @module
 */

import sharp from "sharp";
import { extname, join, relative } from "node:path";
import type { Mask } from "../src/volume.ts";
import type { TruthTextItem } from "./text_scores.ts";

/** One input of a set and where its truth should be. */
export interface EvalCase {
  /** Relative path of the input without extension, e.g. "case_0003" or "site/a/loop1". */
  id: string;
  inputPath: string;
  relativeInput: string;
  roiPath: string;
  jsonPath: string;
}

/** Truth for one case; fields are null when that file is missing. */
export interface CaseTruth {
  roi: Mask | null;
  text: TruthTextItem[] | null;
  /** Geometry kind from the JSON when the generator wrote it ("phased"...), else "unknown". */
  kind: string;
  format: string | null;
}

/**
 * List every file under SET/inputs (recursively, sorted) with its expected truth paths.
 *
 * @example
 * ```ts
 * const cases = await listCases("fixtures");
 * cases[0].roiPath; // "fixtures/truth/case_0000_roi.png"
 * ```
 */
export async function listCases(setDir: string): Promise<EvalCase[]> {
  const inputsDir = join(setDir, "inputs");
  const cases: EvalCase[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && !entry.name.startsWith(".")) {
        const relativeInput = relative(inputsDir, path);
        const id = relativeInput.slice(0, relativeInput.length - extname(relativeInput).length);
        cases.push({
          id,
          inputPath: path,
          relativeInput,
          roiPath: join(setDir, "truth", `${id}_roi.png`),
          jsonPath: join(setDir, "truth", `${id}.json`),
        });
      }
    }
  };
  try {
    await walk(inputsDir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`${setDir}: no inputs/ folder (see fixtures/README.md)`);
    }
    throw error;
  }
  return cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Load a case's truth. A missing file gives null for that part; an unreadable one throws with the path.
 *
 * @example
 * ```ts
 * const truth = await loadTruth((await listCases("fixtures"))[0]);
 * truth.roi?.rows; // source rows
 * ```
 */
export async function loadTruth(evalCase: EvalCase): Promise<CaseTruth> {
  const roi = await exists(evalCase.roiPath) ? await readMaskPng(evalCase.roiPath) : null;
  let text: TruthTextItem[] | null = null, kind = "unknown", format: string | null = null;
  if (await exists(evalCase.jsonPath)) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(await Deno.readTextFile(evalCase.jsonPath));
    } catch (error) {
      throw new Error(`${evalCase.jsonPath}: not valid JSON (${(error as Error).name})`);
    }
    text = validateItems(parsed.text, evalCase.jsonPath);
    const geometry = parsed.geometry as { kind?: string } | undefined;
    if (typeof geometry?.kind === "string") kind = geometry.kind;
    if (typeof parsed.format === "string") format = parsed.format;
  }
  return { roi, text, kind, format };
}

/**
 * Read a 0/255 PNG (any channel count) as a 0/1 mask; 0/1-valued PNGs are accepted too.
 *
 * @example
 * ```ts
 * const mask = await readMaskPng("fixtures/truth/case_0000_roi.png");
 * ```
 */
export async function readMaskPng(path: string): Promise<Mask> {
  let decoded: { data: Uint8Array; info: { width: number; height: number } };
  try {
    decoded = await sharp(path).greyscale().raw().toBuffer({ resolveWithObject: true }) as typeof decoded;
  } catch (error) {
    throw new Error(`${path}: cannot decode mask image (${(error as Error).message.split("\n")[0]})`);
  }
  const { data, info } = decoded;
  let max = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
  const cut = max <= 1 ? 0 : 127;
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i] > cut ? 1 : 0;
  return { rows: info.height, cols: info.width, data: out };
}

function validateItems(value: unknown, path: string): TruthTextItem[] {
  if (!Array.isArray(value)) throw new Error(`${path}: "text" must be an array of items`);
  return value.map((item, index) => {
    const bbox = item?.bbox;
    if (
      typeof item !== "object" || typeof item.is_phi !== "boolean" || !Array.isArray(bbox) ||
      bbox.length !== 4 ||
      !bbox.every((n: unknown) => typeof n === "number" && Number.isFinite(n))
    ) {
      throw new Error(`${path}: text item ${index} needs is_phi (boolean) and bbox [x, y, w, h] (numbers)`);
    }
    return {
      text: typeof item.text === "string" ? item.text : "",
      is_phi: item.is_phi,
      bbox: bbox.map(Math.round) as [number, number, number, number],
      frames: Array.isArray(item.frames) ? item.frames : [],
    };
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
