import assert from "node:assert/strict";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { toDisplay8 } from "../display.ts";
import { readVolume } from "../io/read.ts";
import { frame8 } from "../volume.ts";
import { ocrModelPaths } from "./model_files.ts";
import { rewriteForCpu } from "./model_rewrite.ts";
import { decodeModel } from "./onnx_graph.ts";
import { encodeMessage, messageField, type OutputField, textField, varintField } from "./protobuf_wire.ts";
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
  // Float rounding only (6e-5 at most seen): a wrong fold moves values by far more.
  assert.ok(difference < 1e-4, `largest difference ${difference}`);
});

Deno.test("rewriteForCpu: the recognition model gives the same class scores on a real text line", async () => {
  const original = await Deno.readFile(ocrModelPaths().recognition);
  const { bytes, counts } = rewriteForCpu(original);
  assert.deepEqual(counts, { convAffine: 28, hardSwish: 28, affineIntoPointwise: 12, affineToBatchNorm: 16 });
  const frame = frame8(toDisplay8(await readVolume(`${PUBLIC}OBXXXX1A.dcm`)), 0);
  const input = resizeToTensor(frame, { x: 88, y: 30, width: 184, height: 28 }, 48, 320, HALF);
  const difference = await largestDifference(original, bytes, new Tensor("float32", input, [1, 3, 48, 320]));
  assert.ok(difference < 1e-4, `largest difference ${difference}`);
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

// Tiny hand-built graphs (no type information: they are rewritten and decoded, not run).
const tensor = (name: string, dims: number[], values: number[]) =>
  messageField(5, [
    ...dims.map((dim) => varintField(1, dim)),
    varintField(2, 1),
    textField(8, name),
    { number: 9, wireType: 2, bytes: new Uint8Array(new Float32Array(values).buffer) },
  ]);
const node = (op: string, inputs: string[], outputs: string[], name = "", extra: OutputField[] = []) =>
  messageField(1, [
    ...inputs.map((input) => textField(1, input)),
    ...outputs.map((output) => textField(2, output)),
    ...(name ? [textField(3, name)] : []),
    textField(4, op),
    ...extra,
  ]);
const graphInput = (name: string) => messageField(11, [textField(1, name)]);
const graphOutput = (name: string) => messageField(12, [textField(1, name)]);
const model = (graph: OutputField[]) =>
  encodeMessage([varintField(1, 7), messageField(8, [varintField(2, 11)]), messageField(7, graph)]);
const ops = (bytes: Uint8Array) => decodeModel(bytes).nodes.map((entry) => entry.opType);

/** x -> Conv(W = 0.5) -> Mul(2) -> Add(1) -> y, with `extraOutput` also declared a graph output. */
function tinyConvAffine(extraOutput?: string): Uint8Array {
  return model([
    node("Conv", ["x", "W"], ["conv"]),
    node("Mul", ["conv", "two"], ["scaled"]),
    node("Add", ["scaled", "one"], ["y"]),
    tensor("W", [1, 1, 1, 1], [0.5]),
    tensor("two", [1], [2]),
    tensor("one", [1], [1]),
    graphInput("x"),
    graphOutput("y"),
    ...(extraOutput ? [graphOutput(extraOutput)] : []),
  ]);
}

Deno.test("rewriteForCpu folds a scale and shift into a convolution, but never rewires a graph output", () => {
  const folded = rewriteForCpu(tinyConvAffine());
  assert.equal(folded.counts.convAffine, 1);
  const rewritten = decodeModel(folded.bytes);
  assert.deepEqual(ops(folded.bytes), ["Conv"]);
  assert.deepEqual(rewritten.nodes[0].outputs, ["y"]);
  const [weight, bias] = rewritten.nodes[0].inputs.slice(1).map((name) =>
    rewritten.constants.get(name)!.values
  );
  assert.deepEqual([...weight, ...bias], [1, 1]); // 2 * 0.5, and 2 * 0 + 1
  // The scaled tensor is also an output of the graph: it must survive as it is, and with nothing to
  // rewrite the model comes back as it was given.
  const original = tinyConvAffine("scaled");
  const kept = rewriteForCpu(original);
  assert.equal(kept.counts.convAffine, 0);
  assert.equal(kept.bytes, original);
});

Deno.test("rewriteForCpu gives new tensors names nobody uses, so no fold overwrites another or a model tensor", () => {
  // Two folds whose natural names would meet an existing initializer, which a Relu reads.
  const bytes = model([
    node("Conv", ["x", "W1"], ["c1"]),
    node("Mul", ["c1", "two"], ["m1"]),
    node("Add", ["m1", "one"], ["a1"]),
    node("Conv", ["a1", "W2"], ["c2"], "c1"),
    node("Mul", ["c2", "three"], ["m2"]),
    node("Add", ["m2", "one"], ["y"]),
    node("Relu", ["logik_a1_bias"], ["z"]),
    tensor("W1", [1, 1, 1, 1], [0.5]),
    tensor("W2", [1, 1, 1, 1], [0.25]),
    tensor("two", [1], [2]),
    tensor("three", [1], [3]),
    tensor("one", [], [1]),
    tensor("logik_a1_bias", [1], [100]),
    graphInput("x"),
    graphOutput("y"),
    graphOutput("z"),
  ]);
  const { bytes: out, counts } = rewriteForCpu(bytes);
  assert.equal(counts.convAffine, 2);
  const rewritten = decodeModel(out);
  const convs = rewritten.nodes.filter((entry) => entry.opType === "Conv");
  const values = (entry: typeof convs[0]) =>
    entry.inputs.slice(1).map((name) => rewritten.constants.get(name)!.values[0]);
  assert.deepEqual(values(convs[0]), [1, 1]); // 2 * 0.5, 2 * 0 + 1
  assert.deepEqual(values(convs[1]), [0.75, 1]); // 3 * 0.25, 3 * 0 + 1
  assert.equal(new Set(convs.flatMap((entry) => entry.inputs.slice(1))).size, 4);
  assert.equal(rewritten.constants.get("logik_a1_bias")!.values[0], 100);
});

Deno.test("rewriteForCpu leaves a rank-5 one-element scale alone: folding it would drop a dimension", () => {
  const bytes = model([
    node("Conv", ["x", "W"], ["conv"]),
    node("Mul", ["conv", "wide"], ["scaled"]),
    node("Add", ["scaled", "one"], ["y"]),
    tensor("W", [1, 1, 1, 1], [0.5]),
    tensor("wide", [1, 1, 1, 1, 1], [2]),
    tensor("one", [1], [1]),
    graphInput("x"),
    graphOutput("y"),
  ]);
  assert.equal(rewriteForCpu(bytes).counts.convAffine, 0);
});

Deno.test("rewriteForCpu makes no BatchNormalization where the channel count is not the convolution's", () => {
  // A 1-channel map times a 4-channel map, then a scale and shift: the product has 4 channels, and
  // the walk back must not take the 1-channel convolution's count for it.
  const bytes = model([
    node("Conv", ["x", "W1"], ["c1"]),
    node("Relu", ["c1"], ["r1"]),
    node("Conv", ["x", "W4"], ["c4"]),
    node("Mul", ["r1", "c4"], ["product"]),
    node("Mul", ["product", "two"], ["scaled"]),
    node("Add", ["scaled", "one"], ["y"]),
    tensor("W1", [1, 1, 1, 1], [1]),
    tensor("W4", [4, 1, 1, 1], [1, 2, 3, 4]),
    tensor("two", [1], [2]),
    tensor("one", [1], [1]),
    graphInput("x"),
    graphOutput("y"),
  ]);
  const { counts } = rewriteForCpu(bytes);
  assert.equal(counts.affineToBatchNorm, 0);
});

Deno.test("rewriteForCpu leaves a graph with a subgraph as it is, and keeps a Constant that is a graph output", () => {
  const branch = messageField(6, [node("Identity", ["c1"], ["out"]), graphOutput("out")]);
  const withIf = model([
    node("Conv", ["x", "W"], ["c1"]),
    node("Mul", ["c1", "two"], ["m"]),
    node("Add", ["m", "one"], ["y"]),
    node("If", ["cond"], ["z"], "", [
      messageField(5, [textField(1, "then_branch"), branch, varintField(20, 5)]),
      messageField(5, [textField(1, "else_branch"), branch, varintField(20, 5)]),
    ]),
    tensor("W", [1, 1, 1, 1], [0.5]),
    tensor("two", [1], [2]),
    tensor("one", [1], [1]),
    graphInput("x"),
    graphInput("cond"),
    graphOutput("y"),
    graphOutput("z"),
  ]);
  const subgraph = rewriteForCpu(withIf);
  assert.equal(subgraph.bytes, withIf);
  assert.equal(subgraph.counts.convAffine, 0);
  // A Constant node whose value is a graph output survives the re-encoding of a rewritten graph.
  const constant = messageField(5, [
    textField(1, "value"),
    messageField(5, [varintField(2, 1), {
      number: 9,
      wireType: 2,
      bytes: new Uint8Array(new Float32Array([7]).buffer),
    }]),
    varintField(20, 4),
  ]);
  const withConstant = model([
    node("Conv", ["x", "W"], ["c1"]),
    node("Mul", ["c1", "two"], ["m"]),
    node("Add", ["m", "one"], ["y"]),
    node("Constant", [], ["k"], "", [constant]),
    tensor("W", [1, 1, 1, 1], [0.5]),
    tensor("two", [1], [2]),
    tensor("one", [1], [1]),
    graphInput("x"),
    graphOutput("y"),
    graphOutput("k"),
  ]);
  const kept = rewriteForCpu(withConstant);
  assert.equal(kept.counts.convAffine, 1);
  assert.deepEqual(ops(kept.bytes), ["Conv", "Constant"]);
});

Deno.test("the engine runs both shipped models rewritten, and originalGraphs runs them as read", async () => {
  assert.deepEqual((await createTextEngine()).rewrittenGraphs, { detection: true, recognition: true });
  assert.deepEqual(
    (await createTextEngine({ originalGraphs: true })).rewrittenGraphs,
    { detection: false, recognition: false },
  );
});
