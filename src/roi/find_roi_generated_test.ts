/**
 * findRoi on the worst sector fits of the 200-case synthetic evaluation set (`deno task fixtures
 * --small`), rebuilt from their seeds and written through the real encoders, with the text boxes the
 * CLI detected on them blanked as the CLI blanks them (fixed here so that OCR changes do not move
 * these tests).
 */
import assert from "node:assert/strict";
import { writeCase } from "../../scripts/fixtures/case_writer.ts";
import { generateCase } from "../../scripts/fixtures/generate_case.ts";
import { toDisplay8 } from "../display.ts";
import { readVolume } from "../io/read.ts";
import { diceScore } from "../metrics.ts";
import { maskText } from "../text/text_mask.ts";
import type { Mask } from "../volume.ts";
import { findRoi } from "./find_roi.ts";

interface GeneratedCase {
  index: number;
  seed: number;
  /** Detected text boxes "x,y,width,height ..." (manifest text.boxes of an eval run). */
  boxes: string;
  why: string;
  /** Dice against the truth mask before the fix this case guards. */
  before: number;
  /** Dice required now. */
  minDice: number;
}

const cases: GeneratedCase[] = [
  {
    index: 190,
    seed: 1356922020,
    boxes: "40,0,93,19 149,0,103,18 248,35,56,20 188,73,31,20 253,166,66,18 150,174,28,19 263,186,57,19",
    why: "JPEG ringing above a linear loop does not hold its near edge out",
    before: 0.9713,
    minDice: 0.995,
  },
];

for (const testCase of cases) {
  const name = `case_${String(testCase.index).padStart(4, "0")}`;
  Deno.test(`findRoi us on generated ${name} (Dice was ${testCase.before}): ${testCase.why}`, async () => {
    const synthetic = await generateCase(testCase.index, testCase.seed, { small: true });
    const dir = await Deno.makeTempDir({ prefix: "logik_roi_case_" });
    try {
      const volume = toDisplay8(await readVolume(await writeCase(synthetic, dir)));
      const boxes = testCase.boxes.split(" ").map((box) => {
        const [x, y, width, height] = box.split(",").map(Number);
        return { x, y, width, height };
      });
      const roi = findRoi(maskText(volume, boxes), "us");
      const truth: Mask = { rows: synthetic.rows, cols: synthetic.cols, data: synthetic.roiMask };
      const dice = diceScore(roi.mask, truth);
      assert.equal(roi.method, "sector-fit", `${roi.method}: ${roi.reason}`);
      assert.equal(roi.geometry.kind, synthetic.geometry.kind);
      assert.ok(dice >= testCase.minDice, `Dice ${dice.toFixed(4)} below ${testCase.minDice}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
