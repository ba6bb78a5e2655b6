/**
 * Rewrite the PP-OCRv4 graphs into a form ONNX Runtime's CPU kernels run fast, with the same
 * arithmetic. Paddle2ONNX writes each PP-LCNet block as a convolution, a scalar scale and shift, a
 * hard-swish spelt out in four element-wise ops, and another scalar scale and shift. None of these
 * fuse with the convolution, and each breaks ORT's blocked (NCHWc) layout, so a detection run spent
 * more time on element-wise passes and layout reorders (about 100 of 175 ms at 832x608) than on
 * convolutions. Here:
 * - a scale and shift after a convolution is folded into its weights and bias;
 * - `x * clip(x + 3, 0, 6) / 6` becomes `x * HardSigmoid(x)`, which ORT keeps in the blocked layout;
 * - a scale and shift before an unpadded 1x1 convolution is folded into it (exact: no padding reads
 *   the shifted zero);
 * - any other scalar scale and shift on a convolution's feature map becomes one BatchNormalization.
 * The outputs agree with the original graph's to float rounding (at most 6e-5 on a probability).
 * @module
 */
import {
  attributeFloat,
  attributeInt,
  attributeInts,
  attributeString,
  decodeModel,
  encodeModel,
  floatAttribute,
  type FloatTensor,
  freshName,
  type OnnxModel,
  type OnnxNode,
} from "./onnx_graph.ts";

/** What {@link rewriteForCpu} changed, per kind of rewrite. */
export interface RewriteCounts {
  convAffine: number;
  hardSwish: number;
  affineIntoPointwise: number;
  affineToBatchNorm: number;
}

/**
 * The rewritten model bytes and what was changed. A graph without these patterns comes back
 * equivalent, with zero counts.
 *
 * @example
 * ```ts
 * const { bytes, counts } = rewriteForCpu(await Deno.readFile(ocrModelPaths().detection));
 * counts.hardSwish; // 24
 * ```
 */
export function rewriteForCpu(original: Uint8Array): { bytes: Uint8Array; counts: RewriteCounts } {
  const model = decodeModel(original);
  const none: RewriteCounts = { convAffine: 0, hardSwish: 0, affineIntoPointwise: 0, affineToBatchNorm: 0 };
  // A subgraph may read any outer tensor, and the passes see only the outer node list.
  if (model.hasSubgraphs) return { bytes: original, counts: none };
  const counts: RewriteCounts = {
    convAffine: foldAffineIntoConv(model),
    hardSwish: fuseHardSwish(model),
    affineIntoPointwise: foldAffineIntoPointwise(model),
    affineToBatchNorm: affineToBatchNorm(model),
  };
  const changed = Object.values(counts).some((count) => count > 0);
  return { bytes: changed ? encodeModel(model) : original, counts };
}

/** Stands for the graph's outputs among a tensor's readers: no rewrite may rename or drop them. */
const GRAPH_OUTPUT: OnnxNode = {
  opType: "",
  inputs: [],
  outputs: [],
  name: "",
  domain: "graph output",
  attributes: [],
  rest: [],
};

/** Nodes reading each tensor name; graph outputs count as a reader that cannot be rewired. */
function readers(model: OnnxModel): Map<string, OnnxNode[]> {
  const byName = new Map<string, OnnxNode[]>(model.outputs.map((name) => [name, [GRAPH_OUTPUT]]));
  for (const node of model.nodes) {
    for (const input of node.inputs) {
      const list = byName.get(input) ?? [];
      list.push(node);
      byName.set(input, list);
    }
  }
  return byName;
}

/** The one node reading `name`, when exactly one does (and it is not also read elsewhere). */
function soleReader(reading: Map<string, OnnxNode[]>, name: string, op: string): OnnxNode | undefined {
  const list = reading.get(name);
  return list?.length === 1 && list[0].opType === op && list[0].domain === "" ? list[0] : undefined;
}

/** The value of a one-element float constant, or undefined. */
function scalar(model: OnnxModel, name: string): number | undefined {
  // The shape first: most constants are weights, not worth decoding to learn they are not scalars.
  // Rank 0 or 1 only: a [1,1,1,1,1] "scalar" would broadcast a feature map to a higher rank.
  const dims = model.constants.dims(name);
  if (!dims || dims.length > 1 || dims.reduce((product, dim) => product * dim, 1) !== 1) return undefined;
  return model.constants.get(name)?.values[0];
}

/** For a binary node reading `input` and a scalar constant: the scalar. */
function scalarOperand(model: OnnxModel, node: OnnxNode | undefined, input: string): number | undefined {
  if (!node || node.inputs.length !== 2 || !node.inputs.includes(input)) return undefined;
  const other = node.inputs[0] === input ? node.inputs[1] : node.inputs[0];
  return other === input ? undefined : scalar(model, other);
}

