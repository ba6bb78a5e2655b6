import assert from "node:assert/strict";
import { elementStructureProblem } from "./dicom_structure.ts";

const DATA = new URL("../../../shared/data/public/dicom/", import.meta.url);
const load = (name: string) => Deno.readFileSync(new URL(name, DATA));

Deno.test("every well-formed public sample passes the structural check", () => {
  for (const entry of Deno.readDirSync(DATA)) {
    if (["MR_truncated.dcm", "no_meta.dcm"].includes(entry.name)) continue;
    assert.equal(elementStructureProblem(load(entry.name)), null, entry.name);
  }
});

Deno.test("truncated files, cut values and missing signatures are reported", () => {
  assert.match(elementStructureProblem(load("MR_truncated.dcm"))!, /\(7FE0,0010\).*exceeds/);
  assert.match(elementStructureProblem(load("no_meta.dcm"))!, /DICM/);
  const full = load("MR_small.dcm");
  for (const cut of [600, 777, 1000, full.length - 1]) {
    assert.notEqual(elementStructureProblem(full.slice(0, cut)), null, `cut at ${cut}`);
  }
  // An undefined-length sequence without its delimiter.
  const sequence = load("US1_J2KR.dcm");
  assert.notEqual(elementStructureProblem(sequence.slice(0, sequence.length - 8)), null);
});
