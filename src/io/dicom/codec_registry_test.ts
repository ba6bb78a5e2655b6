import assert from "node:assert/strict";
import { codecFor, NATIVE_TRANSFER_SYNTAXES, supportedTransferSyntaxes } from "./codec_registry.ts";

Deno.test("every transfer syntax named in issue 2 has a decoder", () => {
  const required = [
    "1.2.840.10008.1.2",
    "1.2.840.10008.1.2.1",
    "1.2.840.10008.1.2.1.99",
    "1.2.840.10008.1.2.2",
    "1.2.840.10008.1.2.4.50",
    "1.2.840.10008.1.2.4.51",
    "1.2.840.10008.1.2.4.57",
    "1.2.840.10008.1.2.4.70",
    "1.2.840.10008.1.2.4.80",
    "1.2.840.10008.1.2.4.81",
    "1.2.840.10008.1.2.4.90",
    "1.2.840.10008.1.2.4.91",
    "1.2.840.10008.1.2.4.201",
    "1.2.840.10008.1.2.4.202",
    "1.2.840.10008.1.2.4.203",
    "1.2.840.10008.1.2.5",
  ];
  const supported = new Set(supportedTransferSyntaxes());
  for (const uid of required) assert.ok(supported.has(uid), uid);
  assert.equal(codecFor("1.2.840.10008.1.2.4.90")?.name, "JPEG 2000");
  assert.equal(codecFor("1.2.840.10008.1.2.4.100"), undefined); // MPEG-2: not ours
  for (const uid of Object.keys(NATIVE_TRANSFER_SYNTAXES)) assert.equal(codecFor(uid), undefined);
});
