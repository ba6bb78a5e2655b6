/**
 * Header PHI needles for leak tests of de-identified output.
 * @module
 */
import dcmjs from "dcmjs";

/**
 * Every value of a DICOM header that could identify someone, in the forms it might be re-written in
 * (name parts, DA dates as YYYYMMDD, YYYY-MM-DD, DD.MM.YYYY, MM/DD/YYYY...). For leak tests: never log them.
 *
 * @example
 * ```ts
 * const needles = phiNeedles(Deno.readFileSync("in.dcm"));
 * needles.some((needle) => containsBytes(outBytes, new TextEncoder().encode(needle))); // false after de-identification
 * ```
 */
export function phiNeedles(bytes: Uint8Array): string[] {
  const dict = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer).dict;
  const needles = new Set<string>();
  const add = (value: string) => {
    const trimmed = value.trim();
    if (trimmed.length >= 4 && !/^[0-9.]{1,6}$/.test(trimmed)) needles.add(trimmed);
  };
  const phiTags = [
    "00100010",
    "00100020",
    "00100030",
    "00080050",
    "00080080",
    "00080081",
    "00080090",
    "00081070",
    "00081010",
    "00081050",
    "00081060",
    "00200010",
    "00101040",
    "00101000",
    "00101001",
    "0020000D",
    "0020000E",
    "00080018",
    "00200052",
    "00020003",
    "00880140",
  ];
  const walk = (items: Record<string, { vr: string; Value?: unknown[] }>) => {
    for (const [tag, element] of Object.entries(items)) {
      if (element.vr === "SQ") {
        for (const item of (element.Value ?? []) as Record<string, { vr: string; Value?: unknown[] }>[]) {
          walk(item);
        }
        continue;
      }
      if (!phiTags.includes(tag) && !["PN", "DA", "DT"].includes(element.vr)) continue;
      for (const value of element.Value ?? []) {
        const textValue = typeof value === "object" && value !== null && "Alphabetic" in value
          ? String((value as { Alphabetic: string }).Alphabetic)
          : String(value);
        add(textValue);
        for (const part of textValue.split("^")) add(part);
        const date = /^(\d{4})(\d{2})(\d{2})/.exec(textValue);
        if (date && ["DA", "DT"].includes(element.vr)) {
          const [, y, m, d] = date;
          for (
            const form of [
              `${y}${m}${d}`,
              `${y}-${m}-${d}`,
              `${d}.${m}.${y}`,
              `${m}/${d}/${y}`,
              `${y}/${m}/${d}`,
            ]
          ) {
            add(form);
          }
          add(`${Number(m)}/${Number(d)}/${y}`);
        }
      }
    }
  };
  walk(dict);
  walk(dcmjs.data.DicomMessage.readFile(bytes.slice().buffer).meta);
  return [...needles];
}

/**
 * True when `needle` occurs in `haystack`.
 *
 * @example
 * ```ts
 * containsBytes(new Uint8Array([1, 2, 3]), new Uint8Array([2, 3])); // true
 * ```
 */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