/** `input -> Mul(scale) -> Add(shift)`, when each step has a single reader. */
function scalarAffineAfter(model: OnnxModel, reading: Map<string, OnnxNode[]>, input: string) {
  const mul = soleReader(reading, input, "Mul");
  const scale = scalarOperand(model, mul, input);
  if (!mul || scale === undefined) return undefined;
  const add = soleReader(reading, mul.outputs[0], "Add");
  const shift = scalarOperand(model, add, mul.outputs[0]);
  if (!add || shift === undefined) return undefined;
  return { mul, add, scale, shift };
}

/**
 * Every `x -> Mul(scalar) -> Add(scalar)` of the graph as it stands when the pass starts (the list is
 * taken first, so a pass may edit the graph as it goes).
 */
function scalarAffines(model: OnnxModel, reading: Map<string, OnnxNode[]>) {
  return model.nodes.flatMap((mul) => {
    if (mul.opType !== "Mul" || mul.domain !== "") return [];
    const x = mul.inputs.find((input) => scalar(model, input) === undefined);
    const affine = x === undefined ? undefined : scalarAffineAfter(model, reading, x);
    return x !== undefined && affine?.mul === mul ? [{ x, affine }] : [];
  });
}

/** A plain convolution with constant float weights (and bias, if any). */
function convWeights(
  model: OnnxModel,
  conv: OnnxNode,
): { weight: FloatTensor; bias: Float32Array } | undefined {
  if (conv.opType !== "Conv" || conv.domain !== "" || conv.inputs.length < 2) return undefined;
  const weight = model.constants.get(conv.inputs[1]);
  if (!weight || weight.dims.length !== 4) return undefined;
  const outChannels = weight.dims[0];
  const bias = conv.inputs.length > 2
    ? model.constants.get(conv.inputs[2])?.values
    : new Float32Array(outChannels);
  if (!bias || bias.length !== outChannels) return undefined;
  return { weight, bias };
}

/** Give `conv` new weight and bias initializers. */
function setConvWeights(model: OnnxModel, conv: OnnxNode, weight: FloatTensor, bias: Float32Array): void {
  const base = `logik_${conv.outputs[0]}`;
  const names = [freshName(model, `${base}_weight`), freshName(model, `${base}_bias`)];
  const tensors = [weight, { dims: [bias.length], values: bias }];
  names.forEach((name, i) => {
    model.added.set(name, tensors[i]);
    model.constants.set(name, tensors[i]);
  });
  conv.inputs = [conv.inputs[0], ...names];
}

function remove(model: OnnxModel, ...nodes: OnnxNode[]): void {
  const gone = new Set(nodes);
  model.nodes = model.nodes.filter((node) => !gone.has(node));
}

/** Conv -> Mul(a) -> Add(b) becomes one Conv with weights a*W and bias a*B + b. */
function foldAffineIntoConv(model: OnnxModel): number {
  let folded = 0;
  const reading = readers(model);
  for (const conv of [...model.nodes]) {
    const weights = convWeights(model, conv);
    if (!weights) continue;
    const affine = scalarAffineAfter(model, reading, conv.outputs[0]);
    if (!affine) continue;
    const { scale, shift } = affine;
    const weight = { dims: weights.weight.dims, values: weights.weight.values.map((w) => w * scale) };
    const bias = weights.bias.map((b) => b * scale + shift);
    setConvWeights(model, conv, weight, bias);
    conv.outputs = [affine.add.outputs[0]];
    remove(model, affine.mul, affine.add);
    folded++;
  }
  return folded;
}

/** x -> Add(3) -> Clip(0, 6) -> Mul(x, .) -> Div(6) becomes Mul(x, HardSigmoid(x; 1/6, 0.5)). */
function fuseHardSwish(model: OnnxModel): number {
  let fused = 0;
  const reading = readers(model);
  for (const add of [...model.nodes]) {
    if (add.opType !== "Add" || add.domain !== "" || add.inputs.length !== 2) continue;
    const x = add.inputs.find((input) => scalar(model, input) === undefined);
    if (x === undefined || scalarOperand(model, add, x) !== 3) continue;
    const clip = soleReader(reading, add.outputs[0], "Clip");
    if (!clip || !clipsToZeroSix(model, clip)) continue;
    const mul = soleReader(reading, clip.outputs[0], "Mul");
    if (!mul || !mul.inputs.includes(x)) continue;
    const div = soleReader(reading, mul.outputs[0], "Div");
    if (!div || scalarOperand(model, div, mul.outputs[0]) !== 6 || div.inputs[0] !== mul.outputs[0]) continue;
    const gate = freshName(model, `${div.outputs[0]}_logik_gate`);
    const hardSigmoid: OnnxNode = {
      opType: "HardSigmoid",
      inputs: [x],
      outputs: [gate],
      name: gate,
      domain: "",
      attributes: [floatAttribute("alpha", 1 / 6), floatAttribute("beta", 0.5)],
      rest: [],
    };
    const product: OnnxNode = { ...div, opType: "Mul", inputs: [x, gate], attributes: [] };
    model.nodes.splice(model.nodes.indexOf(add), 1, hardSigmoid);
    model.nodes.splice(model.nodes.indexOf(div), 1, product);
    remove(model, clip, mul);
    fused++;
  }
  return fused;
}

