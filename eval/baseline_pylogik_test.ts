import assert from "node:assert/strict";
import { readVolume } from "../src/io/read.ts";
import { toDisplay8 } from "../src/display.ts";
import { pylogikUltrasoundRoi } from "./baseline_pylogik.ts";
import { listCases, loadTruth } from "./truth.ts";
import { maskScores } from "./mask_scores.ts";

const fixtures = new URL("../fixtures", import.meta.url).pathname;

Deno.test("baseline on the checked-in fixtures: fits phased fans well, does worse on linear probes", async () => {
  const dice: Record<string, number[]> = {};
  for (const evalCase of await listCases(fixtures)) {
    const truth = await loadTruth(evalCase);
    const volume = toDisplay8(await readVolume(evalCase.inputPath));
    const result = pylogikUltrasoundRoi(volume);
    assert.equal(result.mask.rows, volume.rows);
    (dice[truth.kind] ??= []).push(maskScores(result.mask, truth.roi!).dice);
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  assert.ok(mean(dice.phased) > 0.93, `phased mean ${mean(dice.phased)}`);
  assert.ok(mean(dice.linear) < mean(dice.phased), "linear below phased, as PyLogik's published figures");
});

Deno.test("baseline on a real echo (US1_UNCR): keeps most of the frame's centre, drops the top banner", async () => {
  const volume = toDisplay8(
    await readVolume(new URL("../../shared/data/public/dicom/US1_UNCR.dcm", import.meta.url).pathname),
  );
  const result = pylogikUltrasoundRoi(volume);
  const { rows, cols, data } = result.mask;
  assert.equal(data[Math.floor(rows / 2) * cols + Math.floor(cols / 2)], 1, "centre kept");
  let topRow = 0;
  for (let x = 0; x < cols; x++) topRow += data[x];
  assert.equal(topRow, 0, "first row dropped");
});

Deno.test("baseline on an all-black loop: no region, a clear error (a baseline crash)", () => {
  const volume = {
    frames: 2,
    rows: 40,
    cols: 50,
    channels: 1 as const,
    data: new Uint8Array(4000),
    meta: { format: "image" as const },
  };
  assert.throws(() => pylogikUltrasoundRoi(volume), /empty morphological mask/);
});
