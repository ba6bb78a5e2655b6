/**
 * "Retain Longitudinal Temporal Information with Modified Dates": every date of one patient moves by the
 * same whole number of days, derived from the site secret and the original Patient ID, so intervals
 * between studies survive while the real dates do not. Times of day are kept (a whole-day shift leaves them).
 * @module
 */

import { createHmac } from "node:crypto";

const MAX_SHIFT_DAYS = 3650;
const DAY_MS = 86_400_000;

/**
 * The per-patient shift in days: in [-MAX, -1], never zero, so no date survives unchanged.
 *
 * @example
 * ```ts
 * const days = dateShiftDays("site-secret", "PAT001");
 * days < 0 && days >= -3650; // true
 * ```
 */
export function dateShiftDays(siteKey: string, patientId: string): number {
  const digest = createHmac("sha256", siteKey).update("dateshift:" + patientId.trim()).digest();
  return -(1 + (digest.readUInt32BE(0) % MAX_SHIFT_DAYS));
}

function shiftYmd(year: number, month: number, day: number, days: number): [number, number, number] {
  const shifted = new Date(Date.UTC(year, month - 1, day) + days * DAY_MS);
  return [shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate()];
}

const pad = (value: number, width: number) => String(value).padStart(width, "0");

/**
 * Shift every YYYYMMDD in a DA value (multi-valued and range forms too). Anything that is not a
 * valid date is returned as null: the caller then removes it rather than keep an unknown string.
 *
 * @example
 * ```ts
 * shiftDate("20110525", -10); // "20110515"
 * shiftDate("2011", -10); // null
 * ```
 */
export function shiftDate(value: string, days: number): string | null {
  if (value.includes("\\")) {
    const parts = value.split("\\").map((part) => shiftDate(part, days));
    return parts.some((part) => part === null) ? null : parts.join("\\");
  }
  const trimmed = value.trim();
  if (trimmed === "") return "";
  if (!/^\d{8}(-\d{8})?$|^\d{8}-$|^-\d{8}$/.test(trimmed)) return null;
  let valid = true;
  const out = trimmed.replace(/\d{8}/g, (ymd) => {
    const year = Number(ymd.slice(0, 4)), month = Number(ymd.slice(4, 6)), day = Number(ymd.slice(6, 8));
    if (month < 1 || month > 12 || day < 1 || day > 31) valid = false;
    const [y, m, d] = shiftYmd(year, month, day, days);
    return pad(y, 4) + pad(m, 2) + pad(d, 2);
  });
  return valid ? out : null;
}

/**
 * Shift the date part of a DT value (YYYY[MM[DD[HH[MM[SS[.F]]]]]][&ZZXX]); precision is kept,
 * a year-only or year-month value is shifted from its first day and truncated back.
 *
 * @example
 * ```ts
 * shiftDateTime("20110525145622.000000", -10); // "20110515145622.000000"
 * ```
 */
export function shiftDateTime(value: string, days: number): string | null {
  const trimmed = value.trim();
  if (trimmed === "") return "";
  const match = /^(\d{4})(\d{2})?(\d{2})?(.*)$/.exec(trimmed);
  if (!match || !/^(\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?)?([+-]\d{4})?$/.test(match[4])) return null;
  const year = Number(match[1]);
  const month = match[2] ? Number(match[2]) : 1;
  const day = match[3] ? Number(match[3]) : 1;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const [y, m, d] = shiftYmd(year, month, day, days);
  let out = pad(y, 4);
  if (match[2]) out += pad(m, 2);
  if (match[3]) out += pad(d, 2);
  return out + match[4];
}
