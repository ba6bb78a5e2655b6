import assert from "node:assert/strict";
import { join } from "node:path";
import dicomParser from "dicom-parser";
import { makeFixtures } from "./make_fixtures.ts";
import { readVolume } from "../src/io/read.ts";
import { readMaskPng } from "../eval/truth.ts";

interface TruthJson {
  format: string;
  cols: number;
  rows: number;
  frames: number;
  ultrasoundRegions: boolean;
  text: { text: string; is_phi: boolean; bbox: [number, number, number, number]; frames: number[] }[];
}

async function tree(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const sub of ["inputs", "truth"]) {
    for await (const entry of Deno.readDir(join(dir, sub))) {
      files.set(`${sub}/${entry.name}`, await Deno.readFile(join(dir, sub, entry.name)));
    }
  }
  return files;
}

Deno.test("make_fixtures: the same seed gives byte-identical inputs and truth", async () => {
  const work = await Deno.makeTempDir({ prefix: "logik-fixtures-test-" });
  try {
    await makeFixtures({ count: 5, seed: 9, outDir: join(work, "a"), small: true });
    await makeFixtures({ count: 5, seed: 9, outDir: join(work, "b"), small: true });
    const a = await tree(join(work, "a")), b = await tree(join(work, "b"));
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [name, bytes] of a) assert.deepEqual(bytes, b.get(name), name);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("checked-in fixtures: sources decode at truth size, text is inked and never straddles the sector", async () => {
  const root = new URL("../fixtures", import.meta.url).pathname;
  const formats = new Set<string>();
  for await (const entry of Deno.readDir(join(root, "inputs"))) {
    const id = entry.name.replace(/\.[^.]+$/, "");
    const truth = JSON.parse(await Deno.readTextFile(join(root, "truth", `${id}.json`))) as TruthJson;
    formats.add(truth.format);
    const roi = await readMaskPng(join(root, "truth", `${id}_roi.png`));
    const volume = await readVolume(join(root, "inputs", entry.name));
    assert.equal(volume.cols, truth.cols, id);
    assert.equal(volume.rows, truth.rows, id);
    assert.equal(volume.frames, truth.frames, id);
    assert.deepEqual([roi.cols, roi.rows], [truth.cols, truth.rows], id);
    assert.ok(truth.text.some((t) => t.is_phi), `${id} has burned-in PHI`);
    for (const item of truth.text) {
      const [x, y, w, h] = item.bbox;
      let inside = 0, ink = 0;
      const frame = item.frames[0] * volume.rows * volume.cols * volume.channels;
      for (let yy = y; yy < y + h; yy++) {
        for (let xx = x; xx < x + w; xx++) {
          inside += roi.data[yy * roi.cols + xx];
          const s = frame + (yy * volume.cols + xx) * volume.channels;
          if (Math.max(volume.data[s], volume.data[s + 1], volume.data[s + 2]) > 90) ink++;
        }
      }
      assert.ok(inside === 0 || inside === w * h, `${id}: a text box straddles the sector edge`);
      assert.ok(ink >= 4, `${id}: text box without ink`);
    }
  }
  assert.deepEqual([...formats].sort(), ["dicom-jpeg", "dicom-rgb", "jpeg", "mp4", "png"]);
});

Deno.test("checked-in DICOM fixtures: header PHI matches the burned-in strings; regions bound the truth sector", async () => {
  const root = new URL("../fixtures", import.meta.url).pathname;
  let withRegions = 0;
  for await (const entry of Deno.readDir(join(root, "inputs"))) {
    if (!entry.name.endsWith(".dcm")) continue;
    const id = entry.name.replace(/\.dcm$/, "");
    const truth = JSON.parse(await Deno.readTextFile(join(root, "truth", `${id}.json`))) as TruthJson;
    const dataset = dicomParser.parseDicom(await Deno.readFile(join(root, "inputs", entry.name)));
    const [family, given] = (dataset.string("x00100010") ?? "").split("^");
    const burned = truth.text.filter((t) => t.is_phi).map((t) => t.text);
    assert.ok(burned.some((t) => t.includes(family) && t.includes(given)), `${id}: name burned in`);
    assert.ok(burned.some((t) => t.includes(dataset.string("x00100020")!)), `${id}: patient ID burned in`);
    const regions = dataset.elements.x00186011?.items;
    assert.equal(Boolean(regions?.length), truth.ultrasoundRegions, id);
    if (regions?.length) {
      withRegions++;
      const region = regions[0].dataSet!;
      const roi = await readMaskPng(join(root, "truth", `${id}_roi.png`));
      let x0 = roi.cols, y0 = roi.rows, x1 = -1, y1 = -1;
      for (let y = 0; y < roi.rows; y++) {
        for (let x = 0; x < roi.cols; x++) {
          if (!roi.data[y * roi.cols + x]) continue;
          x0 = Math.min(x0, x), y0 = Math.min(y0, y), x1 = Math.max(x1, x), y1 = Math.max(y1, y);
        }
      }
      assert.deepEqual(
        [
          region.uint32("x00186018"),
          region.uint32("x0018601a"),
          region.uint32("x0018601c"),
          region.uint32("x0018601e"),
        ],
        [x0, y0, x1, y1],
      );
    }
  }
  assert.ok(withRegions >= 1, "at least one checked-in DICOM carries a Sequence of Ultrasound Regions");
});
