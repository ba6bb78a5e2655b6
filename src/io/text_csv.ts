/**
 * The recognised-text CSV (`<name>_txt.csv`): one row per read box, in source coordinates.
 * @module
 */
import Papa from "papaparse";

/** Column order of `<name>_txt.csv`. */
export const TEXT_CSV_COLUMNS = ["file", "frame", "text", "confidence", "x", "y", "width", "height"] as const;

/** One recognised box. */
export interface TextRow {
  file: string;
  frame: number;
  text: string;
  confidence: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Serialise rows (plus any extra columns, such as `phi`) as RFC 4180 CSV with a header line.
 *
 * @example
 * ```ts
 * textCsv([{ file: "a.dcm", frame: 0, text: "PLA", confidence: 0.98, x: 1, y: 2, width: 30, height: 12 }]);
 * ```
 */
export function textCsv(rows: readonly object[], columns: readonly string[] = TEXT_CSV_COLUMNS): string {
  const data = rows.map((row) =>
    columns.map((column) => {
      const value = (row as Record<string, unknown>)[column];
      return typeof value === "number" && !Number.isInteger(value) ? value.toFixed(4) : value ?? "";
    })
  );
  return Papa.unparse({ fields: [...columns], data }, { newline: "\n" }) + "\n";
}
