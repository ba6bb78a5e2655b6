import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { runEvaluation } from "./run.ts";
import { makeFixtures } from "../scripts/make_fixtures.ts";

Deno.test("runEvaluation: missing truth is listed as a gap, a wrong-size mask is a per-case error, the rest is scored", async () => {
  const work = await Deno.makeTempDir({ prefix: "logik-eval-test-" });
  try {
    const set = join(work, "set");
    await makeFixtures({ count: 4, seed: 5, outDir: set, small: true });
    await Deno.remove(join(set, "truth", "case_0001_roi.png"));
    await Deno.remove(join(set, "truth", "case_0001.json"));
    const wrong = join(set, "truth", "case_0002_roi.png");
    const resized = await sharp(wrong).resize(50, 40).png().toBuffer();
    await Deno.writeFile(wrong, resized);
    const report = await runEvaluation({ set, mode: "us", out: join(work, "out"), baselineOnly: true });
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    assert.equal(report.results.length, 4);
    assert.deepEqual(report.summary.gaps.map((g) => g.id), ["case_0001"]);
    assert.equal(byId.case_0001.baseline.scores, null);
    assert.match(byId.case_0002.errors.join(), /case_0002_roi\.png is 50x40, the source is \d+x\d+/);
    assert.equal(byId.case_0002.baseline.scores, null);
    assert.ok(byId.case_0000.baseline.scores || byId.case_0000.baseline.error);
    assert.ok(byId.case_0003.baseline.scores || byId.case_0003.baseline.error);
    assert.equal(report.summary.region.baseline.all.cases, 4);
    const csv = await Deno.readTextFile(report.csvPath);
    assert.equal(csv.trim().split("\n").length, 5);
    const html = await Deno.readTextFile(report.reportPath);
    assert.match(html, /case_0001<\/b>: missing roi/);
    assert.match(html, /50x40/);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
