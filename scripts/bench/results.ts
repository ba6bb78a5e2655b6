/**
 * bench/results.json bookkeeping: keep the last run as previous.json and compare headline figures.
 * @module
 */
import { dirname } from "node:path";

/** One headline figure: where it lives in the results object and whether higher is better. */
export interface Headline {
  label: string;
  path: string;
  unit: string;
  higherIsBetter: boolean;
}

/** A row of the printed comparison table. */
export interface TableRow {
  label: string;
  value: number | string | null;
  unit: string;
  previous: number | null;
  /** Relative change in percent, signed so that positive is an improvement. */
  improvementPct: number | null;
}

/**
 * Read a dotted path (`a.b.c`) from a results object.
 *
 * @example
 * ```ts
 * valueAt({ read: { ct: { framesPerSecond: 3 } } }, "read.ct.framesPerSecond"); // 3
 * ```
 */
export function valueAt(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Every numeric leaf of an object as dotted path → number (used for optional benches of unknown shape).
 *
 * @example
 * ```ts
 * numericLeaves({ a: { b: 1, c: "x" } }, "t"); // { "t.a.b": 1 }
 * ```
 */
export function numericLeaves(object: unknown, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  const visit = (value: unknown, path: string) => {
    if (typeof value === "number" && Number.isFinite(value)) out[path] = value;
    else if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`);
    }
  };
  visit(object, prefix);
  return out;
}

/**
 * Compare headline figures of `current` against `previous`.
 *
 * @example
 * ```ts
 * const rows = compareHeadlines([{ label: "CT read", path: "x", unit: "f/s", higherIsBetter: true }], { x: 2 }, { x: 1 });
 * rows[0].improvementPct; // 100
 * ```
 */
export function compareHeadlines(headlines: Headline[], current: unknown, previous: unknown): TableRow[] {
  return headlines.map((headline) => {
    const raw = valueAt(current, headline.path);
    const value = typeof raw === "number" || typeof raw === "string" ? raw : null;
    const before = valueAt(previous, headline.path);
    const previousValue = typeof before === "number" ? before : null;
    let improvementPct: number | null = null;
    if (typeof value === "number" && previousValue) {
      const change = (value - previousValue) / Math.abs(previousValue) * 100;
      improvementPct = Math.round((headline.higherIsBetter ? change : -change) * 10) / 10;
    }
    return { label: headline.label, value, unit: headline.unit, previous: previousValue, improvementPct };
  });
}

/**
 * Load the last results, move them to previous.json and write the new ones (temporary name, then rename).
 * Returns the previous results, or null on a first run.
 *
 * @example
 * ```ts
 * const previous = await saveResults("bench/results.json", { date: new Date().toISOString() });
 * ```
 */
export async function saveResults(resultsPath: string, results: unknown): Promise<unknown> {
  const previousPath = `${dirname(resultsPath)}/previous.json`;
  let previous: unknown = null;
  try {
    const text = await Deno.readTextFile(resultsPath);
    previous = JSON.parse(text);
    await writeAtomic(previousPath, text);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(dirname(resultsPath), { recursive: true });
  await writeAtomic(resultsPath, JSON.stringify(results, null, 2) + "\n");
  return previous;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(`${path}.tmp`, text);
  await Deno.rename(`${path}.tmp`, path);
}

/**
 * Render rows as a fixed-width text table.
 *
 * @example
 * ```ts
 * console.log(formatTable([{ label: "CT read", value: 12.5, unit: "f/s", previous: null, improvementPct: null }]));
 * ```
 */
export function formatTable(rows: TableRow[]): string {
  const cells = rows.map((row) => [
    row.label,
    row.value === null ? "n/a" : String(row.value),
    row.unit,
    row.previous === null ? "" : String(row.previous),
    row.improvementPct === null ? "" : `${row.improvementPct > 0 ? "+" : ""}${row.improvementPct}%`,
  ]);
  const header = ["figure", "value", "unit", "previous", "better by"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => cell[column].length))
  );
  const line = (cell: string[]) =>
    cell.map((text, column) =>
      column === 0 || column === 2 ? text.padEnd(widths[column]) : text.padStart(widths[column])
    )
      .join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...cells.map(line)].join("\n");
}
