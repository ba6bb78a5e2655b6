/**
 * The DICOM value representations (PS3.5 table 6.2-1) by how explicit VR encodes their length: a
 * 4-byte length after two reserved bytes (long) or a 2-byte length (short).
 * @module
 */

/**
 * VRs whose explicit-VR element header has two reserved bytes and a 4-byte length.
 *
 * @example
 * ```ts
 * LONG_VRS.has("OB"); // true
 * ```
 */
export const LONG_VRS: ReadonlySet<string> = new Set([
  "OB",
  "OD",
  "OF",
  "OL",
  "OV",
  "OW",
  "SQ",
  "UC",
  "UN",
  "UR",
  "UT",
  "SV",
  "UV",
]); // deno-fmt-ignore

/**
 * VRs whose explicit-VR element header has a 2-byte length.
 *
 * @example
 * ```ts
 * SHORT_VRS.has("DS"); // true
 * ```
 */
export const SHORT_VRS: ReadonlySet<string> = new Set([
  "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST",
  "TM", "UI", "UL", "US",
]); // deno-fmt-ignore

/**
 * Every VR the standard defines.
 *
 * @example
 * ```ts
 * VALID_VRS.has("XX"); // false
 * ```
 */
export const VALID_VRS: ReadonlySet<string> = new Set([...LONG_VRS, ...SHORT_VRS]);
