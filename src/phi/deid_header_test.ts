import assert from "node:assert/strict";
import dcmjs from "dcmjs";
import { deidentifyHeader, type DicomDataset } from "./deid_header.ts";
import { dateShiftDays } from "./date_shift.ts";

const DATA = new URL("../../../shared/data/public/dicom/", import.meta.url);

function readDataset(name: string): DicomDataset {
  const bytes = Deno.readFileSync(new URL(name, DATA));
  return dcmjs.data.DicomMessage.readFile(bytes.buffer).dict as DicomDataset;
}

const tagsOf = (dataset: DicomDataset) => Object.keys(dataset);

Deno.test("private blocks, overlays and the icon image go; names and IDs are emptied (Siemens MR)", () => {
  const source = readDataset("MR-SIEMENS-DICOM-WithOverlays.dcm");
  assert.ok(tagsOf(source).some((tag) => tag.startsWith("6000")), "fixture should have an overlay");
  const { dataset, actions } = deidentifyHeader(source, { siteKey: "k" });
  const tags = tagsOf(dataset);
  assert.equal(tags.filter((tag) => parseInt(tag.slice(0, 4), 16) % 2 === 1).length, 0);
  assert.equal(tags.filter((tag) => tag.startsWith("60")).length, 0);
  assert.equal(dataset["00880200"], undefined);
  assert.deepEqual(dataset["00100010"].Value, []);
  assert.deepEqual(dataset["00100020"].Value, []);
  assert.equal(dataset["00101040"], undefined, "Patient's Address is X");
  assert.notEqual(dataset["0020000D"].Value![0], source["0020000D"].Value![0]);
  assert.equal(dataset["00080016"].Value![0], source["00080016"].Value![0], "SOP Class UID is kept");
  const refItem = (dataset["00081140"].Value as DicomDataset[])[0];
  assert.match(
    String(refItem["00081155"].Value![0]),
    /^2\.25\./,
    "UIDs inside Referenced Image Sequence remapped",
  );
  assert.ok(actions.some((row) => row.tag === "(0010,0010)" && row.action === "Z"));
  assert.ok(actions.some((row) => row.tag === "(6000,3000)" && row.action === "X"));
  // The report carries no values: every field is a tag path, a name or an action letter.
  for (const row of actions) {
    assert.match(row.tag, /^(\([0-9A-F]{4},[0-9A-F]{4}\)>?)+$/);
    assert.match(row.action, /^[DZXKCU]$/);
    assert.ok(!row.name.includes("Sssssss"));
  }
});

Deno.test("an allow-listed private element survives with its creator; others in the block do not", () => {
  const source = readDataset("MR-SIEMENS-DICOM-WithOverlays.dcm");
  const { dataset } = deidentifyHeader(source, {
    siteKey: "k",
    retainSafePrivate: ["0029,SIEMENS MEDCOM HEADER,34"],
  });
  assert.equal(dataset["00291034"]?.Value?.[0], source["00291034"].Value![0]);
  assert.equal(dataset["00290010"]?.Value?.[0], "SIEMENS MEDCOM HEADER");
  assert.equal(dataset["00291031"], undefined);
  assert.equal(dataset["00290011"], undefined, "creator of an unused block is removed");
});

Deno.test("private element without its creator, unknown VR and UN public elements are removed", () => {
  const source: DicomDataset = {
    "00091010": { vr: "LO", Value: ["orphan"] },
    "00190010": { vr: "LO", Value: ["ACME"] },
    "00191020": { vr: "LO", Value: ["secret"] },
    "00181030": { vr: "ZZ", Value: ["weird"] },
    "00189999": { vr: "UN", Value: [new ArrayBuffer(4)] },
    "00080060": { vr: "CS", Value: ["US"] },
  };
  const { dataset, actions } = deidentifyHeader(source, {
    siteKey: "k",
    retainSafePrivate: ["0019,ACME,21"],
  });
  assert.deepEqual(tagsOf(dataset), ["00080060"]);
  assert.ok(actions.some((row) => row.tag === "(0009,1010)" && row.name.includes("without creator")));
  assert.ok(actions.some((row) => row.tag === "(0018,1030)" && row.name === "Unknown VR"));
});

Deno.test("modified dates: every date of a patient moves by the same keyed shift, times are kept", () => {
  const source = readDataset("eCT_Supplemental.dcm");
  const { dataset } = deidentifyHeader(source, { siteKey: "k", retainDates: true });
  const shift = dateShiftDays("k", String(source["00100020"].Value![0]));
  const toDay = (da: string) => Date.UTC(+da.slice(0, 4), +da.slice(4, 6) - 1, +da.slice(6, 8)) / 86_400_000;
  let checked = 0;
  for (const tag of ["00080020", "00080021", "00080022", "00080023", "00080012"]) {
    const before = source[tag]?.Value?.[0];
    if (typeof before !== "string" || before.length !== 8) continue;
    const after = String(dataset[tag].Value![0]);
    assert.equal(toDay(after) - toDay(before), shift, tag);
    checked++;
  }
  assert.ok(checked >= 2, "fixture should have several dates");
  assert.deepEqual(dataset["00100030"].Value, [], "birth date stays Z under this option");
  assert.equal(dataset["00080030"].Value![0], source["00080030"].Value![0]);
});

Deno.test("without options the temporal attributes are emptied or dummied, never kept", () => {
  const source = readDataset("eCT_Supplemental.dcm");
  const { dataset } = deidentifyHeader(source, { siteKey: "k" });
  const walk = (items: DicomDataset) => {
    for (const [tag, element] of Object.entries(items)) {
      if (element.vr === "SQ") (element.Value as DicomDataset[]).forEach(walk);
      if (["DA", "DT", "TM"].includes(element.vr)) {
        const value = String(element.Value?.[0] ?? "");
        assert.ok(value === "" || /^(19000101(000000)?|000000)$/.test(value), `${tag} kept ${element.vr}`);
      }
    }
  };
  walk(dataset);
});

Deno.test("retain device identity and patient characteristics keep exactly their columns", () => {
  const source = readDataset("MR-SIEMENS-DICOM-WithOverlays.dcm");
  const plain = deidentifyHeader(source, { siteKey: "k" }).dataset;
  const kept = deidentifyHeader(source, {
    siteKey: "k",
    retainDeviceIdentity: true,
    retainPatientCharacteristics: true,
  }).dataset;
  assert.deepEqual(plain["00181000"].Value, []);
  assert.equal(kept["00181000"].Value![0], source["00181000"].Value![0]);
  assert.equal(plain["00101010"], undefined);
  assert.equal(kept["00101010"].Value![0], source["00101010"].Value![0]);
  assert.deepEqual(kept["00100010"].Value, []);
});
