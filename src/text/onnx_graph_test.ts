import assert from "node:assert/strict";
import { ocrModelPaths } from "./model_files.ts";
import { attributeFloat, attributeInt, attributeInts, decodeModel, encodeModel } from "./onnx_graph.ts";

Deno.test("decodeModel reads the detection model's nodes, attributes and constants", async () => {
  const model = decodeModel(await Deno.readFile(ocrModelPaths().detection));
  const count = (op: string) => model.nodes.filter((node) => node.opType === op).length;
  assert.equal(count("Conv"), 62);
  assert.equal(count("Clip"), 24);
  const first = model.nodes.find((node) => node.opType === "Conv")!;
  assert.equal(first.inputs[0], "x");
  assert.deepEqual(attributeInts(first, "strides"), [2, 2]);
  assert.equal(attributeInt(first, "group", 0), 1);
  const weight = model.constants.get(first.inputs[1])!;
  assert.deepEqual(weight.dims, [16, 3, 3, 3]);
  assert.ok(weight.values.every(Number.isFinite));
  assert.ok(weight.values.some((value) => value !== 0));
  const depthwise = model.nodes.filter((node) => node.opType === "Conv")[1];
  assert.equal(attributeInt(depthwise, "group", 1), 16);
  assert.equal(attributeFloat(first, "no_such_attribute"), undefined);
});

Deno.test("encodeModel after decodeModel keeps every node of the recognition model (opset 9 Clip attributes)", async () => {
  const model = decodeModel(await Deno.readFile(ocrModelPaths().recognition));
  const clip = model.nodes.find((node) => node.opType === "Clip")!;
  assert.equal(attributeFloat(clip, "min"), 0);
  assert.equal(attributeFloat(clip, "max"), 6);
  const again = decodeModel(encodeModel(model));
  // Constant nodes nobody reads are dropped; every other node survives unchanged.
  const working = (nodes: typeof model.nodes) => nodes.filter((node) => node.opType !== "Constant");
  assert.deepEqual(working(again.nodes), working(model.nodes));
  assert.equal(again.constants.size, model.constants.size);
});
