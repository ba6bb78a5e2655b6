import assert from "node:assert/strict";
import { toDisplay8 } from "../display.ts";
import { readDicom } from "../io/dicom/read_dicom.ts";
import { frame8 } from "../volume.ts";
import { createSession } from "./detect.ts";
import { ctcKeys, ModelLoadError, ocrModelPaths, readModelFile } from "./model_files.ts";
import { TextRecognizer } from "./recognize.ts";

Deno.test("TextRecognizer reads the patient ID on OBXXXX1A (white on a blue palette banner)", async () => {
  const paths = ocrModelPaths();
  const session = await createSession(await readModelFile(paths.recognition), paths.recognition);
  const recognizer = new TextRecognizer(session, ctcKeys(await Deno.readTextFile(paths.dictionary)));
  const path = new URL("../../../shared/data/public/dicom/OBXXXX1A.dcm", import.meta.url).pathname;
  const frame = frame8(toDisplay8(await readDicom(await Deno.readFile(path), { path })), 0);
  // A generous box around the ID line; the detector's own boxes are tested in volume_text_test.ts.
  const read = await recognizer.recognize(frame, { x: 88, y: 30, width: 184, height: 28 });
  assert.equal(read.text.replaceAll(" ", ""), "11-05-25-142825");
  assert.ok(read.confidence > 0.8);
  // Boxes reaching past the frame are clipped, not an error.
  const edge = await recognizer.recognize(frame, { x: 780, y: 590, width: 100, height: 40 });
  assert.ok(edge.confidence >= 0 && edge.confidence <= 1);
  // A key list that does not match the model's classes is a model error, not a wrong read.
  const wrong = new TextRecognizer(session, ctcKeys("a\nb\n"));
  await assert.rejects(wrong.recognize(frame, { x: 88, y: 30, width: 184, height: 28 }), ModelLoadError);
});
