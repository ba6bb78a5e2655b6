import assert from "node:assert/strict";
import { compareHeadlines, formatTable, numericLeaves, saveResults, valueAt } from "./results.ts";

Deno.test("compareHeadlines signs the change so that positive is better", () => {
  const headlines = [
    { label: "speed", path: "a.fps", unit: "f/s", higherIsBetter: true },
    { label: "memory", path: "a.rss", unit: "MB", higherIsBetter: false },
    { label: "missing", path: "a.none", unit: "", higherIsBetter: true },
  ];
  const rows = compareHeadlines(headlines, { a: { fps: 15, rss: 200 } }, { a: { fps: 10, rss: 100 } });
  assert.equal(rows[0].improvementPct, 50);
  assert.equal(rows[1].improvementPct, -100);
  assert.equal(rows[2].value, null);
  assert.match(formatTable(rows), /speed\s+15\s+f\/s\s+10\s+\+50%/);
});

Deno.test("numericLeaves and valueAt walk nested results", () => {
  const results = { text: { result: { det_ms: 80, note: "x" }, peakRssMB: 500 } };
  assert.deepEqual(numericLeaves(results.text, "text"), { "text.result.det_ms": 80, "text.peakRssMB": 500 });
  assert.equal(valueAt(results, "text.result.det_ms"), 80);
  assert.equal(valueAt(results, "text.nothing.here"), undefined);
});

Deno.test("saveResults keeps the previous run as previous.json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await saveResults(`${dir}/results.json`, { run: 1 }), null);
    assert.deepEqual(await saveResults(`${dir}/results.json`, { run: 2 }), { run: 1 });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/previous.json`)), { run: 1 });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/results.json`)), { run: 2 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
