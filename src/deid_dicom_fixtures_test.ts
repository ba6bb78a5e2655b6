import assert from "node:assert/strict";
import { join } from "node:path";
import { containsBytes, phiNeedles } from "./phi/phi_needles.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;
const MOD = new URL("../mod.ts", import.meta.url).pathname;

function variants(needle: string): Uint8Array[] {
  const ascii = new TextEncoder().encode(needle);
  const utf16 = new Uint8Array(ascii.length * 2);
  ascii.forEach((byte, index) => utf16[index * 2] = byte);
  return [ascii, utf16];
}

Deno.test("--format dicom on the generated echo fixtures: no header or burned-in PHI value in output bytes, names or logs", async () => {
  const input = await Deno.makeTempDir({ prefix: "logik_phi_in_" });
  const out = await Deno.makeTempDir({ prefix: "logik_phi_out_" });
  try {
    const dicoms = [];
    for await (const entry of Deno.readDir(join(FIXTURES, "inputs"))) {
      if (entry.name.endsWith(".dcm")) dicoms.push(entry.name);
    }
    assert.ok(dicoms.length >= 3);
    for (const name of dicoms) await Deno.copyFile(join(FIXTURES, "inputs", name), join(input, name));
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MOD,
        "us",
        input,
        out,
        "--format",
        "dicom",
        "--site-key",
        "fixture-site-key",
        "--json",
      ],
    }).output();
    const logs = new Uint8Array([...run.stdout, ...run.stderr]);
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));

    for (const name of dicoms) {
      const stem = name.replace(/\.dcm$/, "");
      const truth = JSON.parse(await Deno.readTextFile(join(FIXTURES, "truth", `${stem}.json`)));
      const burnedIn: string[] = truth.text.filter((item: { is_phi: boolean }) => item.is_phi)
        .map((item: { text: string }) => item.text);
      const needles = [...phiNeedles(await Deno.readFile(join(input, name))), ...burnedIn]
        .filter((needle) => needle.length >= 4);
      assert.ok(needles.length >= 6, `${name}: too few PHI values to test`);
      // The text CSV holds recognised text by design (sites filter or destroy it); everything else must be clean.
      const checked = [`${stem}.dcm`, "header_actions.csv", "manifest.json"];
      const leaks: string[] = [];
      for (const file of checked) {
        const bytes = await Deno.readFile(join(out, stem, file));
        for (const needle of needles) {
          if (variants(needle).some((form) => containsBytes(bytes, form))) {
            leaks.push(`${file}: ${needle.length} chars`);
          }
        }
      }
      for (const needle of needles) {
        if (variants(needle).some((form) => containsBytes(logs, form))) {
          leaks.push(`logs: ${needle.length} chars`);
        }
        for (const file of checked) {
          if (file.toUpperCase().includes(needle.toUpperCase())) {
            leaks.push(`file name: ${needle.length} chars`);
          }
        }
      }
      assert.deepEqual(leaks, [], `${name}: leaked values (lengths only)`);
    }
  } finally {
    await Deno.remove(input, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});
