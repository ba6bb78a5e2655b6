/**
 * Character error rate of the recognised PHI strings (issue 3: ≤ 5% for glyphs at least 12 px tall).
 * For each truth PHI item, the CSV reads whose box holds the item's centre are compared with the truth
 * text (spaces ignored); a read may hold neighbouring words, so the best-matching window of it counts.
 * An item with no read counts every character as an error.
 *
 * Usage: `deno run -A eval/phi_cer.ts --set /tmp/set200 --out /tmp/ev200` (after `deno task eval` wrote OUT/ours).
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import Papa from "papaparse";
import type { TruthTextItem } from "./text_scores.ts";

/** One CSV read with its box. */
export interface TextRead {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Levenshtein distance between two strings.
 *
 * @example
 * ```ts
 * editDistance("5/25/2011", "5/26/2011"); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current.push(
        Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Character errors of one truth item against the reads covering its centre.
 *
 * @example
 * ```ts
 * itemErrors({ text: "JANE DOE", is_phi: true, bbox: [0, 0, 40, 12], frames: [0] },
 *   [{ text: "MRN 1 JANE D0E", x: 0, y: 0, width: 90, height: 14 }]); // { errors: 1, characters: 7 }
 * ```
 */
export function itemErrors(item: TruthTextItem, reads: TextRead[]): { errors: number; characters: number } {
  const truth = item.text.replaceAll(" ", "");
  const [x, y, width, height] = item.bbox;
  const cx = x + width / 2, cy = y + height / 2;
  let errors = truth.length;
  for (const read of reads) {
    if (cx < read.x || cx > read.x + read.width || cy < read.y || cy > read.y + read.height) continue;
    const text = read.text.replaceAll(" ", "");
    errors = Math.min(errors, editDistance(truth, text));
    for (let start = 0; start + truth.length <= text.length; start++) {
      errors = Math.min(errors, editDistance(truth, text.slice(start, start + truth.length)));
    }
  }
  return { errors, characters: truth.length };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { set: { type: "string" }, out: { type: "string" } },
  });
  if (!values.set || !values.out) throw new Error("usage: eval/phi_cer.ts --set SET --out EVAL_OUT");
  let errors = 0, characters = 0, strings = 0;
  for await (const entry of Deno.readDir(join(values.set, "truth"))) {
    if (!entry.name.endsWith(".json")) continue;
    const id = entry.name.slice(0, -5);
    const truth = JSON.parse(await Deno.readTextFile(join(values.set, "truth", entry.name)));
    const csv = await Deno.readTextFile(join(values.out, "ours", id, `${id}_txt.csv`)).catch(() => "");
    const reads = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data.map((
      row: Record<string, string>,
    ) => ({
      text: row.text ?? "",
      x: Number(row.x),
      y: Number(row.y),
      width: Number(row.width),
      height: Number(row.height),
    }));
    for (const item of truth.text as (TruthTextItem & { size: number })[]) {
      if (!item.is_phi || item.size < 12) continue;
      const scored = itemErrors(item, reads);
      errors += scored.errors;
      characters += scored.characters;
      strings++;
    }
  }
  console.log(JSON.stringify({ strings, characters, errors, cer: characters ? errors / characters : null }));
}

if (import.meta.main) await main();