/** Clip to [0, 6], as inputs (opset 11+) or attributes (opset 6-10). */
function clipsToZeroSix(model: OnnxModel, clip: OnnxNode): boolean {
  if (clip.inputs.length === 3) {
    return scalar(model, clip.inputs[1]) === 0 && scalar(model, clip.inputs[2]) === 6;
  }
  return clip.inputs.length === 1 && attributeFloat(clip, "min") === 0 && attributeFloat(clip, "max") === 6;
}

/** An ungrouped 1x1 convolution that reads no padding. */
function isUnpaddedPointwise(model: OnnxModel, conv: OnnxNode): boolean {
  const weights = convWeights(model, conv);
  if (!weights || weights.weight.dims[2] !== 1 || weights.weight.dims[3] !== 1) return false;
  const autoPad = attributeString(conv, "auto_pad");
  return attributeInt(conv, "group", 1) === 1 && attributeInts(conv, "pads").every((pad) => pad === 0) &&
    (autoPad === "" || autoPad === "NOTSET" || autoPad === "VALID");
}

/**
 * x -> Mul(c) -> Add(d) read only by unpadded 1x1 convolutions: each gets weights c*W and bias
 * B + d * sum(W) over its inputs, and reads x.
 */
function foldAffineIntoPointwise(model: OnnxModel): number {
  let folded = 0;
  const reading = readers(model);
  for (const { x, affine } of scalarAffines(model, reading)) {
    const convs = reading.get(affine.add.outputs[0]) ?? [];
    if (convs.length === 0 || !convs.every((conv) => isUnpaddedPointwise(model, conv))) continue;
    for (const conv of convs) {
      const { weight, bias } = convWeights(model, conv)!;
      const inputs = weight.dims[1];
      const scaled = weight.values.map((w) => w * affine.scale);
      const shifted = bias.map((b, out) => {
        let sum = 0;
        for (let i = 0; i < inputs; i++) sum += weight.values[out * inputs + i];
        return b + affine.shift * sum;
      });
      setConvWeights(model, conv, { dims: weight.dims, values: scaled }, shifted);
      conv.inputs[0] = x;
    }
    remove(model, affine.mul, affine.add);
    folded++;
  }
  return folded;
}

/** Element-wise ops of one feature map (any other inputs are scalar bounds): they keep its channels. */
const UNARY = new Set(["HardSigmoid", "Sigmoid", "Relu", "Clip"]);

/**
 * Channels of a feature map, found by walking back to its convolution through unary element-wise ops,
 * binary ops with a scalar, and `x * gate(x)` (the rewritten hard-swish). Undefined for anything else:
 * a binary op broadcasting two maps could take its channels from either.
 */
function channelsOf(model: OnnxModel, producers: Map<string, OnnxNode>, name: string): number | undefined {
  const gates = (gate: string, x: string) => {
    const producer = producers.get(gate);
    return producer !== undefined && UNARY.has(producer.opType) && producer.inputs[0] === x;
  };
  let current = producers.get(name);
  for (let steps = 0; current && steps < 8; steps++) {
    if (current.domain !== "") return undefined;
    if (current.opType === "Conv") return convWeights(model, current)?.weight.dims[0];
    let next: string | undefined;
    if (UNARY.has(current.opType)) next = current.inputs[0];
    else if (["Mul", "Add", "Div"].includes(current.opType) && current.inputs.length === 2) {
      const [a, b] = current.inputs;
      if (scalar(model, b) !== undefined || gates(b, a)) next = a;
      else if (current.opType !== "Div" && (scalar(model, a) !== undefined || gates(a, b))) next = b;
    }
    if (next === undefined) return undefined;
    current = producers.get(next);
  }
  return undefined;
}

/** Any other x -> Mul(c) -> Add(d) on a convolution's feature map becomes BatchNormalization(c, d). */
function affineToBatchNorm(model: OnnxModel): number {
  let converted = 0;
  const reading = readers(model);
  const producers = new Map(
    model.nodes.flatMap((node) => node.outputs.map((output) => [output, node] as const)),
  );
  for (const { x, affine } of scalarAffines(model, reading)) {
    const channels = channelsOf(model, producers, x);
    if (!channels) continue;
    const base = `logik_${affine.add.outputs[0]}`;
    const vector = (suffix: string, value: number) => {
      const name = freshName(model, `${base}_${suffix}`);
      model.added.set(name, {
        dims: [channels],
        values: new Float32Array(channels).fill(value),
      });
      return name;
    };
    const batchNorm: OnnxNode = {
      opType: "BatchNormalization",
      inputs: [
        x,
        vector("scale", affine.scale),
        vector("shift", affine.shift),
        vector("mean", 0),
        vector("var", 1),
      ],
      outputs: affine.add.outputs,
      name: base,
      domain: "",
      // epsilon 0: scale / sqrt(1 + 0) is the scale itself.
      attributes: [floatAttribute("epsilon", 0)],
      rest: [],
    };
    model.nodes.splice(model.nodes.indexOf(affine.mul), 1, batchNorm);
    producers.set(affine.add.outputs[0], batchNorm);
    remove(model, affine.add);
    converted++;
  }
  return converted;
}
