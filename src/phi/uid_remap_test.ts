import assert from "node:assert/strict";
import { isInstanceUid, remapUid } from "./uid_remap.ts";

Deno.test("remapUid is deterministic per key, differs across keys and forms a valid 2.25 UID", () => {
  const source = "1.3.12.2.1107.5.2.30.25641.30010005113009191059300000189";
  const first = remapUid(source, "site-a");
  assert.equal(remapUid(source, "site-a"), first);
  assert.equal(remapUid(source + "\0", "site-a"), first, "padding must not change the mapping");
  assert.notEqual(remapUid(source, "site-b"), first);
  assert.notEqual(remapUid(source + "1", "site-a"), first);
  assert.match(first, /^2\.25\.(0|[1-9]\d*)$/);
  assert.ok(first.length <= 64);
  assert.ok(BigInt(first.slice(5)) < 2n ** 128n);
});

Deno.test("isInstanceUid keeps class, syntax and well-known UIDs", () => {
  assert.equal(isInstanceUid("00080016", "1.2.840.10008.5.1.4.1.1.6.1"), false);
  assert.equal(isInstanceUid("00081150", "1.2.840.10008.5.1.4.1.1.4"), false);
  assert.equal(isInstanceUid("00200052", "1.2.840.10008.1.4.1.1"), false);
  assert.equal(isInstanceUid("00080018", "1.2.826.0.1.3680043.2.1125.1"), true);
  assert.equal(isInstanceUid("0020000D", "1.2.124.113532.10.122.1.203.20051130"), true);
});
