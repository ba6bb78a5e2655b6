/**
 * PS3.15 Basic Application Level Confidentiality Profile over a dcmjs dataset in dictionary form
 * (`{ "00100010": { vr: "PN", Value: [...] } }`), recursively through sequences.
 *
 * Conservative where the table is silent: private elements go unless allow-listed (and never without
 * their creator), unknown/UN public elements go, person names are emptied, every DA/DT/TM is dummied
 * (or shifted with the modified-dates option), every instance UID is remapped.
 * The action list never carries values, only tag, name and action.
 * @module
 */

import dcmjs from "dcmjs";
import { type ProfileOptions, profileRow, resolveAction } from "./ps315_profile.ts";
import { isInstanceUid, normalizeUid, remapUid } from "./uid_remap.ts";
import { dateShiftDays, shiftDate, shiftDateTime } from "./date_shift.ts";
import { VALID_VRS } from "../io/dicom/value_representations.ts";

/** One element of a dcmjs dictionary-form dataset. */
export interface DicomElement {
  vr: string;
  Value?: unknown[];
  _rawValue?: unknown;
}

/** A dcmjs dictionary-form dataset: 8-hex-digit tag → element. */
export type DicomDataset = Record<string, DicomElement>;

/** One line of `header_actions.csv`: the path of tags, a name, and the action applied. */
export interface HeaderAction {
  tag: string;
  name: string;
  action: string;
}

/** What the header step needs to know. */
export interface HeaderDeidOptions extends ProfileOptions {
  /** Site secret: keys the UID remap and the date shift. */
  siteKey: string;
  /** Private elements to keep, as "GGGG,Private Creator,EE" (hex group, creator string, hex element byte). */
  retainSafePrivate?: string[];
}

const TEXT_VRS = new Set(["AE", "CS", "LO", "LT", "SH", "ST", "UC", "UT", "UR"]);
const NUMBER_VRS = new Set(["FD", "FL", "SL", "SS", "UL", "US", "SV", "UV"]);
const DUMMY_TEXT = "ANONYMIZED";

const formatTag = (tag: string) => `(${tag.slice(0, 4)},${tag.slice(4, 8)})`;

interface Context {
  options: HeaderDeidOptions;
  shiftDays: number;
  allow: Set<string>;
  actions: Map<string, HeaderAction>;
}

/**
 * De-identify a dataset (not its file meta group). Returns a new dataset; the input is not modified.
 *
 * @example
 * ```ts
 * const { dataset, actions } = deidentifyHeader(
 *   { "00100010": { vr: "PN", Value: [{ Alphabetic: "Doe^Jane" }] } },
 *   { siteKey: "secret" },
 * );
 * dataset["00100010"].Value; // []
 * actions[0]; // { tag: "(0010,0010)", name: "Patient's Name", action: "Z" }
 * ```
 */
export function deidentifyHeader(
  dataset: DicomDataset,
  options: HeaderDeidOptions,
): { dataset: DicomDataset; actions: HeaderAction[] } {
  const patientId = textValue(dataset["00100020"]) ?? "";
  const context: Context = {
    options,
    shiftDays: dateShiftDays(options.siteKey, patientId),
    allow: new Set((options.retainSafePrivate ?? []).map(normalizeAllowEntry)),
    actions: new Map(),
  };
  const out = deidentifyItem(dataset, context, "");
  return { dataset: out, actions: [...context.actions.values()] };
}

/** Canonical "GGGG,CREATOR,EE" form of an allow-list entry. */
export function normalizeAllowEntry(entry: string): string {
  const parts = entry.split(",");
  if (parts.length < 3) return entry.toUpperCase();
  const group = parts[0].trim().replace(/^\(/, "").toUpperCase().padStart(4, "0");
  const element = parts[parts.length - 1].trim().replace(/\)$/, "").toUpperCase().slice(-2).padStart(2, "0");
  const creator = parts.slice(1, -1).join(",").trim().replace(/^"|"$/g, "").trim().toUpperCase();
  return `${group},${creator},${element}`;
}

function record(context: Context, path: string, name: string, action: string) {
  const key = path + "|" + action;
  if (!context.actions.has(key)) context.actions.set(key, { tag: path, name, action });
}

function textValue(element: DicomElement | undefined): string | undefined {
  const value = element?.Value?.[0];
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "Alphabetic" in value) return String(value.Alphabetic ?? "");
  return undefined;
}

function privateCreators(dataset: DicomDataset): Map<string, string> {
  const creators = new Map<string, string>();
  for (const [tag, element] of Object.entries(dataset)) {
    const group = parseInt(tag.slice(0, 4), 16);
    const elementNumber = parseInt(tag.slice(4, 8), 16);
    if (group % 2 === 1 && elementNumber >= 0x10 && elementNumber <= 0xff) {
      const creator = creatorText(element);
      if (creator) creators.set(tag.slice(0, 4).toUpperCase() + tag.slice(6, 8).toUpperCase(), creator);
    }
  }
  return creators;
}

