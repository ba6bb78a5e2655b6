import assert from "node:assert/strict";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { toDisplay8 } from "../display.ts";
import { readVolume } from "../io/read.ts";
import { frame8 } from "../volume.ts";
import { ocrModelPaths } from "./model_files.ts";
import { rewriteForCpu } from "./model_rewrite.ts";
import { decodeModel } from "./onnx_graph.ts";
import { encodeMessage, messageField, textField, varintField } from "./protobuf_wire.ts";
import { HALF, IMAGENET, resizeToTensor } from "./resize_tensor.ts";
import { createTextEngine } from "./text_engine.ts";
import { detectVolumeText } from "./volume_text.ts";

const PUBLIC = new URL("../../../shared/data/public/dicom/", import.meta.url).pathname;

async function session(bytes: Uint8Array): Promise<InferenceSession> {
  return await InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: "all" });
}

/** Largest absolute difference between the two models' outputs on one input. */
async function largestDifference(
  original: Uint8Array,
  rewritten: Uint8Array,
  input: Tensor,
): Promise<number> {
  const [a, b] = [await session(original), await session(rewritten)];
  const outA = (await a.run({ [a.inputNames[0]]: input }))[a.outputNames[0]].data as Float32Array;
  const outB = (await b.run({ [b.inputNames[0]]: input }))[b.outputNames[0]].data as Float32Array;
  assert.equal(outA.length, outB.length);
  let largest = 0;
  for (let i = 0; i < outA.length; i++) largest = Math.max(largest, Math.abs(outA[i] - outB[i]));
  return largest;
}

Deno.test("rewriteForCpu: the detection model gives the same probability map on a real echo frame", async () => {
  const original = await Deno.readFile(ocrModelPaths().detection);
  const { bytes, counts } = rewriteForCpu(original);
  assert.deepEqual(counts, { convAffine: 28, hardSwish: 24, affineIntoPointwise: 10, affineToBatchNorm: 14 });
  const ops = decodeModel(bytes).nodes.map((node) => node.opType);
  assert.equal(ops.filter((op) => op === "Clip").length, 0, "every hard-swish was fused");
  assert.equal(ops.filter((op) => op === "Div").length, 0);
  const frame = frame8(toDisplay8(await readVolume(`${PUBLIC}US1_UNCR.dcm`)), 0);
  const rows = 480, cols = 640;
  const input = resizeToTensor(
    frame,
    { x: 0, y: 0, width: frame.cols, height: frame.rows },
    rows,
    cols,
    IMAGENET,
  );
  const difference = await largestDifference(
    original,
    bytes,
    new Tensor("float32", input, [1, 3, rows, cols]),
  );
  // Float rounding only: the DB threshold is 0.3, and a changed fold would move values by far more.
  assert.ok(difference < 1e-3, `largest difference ${difference}`);
});

Deno.test("rewriteForCpu: the recognition model gives the same class scores on a real text line", async () => {
  const original = await Deno.readFile(ocrModelPaths().recognition);
  const { bytes, counts } = rewriteForCpu(original);
  assert.deepEqual(counts, { convAffine: 28, hardSwish: 28, affineIntoPointwise: 12, affineToBatchNorm: 16 });
  const frame = frame8(toDisplay8(await readVolume(`${PUBLIC}OBXXXX1A.dcm`)), 0);
  const input = resizeToTensor(frame, { x: 88, y: 30, width: 184, height: 28 }, 48, 320, HALF);
  const difference = await largestDifference(original, bytes, new Tensor("float32", input, [1, 3, 48, 320]));
  assert.ok(difference < 1e-3, `largest difference ${difference}`);
});

Deno.test("rewriteForCpu leaves a rewritten model as it is", async () => {
  const { bytes } = rewriteForCpu(await Deno.readFile(ocrModelPaths().detection));
  const again = rewriteForCpu(bytes);
  assert.deepEqual(again.counts, {
    convAffine: 0,
    hardSwish: 0,
    affineIntoPointwise: 0,
    affineToBatchNorm: 0,
  });
});

Deno.test("the rewritten models find and read the same text as the shipped ones on real files", async () => {
  const shipped = await createTextEngine({ originalGraphs: true });
  const rewritten = await createTextEngine();
  for (const name of ["OBXXXX1A.dcm", "gdcm-US-ALOKA-16.dcm", "JPGLosslessP14SV1_1s_1f_8b.dcm"]) {
    const volume = toDisplay8(await readVolume(`${PUBLIC}${name}`));
    const a = await detectVolumeText(shipped, volume);
    const b = await detectVolumeText(rewritten, volume);
    assert.deepEqual(b.boxes, a.boxes, name);
    assert.deepEqual(b.reads.map((read) => read.text), a.reads.map((read) => read.text), name);
    assert.ok(a.reads.length > 0, `${name} has text`);
  }
});

/** A tiny graph x -> Conv(W) -> Mul(2) -> Add(1) -> y, with `extraOutput` also declared a graph output. */
function tinyConvAffine(extraOutput?: string): Uint8Array {
  const tensor = (name: string, dims: number[], values: number[]) => {
    const raw = new Uint8Array(new Float32Array(values).buffer);
    return [
      ...dims.map((dim) => varintField(1, dim)),
      varintField(2, 1),
      textField(8, name),
      { number: 9, wireType: 2 as const, bytes: raw },
    ];
  };
  const node = (op: string, inputs: string[], output: string) => [
    ...inputs.map((input) => textField(1, input)),
    textField(2, output),
    textField(4, op),
  ];
  const valueInfo = (name: string) => messageField(12, [textField(1, name)]);
  const graph = [
    messageField(1, node("Conv", ["x", "W"], "conv")),
    messageField(1, node("Mul", ["conv", "two"], "scaled")),
    messageField(1, node("Add", ["scaled", "one"], "y")),
    messageField(5, tensor("W", [1, 1, 1, 1], [0.5])),
    messageField(5, tensor("two", [1], [2])),
    messageField(5, tensor("one", [1], [1])),
    messageField(11, [textField(1, "x")]),
    valueInfo("y"),
    ...(extraOutput ? [valueInfo(extraOutput)] : []),
  ];
  return encodeMessage([varintField(1, 7), messageField(8, [varintField(2, 11)]), messageField(7, graph)]);
}

Deno.test("rewriteForCpu folds a scale and shift into a convolution, but never rewires a graph output", () => {
  const folded = rewriteForCpu(tinyConvAffine());
  assert.equal(folded.counts.convAffine, 1);
  const model = decodeModel(folded.bytes);
  assert.deepEqual(model.nodes.map((node) => node.opType), ["Conv"]);
  assert.deepEqual(model.nodes[0].outputs, ["y"]);
  const [weight, bias] = model.nodes[0].inputs.slice(1).map((name) => model.constants.get(name)!.values);
  assert.deepEqual([...weight, ...bias], [1, 1]); // 2 * 0.5, and 2 * 0 + 1
  // The scaled tensor is also an output of the graph: it must survive as it is.
  const kept = rewriteForCpu(tinyConvAffine("scaled"));
  assert.equal(kept.counts.convAffine, 0);
  assert.deepEqual(decodeModel(kept.bytes).nodes.map((node) => node.opType), ["Conv", "Mul", "Add"]);
});
