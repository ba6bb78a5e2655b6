import assert from "node:assert/strict";
import { ctcKeys, ModelLoadError, ocrModelPaths, readModelFile } from "./model_files.ts";
import { createTextEngine } from "./text_engine.ts";

Deno.test("ocrModelPaths points at the installed PP-OCRv4 files", async () => {
  const paths = ocrModelPaths();
  for (const path of [paths.detection, paths.recognition, paths.dictionary]) {
    assert.ok((await Deno.stat(path)).size > 1000, path);
  }
});

Deno.test("ctcKeys puts the blank first and a space last, matching the 6625 model classes", async () => {
  const keys = ctcKeys(await Deno.readTextFile(ocrModelPaths().dictionary));
  assert.equal(keys[0], "");
  assert.equal(keys[keys.length - 1], " ");
  assert.equal(keys.length, 6625);
});

Deno.test("a missing model file is a ModelLoadError naming the path", async () => {
  await assert.rejects(readModelFile("/nonexistent/det.onnx"), (error: Error) => {
    assert.ok(error instanceof ModelLoadError);
    assert.match(error.message, /\/nonexistent\/det\.onnx/);
    return true;
  });
});

Deno.test("a corrupt model file is a ModelLoadError at engine creation", async () => {
  const corrupt = await Deno.makeTempFile({ suffix: ".onnx" });
  try {
    await Deno.writeFile(corrupt, new TextEncoder().encode("not an onnx model"));
    const paths = { ...ocrModelPaths(), detection: corrupt };
    await assert.rejects(createTextEngine({ modelPaths: paths }), ModelLoadError);
  } finally {
    await Deno.remove(corrupt);
  }
});

Deno.test("a model cut short is a ModelLoadError naming the file, though its start parses", async () => {
  const truncated = await Deno.makeTempFile({ suffix: ".onnx" });
  try {
    const whole = await Deno.readFile(ocrModelPaths().recognition);
    await Deno.writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const paths = { ...ocrModelPaths(), recognition: truncated };
    await assert.rejects(createTextEngine({ modelPaths: paths }), (error: Error) => {
      assert.ok(error instanceof ModelLoadError);
      assert.ok(error.message.includes(truncated));
      return true;
    });
  } finally {
    await Deno.remove(truncated);
  }
});
