import assert from "node:assert/strict";
import { dateShiftDays, shiftDate, shiftDateTime } from "./date_shift.ts";

Deno.test("dateShiftDays is keyed per patient, negative, never zero", () => {
  const days = dateShiftDays("site-a", "11-05-25-142825");
  assert.equal(dateShiftDays("site-a", "11-05-25-142825 "), days);
  assert.ok(days <= -1 && days >= -3650);
  const shifts = new Set(["P1", "P2", "P3", "P4", "P5"].map((id) => dateShiftDays("site-a", id)));
  assert.ok(shifts.size >= 4, "different patients should mostly get different shifts");
  assert.notEqual(dateShiftDays("site-b", "11-05-25-142825"), days);
});

Deno.test("shiftDate keeps intervals across month, year and leap-day boundaries", () => {
  assert.equal(shiftDate("20110525", -10), "20110515");
  assert.equal(shiftDate("20000301", -1), "20000229");
  assert.equal(shiftDate("20110101", -1), "20101231");
  assert.equal(shiftDate("20110525\\20110601", -30), "20110425\\20110502");
  assert.equal(shiftDate("", -5), "");
  assert.equal(shiftDate("2011", -5), null);
  assert.equal(shiftDate("20111399", -5), null);
});

Deno.test("shiftDateTime shifts the date part and keeps precision and offset", () => {
  assert.equal(shiftDateTime("20110525145622.000000", -10), "20110515145622.000000");
  assert.equal(shiftDateTime("20110525145622+0100", -1), "20110524145622+0100");
  assert.equal(shiftDateTime("201105", -40), "201103");
  assert.equal(shiftDateTime("2011", -1), "2010");
  assert.equal(shiftDateTime("2011-05-25", -1), null);
});
