import assert from "node:assert/strict";
import { join } from "node:path";
import Papa from "papaparse";
import sharp from "sharp";
import { writeCase } from "../scripts/fixtures/case_writer.ts";
import { generateCase } from "../scripts/fixtures/generate_case.ts";
import { createEngines } from "./create_engines.ts";
import { readMaskPng } from "./io/write_mask.ts";
import { diceScore } from "./metrics.ts";
import { parseProcessOptions, type ProcessOptionsInput } from "./options.ts";
import { outputStem, processFile } from "./pipeline.ts";

const PUBLIC = new URL("../../shared/data/public/", import.meta.url).pathname;
const RULES = new URL("../rules/example.json", import.meta.url).pathname;
const engines = await createEngines();

async function run(sample: string, options: ProcessOptionsInput) {
  const outRoot = await Deno.makeTempDir({ prefix: "logik_pipeline_" });
  const manifest = await processFile(join(PUBLIC, sample), parseProcessOptions(options), {
    outRoot,
    relativePath: sample,
  }, engines);
  const name = outputStem(sample);
  return { manifest, dir: join(outRoot, sample.replace(/[^/]+$/, ""), name), name, outRoot };
}

function csvRows(text: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

Deno.test("us mode on OBXXXX1A: PHI read into the CSV, blanked in the pixels, crop in source coordinates", async () => {
  const { manifest, dir, name, outRoot } = await run("dicom/OBXXXX1A.dcm", {
    mode: "us",
    masks: true,
    verify: true,
  });
  try {
    const rows = csvRows(await Deno.readTextFile(join(dir, `${name}_txt.csv`)));
    const texts = rows.map((row) => row.text.replaceAll(" ", ""));
    for (const phi of ["11-05-25-142825", "5/25/2011", "2:56:22PM"]) assert.ok(texts.includes(phi), phi);
    assert.deepEqual(Object.keys(rows[0]), [
      "file",
      "frame",
      "text",
      "confidence",
      "x",
      "y",
      "width",
      "height",
    ]);

    const textMask = await readMaskPng(join(dir, "text_mask.png"));
    const roiMask = await readMaskPng(join(dir, "roi_mask.png"));
    assert.deepEqual([textMask.rows, textMask.cols, roiMask.rows, roiMask.cols], [600, 800, 600, 800]);
    for (const row of rows) {
      const [x, y, w, h] = [row.x, row.y, row.width, row.height].map(Number);
      let covered = 0;
      for (let yy = y; yy < y + h; yy++) {
        for (let xx = x; xx < x + w; xx++) covered += textMask.data[yy * 800 + xx];
      }
      assert.ok(covered / (w * h) >= 0.99, `box of "${row.text}" is blanked`);
    }
    // Output pixel (0,0) is source pixel (crop.x, crop.y): the output size is the crop size.
    const crop = manifest.crop!;
    const frame = await sharp(await Deno.readFile(join(dir, `${name}_0000.jpeg`))).metadata();
    assert.deepEqual([frame.width, frame.height], [crop.width, crop.height]);
    assert.equal(manifest.text.residual, 0);
    assert.equal(manifest.format.quality, 95);
    assert.ok(!JSON.stringify(manifest).includes("142825"), "no recognised text in the manifest");
  } finally {
    await Deno.remove(outRoot, { recursive: true });
  }
});

Deno.test("text mode writes the CSV and manifest only; --rules adds a filtered CSV with a phi column", async () => {
  const { dir, name, outRoot, manifest } = await run("dicom/OBXXXX1A.dcm", { mode: "text", rules: RULES });
  try {
    const files = (await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name).sort();
    assert.deepEqual(files, [`${name}_txt.csv`, `${name}_txt.filtered.csv`, "manifest.json"]);
    assert.equal(manifest.crop, null);
    const filtered = csvRows(await Deno.readTextFile(join(dir, `${name}_txt.filtered.csv`)));
    assert.ok(filtered.length > 5);
    assert.ok("phi" in filtered[0]);
    const phiFlags = new Map(filtered.map((row) => [row.text.replaceAll(" ", ""), row.phi]));
    const raw = csvRows(await Deno.readTextFile(join(dir, `${name}_txt.csv`)));
    const idRow = raw.findIndex((row) => row.text.replaceAll(" ", "") === "11-05-25-142825");
    assert.ok(idRow >= 0);
    assert.equal(filtered[idRow].phi, "true", "the patient ID is flagged as PHI");
    assert.ok([...phiFlags.values()].includes("false"), "some technical text is kept");
  } finally {
    await Deno.remove(outRoot, { recursive: true });
  }
});

Deno.test("png keeps 16-bit depth for CT; --no-csv writes no CSV", async () => {
  const { dir, name, outRoot, manifest } = await run("dicom/CT_small.dcm", {
    mode: "deid",
    format: "png",
    csv: false,
  });
  try {
    const files = (await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name).sort();
    assert.deepEqual(files, [`${name}_0000.png`, "manifest.json"]);
    const meta = await sharp(await Deno.readFile(join(dir, `${name}_0000.png`))).metadata();
    assert.equal(meta.depth, "ushort");
    assert.equal(manifest.format.lossless, true);
    assert.equal(manifest.format.bitDepth, 16);
    assert.equal(manifest.text.boxes.length, 0, "no text found on CT anatomy");
  } finally {
    await Deno.remove(outRoot, { recursive: true });
  }
});

Deno.test("a NIfTI volume round-trips to --format nifti with its free-text header cleared", async () => {
  const { dir, name, outRoot, manifest } = await run("nifti/example4d.nii.gz", {
    mode: "deid",
    format: "nifti",
  });
  try {
    assert.equal(manifest.frames, 48);
    const bytes = await Deno.readFile(join(dir, `${name}.nii.gz`));
    const text = new TextDecoder("latin1").decode(
      new Uint8Array(
        await new Response(
          new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")),
        ).arrayBuffer(),
      ),
    );
    assert.ok(!text.includes("extcomment1"));
  } finally {
    await Deno.remove(outRoot, { recursive: true });
  }
});

Deno.test("--format dicom from a PNG is refused before any OCR, naming the file and the reason", async () => {
  const outRoot = await Deno.makeTempDir({ prefix: "logik_pipeline_" });
  try {
    const png = new URL("../fixtures/inputs/case_0002.png", import.meta.url).pathname;
    await assert.rejects(
      processFile(png, parseProcessOptions({ mode: "us", format: "dicom", siteKey: "k" }), {
        outRoot,
        relativePath: "case_0002.png",
      }, engines),
      /case_0002\.png: --format dicom is built from the source header and needs a dicom input/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(outRoot)), [], "nothing written");
  } finally {
    await Deno.remove(outRoot, { recursive: true });
  }
});

Deno.test("us on generated case_0588: labels near a phased sector's apex, blanked, no longer cut the apex off", async () => {
  // Two "LIVER" labels sit just below the apex. Blanked black for the ROI step, they split the top of
  // the sector from the rest and the fit put its near edge under them (Dice 0.79).
  const synthetic = await generateCase(588, 288928988, { small: true });
  const dir = await Deno.makeTempDir({ prefix: "logik_pipeline_case_" });
  try {
    const input = await writeCase(synthetic, join(dir, "in"));
    const manifest = await processFile(input, parseProcessOptions({ mode: "us", masks: true }), {
      outRoot: join(dir, "out"),
      relativePath: "case_0588.dcm",
    }, engines);
    assert.ok(manifest.text.boxes.length > 0);
    const roi = await readMaskPng(join(dir, "out", "case_0588", "roi_mask.png"));
    const truth = { rows: synthetic.rows, cols: synthetic.cols, data: synthetic.roiMask };
    const dice = diceScore(roi, truth);
    assert.ok(dice >= 0.99, `Dice ${dice.toFixed(4)}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
