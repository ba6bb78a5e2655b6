import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { evaluateCase } from "./evaluate_case.ts";
import { listCases, loadTruth } from "./truth.ts";

const fixtures = new URL("../fixtures", import.meta.url).pathname;

Deno.test("evaluateCase reads outputs in the Output contract: perfect masks score 1, an unchanged frame has PSNR ∞", async () => {
  const evalCase = (await listCases(fixtures)).find((c) => c.relativeInput.endsWith(".png"))!;
  const truth = await loadTruth(evalCase);
  const { rows, cols } = truth.roi!;
  const work = await Deno.makeTempDir({ prefix: "logik-evalcase-test-" });
  try {
    const caseDir = join(work, evalCase.id);
    await Deno.mkdir(caseDir, { recursive: true });
    const roi = truth.roi!.data.map((v) => v * 255);
    const text = new Uint8Array(rows * cols);
    for (const { bbox: [x, y, w, h] } of truth.text!) {
      for (let yy = y; yy < y + h; yy++) text.fill(255, yy * cols + x, yy * cols + x + w);
    }
    const writePng = (data: Uint8Array, path: string) =>
      sharp(data, { raw: { width: cols, height: rows, channels: 1 } }).png().toFile(path);
    await writePng(roi, join(caseDir, "roi_mask.png"));
    await writePng(text, join(caseDir, "text_mask.png"));
    const frameName = `${evalCase.id}_0000.png`;
    await Deno.copyFile(evalCase.inputPath, join(caseDir, frameName));
    const manifest = {
      mode: "us",
      version: "0.1.0",
      frames: 1,
      rows,
      cols,
      channels: 3,
      crop: { x: 0, y: 0, width: cols, height: rows },
      roi: { method: "sector-fit", score: 1, geometry: {} },
      text: { boxes: [], framesScanned: [0], residual: 0 },
      format: { container: "png", codec: "png", quality: null, lossless: false, bitDepth: 8 },
      outputs: [frameName],
      bytesIn: 1000,
      bytesOut: 400,
      timingsMs: { read: 5, text: 20, roi: 3, write: 2 },
    };
    await Deno.writeTextFile(join(caseDir, "manifest.json"), JSON.stringify(manifest));
    const { result } = await evaluateCase(evalCase, work);
    const ours = result.ours!;
    assert.equal(ours.error, null);
    assert.deepEqual(ours.scores, { dice: 1, iou: 1, hd95: 0 });
    assert.equal(ours.text!.removed, truth.text!.length);
    assert.equal(ours.text!.overMaskedPixels, 0);
    assert.equal(ours.psnr, Infinity);
    assert.equal(ours.timeMs, 30);
    assert.deepEqual(result.outputs.map((o) => [o.container, o.bytesIn, o.bytesOut]), [["png", 1000, 400]]);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("evaluateCase without outputs: a clear per-case error naming the folder", async () => {
  const [evalCase] = await listCases(fixtures);
  const work = await Deno.makeTempDir({ prefix: "logik-evalcase-test-" });
  try {
    const { result } = await evaluateCase(evalCase, work);
    assert.match(result.ours!.error!, /no manifest\.json in .*case_0000/);
    assert.ok(result.baseline.scores || result.baseline.error);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
