/**
 * Per-site PHI rules over recognised text: named regular expressions with the action `keep` or
 * `drop`, validated with zod, that turn `<name>_txt.csv` rows into `<name>_txt.filtered.csv` rows
 * with a `phi` column, so a site can share the non-PHI text (frame rate, depth, probe, measurements).
 *
 * Semantics, chosen so that unknown text is never shared by accident:
 * 1. a row is PHI when any `drop` rule matches anywhere in its text;
 * 2. otherwise it is not PHI when the `keep` rules, removed everywhere they match, leave nothing but
 *    spaces and punctuation (so "28Hz 11cm" is kept but "Smith 28Hz" is not);
 * 3. otherwise the file's `default` action decides (`drop` unless the site says otherwise).
 * PHI rows keep their position but their text is blanked.
 * @module
 */
import { z } from "zod";
import { LogikError } from "../errors.ts";
import { TEXT_CSV_COLUMNS, type TextRow } from "../io/text_csv.ts";

/**
 * The rules file is not valid JSON or does not follow the schema: a usage error.
 *
 * @example
 * ```ts
 * throw new RulesError("site.json: invalid rules at rules.0.action: Invalid option");
 * ```
 */
export class RulesError extends LogikError {
  override readonly kind = "InvalidRules";
}

const validRegex = (value: { pattern: string; flags?: string }) => {
  try {
    new RegExp(value.pattern, `${value.flags ?? ""}gu`);
    return true;
  } catch {
    return false;
  }
};

/** Schema of one rule. */
export const RuleSchema = z.object({
  name: z.string().min(1),
  pattern: z.string().min(1),
  flags: z.string().regex(/^[imsu]*$/, "flags may only use i, m, s, u").optional(),
  action: z.enum(["keep", "drop"]),
  description: z.string().optional(),
}).strict().refine(validRegex, { message: "pattern is not a valid regular expression", path: ["pattern"] });

/** Schema of a site rules file. */
export const SiteRulesSchema = z.object({
  version: z.literal(1),
  description: z.string().optional(),
  default: z.enum(["keep", "drop"]).default("drop"),
  rules: z.array(RuleSchema),
}).strict();

/** A rules file as written. */
export type SiteRulesFile = z.input<typeof SiteRulesSchema>;

/** Rules compiled for matching. */
export interface SiteRules {
  default: "keep" | "drop";
  drop: { name: string; regex: RegExp }[];
  keep: { name: string; regex: RegExp }[];
}

/** Column order of `<name>_txt.filtered.csv`. */
export const FILTERED_CSV_COLUMNS = [...TEXT_CSV_COLUMNS, "phi", "rule"] as const;

/** A filtered row: `text` is blanked when `phi` is true; `rule` names the deciding rule. */
export interface FilteredTextRow extends TextRow {
  phi: boolean;
  /** Name of the drop rule that matched, `keep`, or `default`. */
  rule: string;
}

/**
 * Validate and compile a rules file given as JSON text or an already parsed value.
 * Throws {@link RulesError} naming `source` and the offending field (never the text being filtered).
 *
 * @example
 * ```ts
 * const rules = parseRules('{"version":1,"rules":[{"name":"hz","pattern":"\\\\d+\\\\s*Hz","action":"keep"}]}');
 * rules.default; // "drop"
 * ```
 */
export function parseRules(input: string | unknown, source = "rules"): SiteRules {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new RulesError(`${source}: rules file is not valid JSON`, { cause: error });
    }
  }
  const parsed = SiteRulesSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RulesError(`${source}: invalid rules at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const compile = (action: "keep" | "drop") =>
    parsed.data.rules
      .filter((rule) => rule.action === action)
      .map((rule) => ({ name: rule.name, regex: new RegExp(rule.pattern, `${rule.flags ?? ""}gu`) }));
  return { default: parsed.data.default, drop: compile("drop"), keep: compile("keep") };
}

/**
 * Decide whether one recognised string is PHI, and by which rule.
 *
 * @example
 * ```ts
 * classifyText("28Hz", rules); // { phi: false, rule: "keep" }
 * classifyText("5/25/2011", rules); // { phi: true, rule: "date" }
 * ```
 */
export function classifyText(text: string, rules: SiteRules): { phi: boolean; rule: string } {
  // OCR often reads a space as "_", which would hide word boundaries from the patterns.
  text = text.replaceAll("_", " ");
  for (const { name, regex } of rules.drop) {
    regex.lastIndex = 0;
    if (regex.test(text)) return { phi: true, rule: name };
  }
  let rest = text;
  for (const { regex } of rules.keep) rest = rest.replace(regex, " ");
  if (rules.keep.length > 0 && !/[\p{L}\p{N}]/u.test(rest)) return { phi: false, rule: "keep" };
  return { phi: rules.default === "drop", rule: "default" };
}

/**
 * Rows of the filtered CSV: every row with a `phi` flag and the deciding rule; PHI text is blanked.
 *
 * @example
 * ```ts
 * const filtered = filterTextRows(rows, rules);
 * // write with textCsv(filtered, FILTERED_CSV_COLUMNS)
 * ```
 */
export function filterTextRows(rows: TextRow[], rules: SiteRules): FilteredTextRow[] {
  return rows.map((row) => {
    const { phi, rule } = classifyText(row.text, rules);
    return { ...row, text: phi ? "" : row.text, phi, rule };
  });
}
