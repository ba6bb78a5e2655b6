import assert from "node:assert/strict";
import { editDistance, itemErrors } from "./phi_cer.ts";

Deno.test("editDistance counts substitutions, insertions and deletions", () => {
  assert.equal(editDistance("5/25/2011", "5/25/2011"), 0);
  assert.equal(editDistance("2:56:22 PM", "2:56:22PM"), 1);
  assert.equal(editDistance("BAPTIST", "BAPT1ST"), 1);
  assert.equal(editDistance("", "ABC"), 3);
});

Deno.test("itemErrors: best window of a covering read; no covering read is all errors", () => {
  const item = {
    text: "JANE DOE",
    is_phi: true,
    bbox: [10, 10, 40, 12] as [number, number, number, number],
    frames: [0],
  };
  assert.deepEqual(itemErrors(item, [{ text: "MRN 12 JANE D0E", x: 0, y: 5, width: 100, height: 20 }]), {
    errors: 1,
    characters: 7,
  });
  assert.deepEqual(itemErrors(item, [{ text: "JANE DOE", x: 200, y: 5, width: 60, height: 20 }]), {
    errors: 7,
    characters: 7,
  });
});