function creatorText(element: DicomElement): string | undefined {
  const value = element.Value?.[0];
  if (typeof value === "string") return value.trim().toUpperCase();
  if (value instanceof ArrayBuffer) {
    return new TextDecoder("latin1").decode(value).replace(/[\0 ]+$/, "").trim().toUpperCase();
  }
  return undefined;
}

function deidentifyItem(dataset: DicomDataset, context: Context, parentPath: string): DicomDataset {
  const out: DicomDataset = {};
  const creators = privateCreators(dataset);
  const usedCreators = new Set<string>();
  for (const tag of Object.keys(dataset).sort()) {
    const upper = tag.toUpperCase();
    const element = dataset[tag];
    const path = parentPath ? `${parentPath}>${formatTag(upper)}` : formatTag(upper);
    const group = parseInt(upper.slice(0, 4), 16);
    const elementNumber = parseInt(upper.slice(4, 8), 16);
    if (group % 2 === 1) {
      handlePrivate(upper, element, creators, usedCreators, out, context, path);
      continue;
    }
    if (group === 0x0002) continue; // file meta is rebuilt by the writer
    if (group === 0x0000 || elementNumber === 0x0000) {
      record(context, path, group === 0 ? "Command element" : "Group Length", "X");
      continue;
    }
    const result = applyPublic(upper, element, context, path, group);
    if (result) out[upper] = result;
  }
  // Creators whose blocks kept no element are dropped with the rest of the private data.
  for (const [key] of creators) {
    const creatorTag = key.slice(0, 4) + "00" + key.slice(4, 6);
    const path = parentPath ? `${parentPath}>${formatTag(creatorTag)}` : formatTag(creatorTag);
    if (usedCreators.has(key)) {
      out[creatorTag] = { vr: "LO", Value: [creators.get(key)!] };
      record(context, path, "Private Creator", "K");
    } else {
      record(context, path, "Private Creator", "X");
    }
  }
  return out;
}

function handlePrivate(
  tag: string,
  element: DicomElement,
  creators: Map<string, string>,
  usedCreators: Set<string>,
  out: DicomDataset,
  context: Context,
  path: string,
) {
  const elementNumber = parseInt(tag.slice(4, 8), 16);
  if (elementNumber >= 0x10 && elementNumber <= 0xff) return; // creators: decided after their blocks
  if (elementNumber < 0x1000) {
    record(context, path, "Private element (invalid position)", "X");
    return;
  }
  const blockKey = tag.slice(0, 4) + tag.slice(4, 6);
  const creator = creators.get(blockKey);
  if (creator === undefined) {
    record(context, path, "Private element without creator", "X");
    return;
  }
  const allowKey = `${tag.slice(0, 4)},${creator},${tag.slice(6, 8)}`;
  if (!context.allow.has(allowKey) || !VALID_VRS.has(element.vr)) {
    record(context, path, "Private element", "X");
    return;
  }
  usedCreators.add(blockKey);
  // The original block number is kept, together with its creator element.
  out[tag] = element.vr === "SQ" ? sequenceOf(element, context, path) : element;
  record(context, path, "Private element (safe, allow-listed)", "K");
}

function sequenceOf(element: DicomElement, context: Context, path: string): DicomElement {
  const items = (element.Value ?? []) as DicomDataset[];
  return { vr: "SQ", Value: items.map((item) => deidentifyItem(item ?? {}, context, path)) };
}

function isRepeatingGroup(group: number, base: number): boolean {
  return group >= base && group <= base + 0xff;
}

function applyPublic(
  tag: string,
  element: DicomElement,
  context: Context,
  path: string,
  group: number,
): DicomElement | undefined {
  if (isRepeatingGroup(group, 0x6000)) {
    record(context, path, "Overlay", "X");
    return undefined;
  }
  if (isRepeatingGroup(group, 0x5000)) {
    record(context, path, "Curve Data", "X");
    return undefined;
  }
  if (isRepeatingGroup(group, 0x7f00) && group !== 0x7fe0) {
    record(context, path, "Variable Pixel Data", "X");
    return undefined;
  }
  if (!VALID_VRS.has(element.vr) || element.vr === "UN") {
    record(context, path, "Unknown VR", "X");
    return undefined;
  }
  const row = profileRow(tag);
  if (row) {
    const action = concreteAction(resolveAction(row, context.options), element.vr);
    return applyAction(action, tag, element, context, path, row.name);
  }
  // Not listed in Table E.1-1: conservative defaults by VR.
  const name = dictionaryName(tag);
  switch (element.vr) {
    case "UI":
      return applyAction("U", tag, element, context, path, name);
    case "PN":
      return applyAction("Z", tag, element, context, path, name);
    case "DA":
    case "DT":
      return applyAction(context.options.retainDates ? "C" : "D", tag, element, context, path, name);
    case "TM":
      return applyAction(context.options.retainDates ? "C" : "D", tag, element, context, path, name);
    case "SQ":
      return applyAction("K", tag, element, context, path, name);
    default:
      return applyAction("K", tag, element, context, path, name);
  }
}

