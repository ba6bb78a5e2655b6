import assert from "node:assert/strict";
import { joinUnderPrefix, safeRelativePath } from "./safe_key.ts";

Deno.test("safeRelativePath removes every way out of the prefix", () => {
  for (
    const key of ["../x.dcm", "a/../../x.dcm", "/abs/x.dcm", "a//./x.dcm", "..\\..\\x.dcm", "a/..%2F/x.dcm"]
  ) {
    const path = safeRelativePath(key);
    assert.ok(!path.startsWith("/"), path);
    assert.ok(
      !path.split("/").some((segment) => segment === ".." || segment === "." || segment === ""),
      path,
    );
    assert.doesNotThrow(() => joinUnderPrefix("deid/", path));
  }
  assert.equal(safeRelativePath("a/../../etc/passwd"), "a/etc/passwd");
  assert.equal(safeRelativePath("..\\..\\x.dcm"), "_.._.._x.dcm");
});

Deno.test("safeRelativePath keeps spaces and unicode, neutralises dot segments and empty keys", () => {
  assert.equal(safeRelativePath("scans/Jane Doe/é 1.dcm"), "scans/Jane Doe/é 1.dcm");
  assert.equal(safeRelativePath(".logik/status/x.json"), "_.logik/status/x.json");
  assert.equal(safeRelativePath("../"), "_");
  assert.equal(safeRelativePath("a\u0000b"), "a_b");
});

Deno.test("joinUnderPrefix refuses traversal", () => {
  assert.equal(joinUnderPrefix("deid/", "a/b.jpeg"), "deid/a/b.jpeg");
  assert.throws(() => joinUnderPrefix("deid/", "../b.jpeg"), RangeError);
  assert.throws(() => joinUnderPrefix("deid/", "/b.jpeg"), RangeError);
});
