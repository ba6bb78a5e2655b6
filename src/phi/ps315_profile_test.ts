import assert from "node:assert/strict";
import { PROFILE_ROWS, profileRow, resolveAction } from "./ps315_profile.ts";

Deno.test("Table E.1-1 is complete enough to cover the identifying attributes of the samples", () => {
  assert.ok(PROFILE_ROWS.length > 400, `only ${PROFILE_ROWS.length} rows`);
  const tags = new Set(PROFILE_ROWS.map((row) => row.tag));
  assert.equal(tags.size, PROFILE_ROWS.length, "duplicate rows");
  for (const row of PROFILE_ROWS) {
    assert.match(row.tag, /^[0-9A-FX]{8}$/, row.name);
    assert.match(row.basic, /^(D|Z|X|K|C|U)(\/(D|Z|X|U\*))*$/, row.name);
  }
  for (
    const [tag, action] of [
      ["00100010", "Z"], // Patient's Name
      ["00100020", "Z"],
      ["00100030", "Z"],
      ["00080050", "Z"],
      ["00080080", "X/Z/D"],
      ["00080090", "Z"],
      ["00081070", "X/Z/D"],
      ["00080018", "U"],
      ["0020000D", "U"],
      ["00200052", "U"],
      ["00880200", "X"],
      ["00081140", "X/Z/U*"],
    ]
  ) {
    assert.equal(profileRow(tag)?.basic, action, tag);
  }
});

Deno.test("profileRow matches the overlay and curve wildcard rows but not their neighbours", () => {
  assert.equal(profileRow("60003000")?.name, "Overlay Data");
  assert.equal(profileRow("601E3000")?.name, "Overlay Data");
  assert.equal(profileRow("50020010")?.name, "Curve Data");
  assert.equal(profileRow("60000010"), undefined);
  assert.equal(profileRow("00280010"), undefined);
});

Deno.test("options replace the basic action only where the table gives them a column", () => {
  const studyDate = profileRow("00080020")!;
  assert.equal(resolveAction(studyDate, {}), "Z");
  assert.equal(resolveAction(studyDate, { retainDates: true }), "C");
  const birthDate = profileRow("00100030")!;
  assert.equal(resolveAction(birthDate, { retainDates: true }), "Z");
  const serial = profileRow("00181000")!;
  assert.equal(resolveAction(serial, {}), "X/Z/D");
  assert.equal(resolveAction(serial, { retainDeviceIdentity: true }), "K");
  const sex = profileRow("00100040")!;
  assert.equal(resolveAction(sex, { retainPatientCharacteristics: true }), "K");
  assert.equal(resolveAction(sex, { retainDeviceIdentity: true }), "Z");
});