function dictionaryName(tag: string): string {
  const entry = dcmjs.data.DicomMetaDictionary.dictionary[formatTag(tag)] as { name?: string } | undefined;
  return entry?.name ?? "Unlisted attribute";
}

/** Pick one action from a compound entry: Z before D before X, except dates, where D keeps Type 1 conformance. */
function concreteAction(action: string, vr: string): string {
  if (!action.includes("/")) return action;
  const choices = action.split("/");
  if (choices.includes("U*")) return "U*";
  const isTemporal = vr === "DA" || vr === "DT" || vr === "TM";
  if (isTemporal && choices.includes("D")) return "D";
  if (choices.includes("Z")) return "Z";
  if (choices.includes("D")) return "D";
  return "X";
}

function applyAction(
  action: string,
  tag: string,
  element: DicomElement,
  context: Context,
  path: string,
  name: string,
): DicomElement | undefined {
  const vr = element.vr;
  const done = (applied: string, result: DicomElement | undefined) => {
    record(context, path, name, applied);
    return result;
  };
  switch (action) {
    case "X":
      return done("X", undefined);
    case "Z":
      return done("Z", { vr, Value: [] });
    case "D": {
      if (vr === "SQ") return done("X", undefined); // a dummy item could not be shown to be free of PHI
      const dummy = dummyValue(vr);
      return dummy === undefined ? done("X", undefined) : done("D", { vr, Value: [dummy] });
    }
    case "K":
      return done("K", vr === "SQ" ? sequenceOf(element, context, path) : element);
    case "U*":
      return done(
        "U",
        vr === "SQ" ? sequenceOf(element, context, path) : remapElement(tag, element, context),
      );
    case "U":
      if (vr === "SQ") return done("U", sequenceOf(element, context, path));
      if (vr !== "UI") return done("X", undefined);
      return remapOrKeep(tag, element, context, done);
    case "C":
      return cleanTemporal(element, context, done);
    default:
      return done("X", undefined);
  }
}

function cleanTemporal(
  element: DicomElement,
  context: Context,
  done: (applied: string, result: DicomElement | undefined) => DicomElement | undefined,
): DicomElement | undefined {
  const values = (element.Value ?? []) as unknown[];
  if (element.vr === "TM") return done("C", { vr: "TM", Value: values.map(String) });
  if (element.vr !== "DA" && element.vr !== "DT") return done("X", undefined); // free-text cleaning is not done
  const shift = element.vr === "DA" ? shiftDate : shiftDateTime;
  const shifted = values.map((value) => shift(String(value), context.shiftDays));
  if (shifted.some((value) => value === null)) return done("X", undefined);
  return done("C", { vr: element.vr, Value: shifted as string[] });
}

/** Class and well-known UIDs come out unchanged: report those as kept. */
function remapOrKeep(
  tag: string,
  element: DicomElement,
  context: Context,
  done: (applied: string, result: DicomElement | undefined) => DicomElement | undefined,
): DicomElement | undefined {
  const remapped = remapElement(tag, element, context);
  const changed = remapped.Value!.some((value, index) =>
    value !== normalizeUid(String(element.Value?.[index]))
  );
  return done(changed ? "U" : "K", changed ? remapped : element);
}

function remapElement(tag: string, element: DicomElement, context: Context): DicomElement {
  const values = (element.Value ?? []).map((value) => {
    const uid = normalizeUid(String(value));
    return uid && isInstanceUid(tag, uid) ? remapUid(uid, context.options.siteKey) : uid;
  });
  return { vr: "UI", Value: values };
}

function dummyValue(vr: string): unknown {
  if (vr === "PN") return { Alphabetic: DUMMY_TEXT };
  if (vr === "DA") return "19000101";
  if (vr === "TM") return "000000";
  if (vr === "DT") return "19000101000000";
  if (vr === "AS") return "000Y";
  if (vr === "IS" || vr === "DS") return "0";
  if (vr === "SH" || vr === "AE" || vr === "CS") return DUMMY_TEXT;
  if (TEXT_VRS.has(vr)) return DUMMY_TEXT;
  if (NUMBER_VRS.has(vr)) return 0;
  return undefined;
}
