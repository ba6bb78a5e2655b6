/**
 * An ONNX model as a list of nodes and float constants, over the protobuf wire format: the part of
 * onnx.proto a graph rewrite needs (NodeProto, AttributeProto, float TensorProto). Everything else in
 * the model is kept as it was read.
 * @module
 */
import {
  decodeMessage,
  encodeMessage,
  messageField,
  type OutputField,
  repeatedStrings,
  repeatedVarints,
  stringField,
  textField,
  varintField,
  type WireField,
} from "./protobuf_wire.ts";

// Field numbers from onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const VALUE_INFO_NAME = 1;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const NODE_DOMAIN = 7;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_FLOAT = 2;
const ATTRIBUTE_INT = 3;
const ATTRIBUTE_TENSOR = 5;
const ATTRIBUTE_GRAPH = 6;
const ATTRIBUTE_INTS = 8;
const ATTRIBUTE_GRAPHS = 11;
const ATTRIBUTE_TYPE = 20;
const ATTRIBUTE_TYPE_FLOAT = 1;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_FLOAT_DATA = 4;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const DATA_TYPE_FLOAT = 1;

/** One graph node; attributes are kept as their encoded AttributeProto fields. */
export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  domain: string;
  attributes: WireField[][];
  /** Every other NodeProto field (doc_string, overload, metadata_props...), written back as read. */
  rest: WireField[];
}

/** A float32 tensor constant. */
export interface FloatTensor {
  dims: number[];
  values: Float32Array;
}

/**
 * Float initializers and Constant-node values by tensor name, each decoded from the model bytes the
 * first time it is asked for: most weights are never needed, and a copy of them all is the model's
 * size again in memory.
 */
export class Constants {
  #encoded = new Map<string, WireField[]>();
  #decoded = new Map<string, FloatTensor | null>();

  /** Register a TensorProto's fields (views into the model bytes) under `name`. */
  addEncoded(name: string, tensor: WireField[]): void {
    this.#encoded.set(name, tensor);
    this.#decoded.delete(name);
  }

  /** Register a decoded tensor under `name`. */
  set(name: string, tensor: FloatTensor): void {
    this.#decoded.set(name, tensor);
  }

  /** The float tensor named `name`, or undefined (absent, or not float32). */
  get(name: string): FloatTensor | undefined {
    if (!this.#decoded.has(name)) {
      const encoded = this.#encoded.get(name);
      if (!encoded) return undefined;
      this.#decoded.set(name, floatTensor(encoded));
    }
    return this.#decoded.get(name) ?? undefined;
  }

  /** The shape of the tensor named `name`, without decoding its values. */
  dims(name: string): number[] | undefined {
    const decoded = this.#decoded.get(name);
    if (decoded) return decoded.dims;
    const encoded = this.#encoded.get(name);
    return encoded ? repeatedVarints(encoded, TENSOR_DIMS) : undefined;
  }

  /** Number of named tensors, decoded or not. */
  get size(): number {
    return new Set([...this.#encoded.keys(), ...this.#decoded.keys()]).size;
  }
}

/**
 * A tensor name not yet used in the model, from `base` (with a numeric suffix when taken), and now
 * reserved: new names must never collide with an existing tensor or with each other.
 *
 * @example
 * ```ts
 * const weight = freshName(model, "logik_conv_weight");
 * ```
 */
export function freshName(model: OnnxModel, base: string): string {
  let name = base;
  for (let suffix = 2; model.names.has(name); suffix++) name = `${base}_${suffix}`;
  model.names.add(name);
  return name;
}

/** A decoded model: its nodes in order, its float constants, and the fields left as they were. */
export interface OnnxModel {
  nodes: OnnxNode[];
  /** Float initializers and Constant-node values, by tensor name. */
  constants: Constants;
  /** Names of the graph's outputs, which a rewrite must keep. */
  outputs: string[];
  /** Every tensor name in the graph, and those added since: a new name must not be one of them. */
  names: Set<string>;
  /** True when some node holds a subgraph (If, Loop, Scan), whose reads the node list does not show. */
  hasSubgraphs: boolean;
  /** Initializers added by a rewrite, written out by {@link encodeModel}. */
  added: Map<string, FloatTensor>;
  modelFields: WireField[];
  graphFields: WireField[];
}

/**
 * Decode a model's graph into nodes and float constants.
 *
 * @example
 * ```ts
 * const model = decodeModel(await Deno.readFile("det.onnx"));
 * model.nodes.filter((node) => node.opType === "Conv").length;
 * ```
 */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const modelFields = decodeMessage(bytes);
  const graph = modelFields.findLast((field) => field.number === MODEL_GRAPH && field.wireType === 2);
  if (!graph || graph.wireType !== 2) throw new Error("ONNX model has no graph");
  const graphFields: WireField[] = [];
  const nodes: OnnxNode[] = [];
  const initializers: [string, WireField[]][] = [];
  const inputs = new Set<string>();
  const outputs: string[] = [];
  for (const field of decodeMessage(graph.bytes)) {
    if (field.number === GRAPH_NODE && field.wireType === 2) {
      nodes.push(decodeNode(field.bytes));
      continue;
    }
    graphFields.push(field);
    if (field.wireType !== 2) continue;
    if (field.number === GRAPH_INPUT) inputs.add(stringField(decodeMessage(field.bytes), VALUE_INFO_NAME));
    if (field.number === GRAPH_OUTPUT) outputs.push(stringField(decodeMessage(field.bytes), VALUE_INFO_NAME));
    if (field.number === GRAPH_INITIALIZER) {
      const tensor = decodeMessage(field.bytes);
      initializers.push([stringField(tensor, TENSOR_NAME), tensor]);
    }
  }
  const constants = new Constants();
  // An initializer that is also a graph input is a default the caller may replace: not a constant.
  for (const [name, tensor] of initializers) if (!inputs.has(name)) constants.addEncoded(name, tensor);
  for (const node of nodes) {
    if (node.opType !== "Constant" || node.domain !== "") continue;
    const tensor = attributeTensorFields(node, "value");
    if (tensor) constants.addEncoded(node.outputs[0], tensor);
  }
  const names = new Set<string>([
    ...inputs,
    ...outputs,
    ...initializers.map(([name]) => name),
    ...nodes.flatMap((node) => [...node.inputs, ...node.outputs]),
  ]);
  const hasSubgraphs = nodes.some((node) =>
    node.attributes.some((attribute) =>
      attribute.some((field) => field.number === ATTRIBUTE_GRAPH || field.number === ATTRIBUTE_GRAPHS)
    )
  );
  return {
    nodes,
    constants,
    outputs,
    names,
    hasSubgraphs,
    added: new Map(),
    modelFields: modelFields.filter((field) => field !== graph),
    graphFields,
  };
}

/**
 * Encode a model back, with its current nodes and the initializers in `added`. Constant nodes and
 * added initializers that neither a node nor the graph's outputs read (any more) are left out.
 *
 * @example
 * ```ts
 * const bytes = encodeModel(decodeModel(original)); // same graph
 * ```
 */
export function encodeModel(model: OnnxModel): Uint8Array {
  const read = new Set([...model.nodes.flatMap((node) => node.inputs), ...model.outputs]);
  const nodes = model.nodes.filter((node) =>
    node.opType !== "Constant" || node.outputs.some((output) => read.has(output))
  );
  const graph: OutputField[] = [
    ...nodes.map((node) => messageField(GRAPH_NODE, encodeNode(node))),
    ...model.graphFields,
    ...[...model.added].filter(([name]) => read.has(name)).map(([name, tensor]) =>
      messageField(GRAPH_INITIALIZER, encodeTensor(name, tensor))
    ),
  ];
  return encodeMessage([...model.modelFields, messageField(MODEL_GRAPH, graph)]);
}

/** NodeProto fields the view decodes; any other is kept in `rest`. */
const NODE_FIELDS = new Set([NODE_INPUT, NODE_OUTPUT, NODE_NAME, NODE_OP_TYPE, NODE_ATTRIBUTE, NODE_DOMAIN]);

function decodeNode(bytes: Uint8Array): OnnxNode {
  const fields = decodeMessage(bytes);
  return {
    opType: stringField(fields, NODE_OP_TYPE),
    inputs: repeatedStrings(fields, NODE_INPUT),
    outputs: repeatedStrings(fields, NODE_OUTPUT),
    name: stringField(fields, NODE_NAME),
    domain: stringField(fields, NODE_DOMAIN),
    attributes: fields.flatMap((field) =>
      field.number === NODE_ATTRIBUTE && field.wireType === 2 ? [decodeMessage(field.bytes)] : []
    ),
    rest: fields.filter((field) => !NODE_FIELDS.has(field.number)),
  };
}

function encodeNode(node: OnnxNode): OutputField[] {
  return [
    ...node.inputs.map((input) => textField(NODE_INPUT, input)),
    ...node.outputs.map((output) => textField(NODE_OUTPUT, output)),
    ...(node.name ? [textField(NODE_NAME, node.name)] : []),
    textField(NODE_OP_TYPE, node.opType),
    ...node.attributes.map((attribute) => messageField(NODE_ATTRIBUTE, attribute)),
    ...(node.domain ? [textField(NODE_DOMAIN, node.domain)] : []),
    ...node.rest,
  ];
}

/** The float32 contents of a TensorProto (`raw_data`, or `float_data` packed or not), or null for other element types. */
function floatTensor(fields: WireField[]): FloatTensor | null {
  const type = fields.findLast((field) => field.number === TENSOR_DATA_TYPE && field.wireType === 0);
  if (!type || type.wireType !== 0 || Number(type.varint) !== DATA_TYPE_FLOAT) return null;
  const dims = repeatedVarints(fields, TENSOR_DIMS);
  const count = dims.reduce((product, dim) => product * dim, 1);
  const raw = fields.findLast((field) => field.number === TENSOR_RAW_DATA && field.wireType === 2);
  const parts = raw && raw.wireType === 2
    ? [raw.bytes]
    : fields.flatMap((field) =>
      field.number === TENSOR_FLOAT_DATA && field.wireType !== 0 ? [field.bytes] : []
    );
  if (parts.reduce((sum, part) => sum + part.length, 0) !== count * 4) return null;
  // Copied: the wire bytes need not be 4-byte aligned, and ONNX stores them little-endian.
  const values = new Float32Array(count);
  let index = 0;
  for (const part of parts) {
    const view = new DataView(part.buffer, part.byteOffset, part.byteLength);
    for (let offset = 0; offset < part.length; offset += 4) values[index++] = view.getFloat32(offset, true);
  }
  return { dims, values };
}

function encodeTensor(name: string, tensor: FloatTensor): WireField[] {
  const raw = new Uint8Array(tensor.values.length * 4);
  const view = new DataView(raw.buffer);
  tensor.values.forEach((value, i) => view.setFloat32(4 * i, value, true));
  return [
    ...tensor.dims.map((dim) => varintField(TENSOR_DIMS, dim)),
    varintField(TENSOR_DATA_TYPE, DATA_TYPE_FLOAT),
    textField(TENSOR_NAME, name),
    { number: TENSOR_RAW_DATA, wireType: 2, bytes: raw },
  ];
}

function attribute(node: OnnxNode, name: string): WireField[] | undefined {
  return node.attributes.find((fields) => stringField(fields, ATTRIBUTE_NAME) === name);
}

/**
 * An integer attribute, or `fallback` when the node does not set it.
 *
 * @example
 * ```ts
 * attributeInt(convNode, "group", 1);
 * ```
 */
export function attributeInt(node: OnnxNode, name: string, fallback: number): number {
  const fields = attribute(node, name);
  return fields ? repeatedVarints(fields, ATTRIBUTE_INT).at(-1) ?? fallback : fallback;
}

/**
 * The values of an integer-list attribute (empty when absent).
 *
 * @example
 * ```ts
 * attributeInts(convNode, "pads"); // [1, 1, 1, 1]
 * ```
 */
export function attributeInts(node: OnnxNode, name: string): number[] {
  const fields = attribute(node, name);
  return fields ? repeatedVarints(fields, ATTRIBUTE_INTS) : [];
}

/**
 * A float attribute, or undefined when the node does not set it.
 *
 * @example
 * ```ts
 * attributeFloat(clipNode, "max"); // 6
 * ```
 */
export function attributeFloat(node: OnnxNode, name: string): number | undefined {
  const fields = attribute(node, name);
  const value = fields?.findLast((field) => field.number === ATTRIBUTE_FLOAT && field.wireType === 5);
  if (!value || value.wireType !== 5) return undefined;
  return new DataView(value.bytes.buffer, value.bytes.byteOffset, 4).getFloat32(0, true);
}

/**
 * A string attribute, or "" when absent.
 *
 * @example
 * ```ts
 * attributeString(convNode, "auto_pad"); // "NOTSET"
 * ```
 */
export function attributeString(node: OnnxNode, name: string): string {
  const fields = attribute(node, name);
  return fields ? stringField(fields, 4) : "";
}

function attributeTensorFields(node: OnnxNode, name: string): WireField[] | null {
  const fields = attribute(node, name);
  const tensor = fields?.findLast((field) => field.number === ATTRIBUTE_TENSOR && field.wireType === 2);
  return tensor && tensor.wireType === 2 ? decodeMessage(tensor.bytes) : null;
}

/**
 * A float attribute, encoded, for a new node.
 *
 * @example
 * ```ts
 * const node = { opType: "HardSigmoid", attributes: [floatAttribute("alpha", 1 / 6)], ... };
 * ```
 */
export function floatAttribute(name: string, value: number): WireField[] {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setFloat32(0, value, true);
  return [
    textField(ATTRIBUTE_NAME, name),
    { number: ATTRIBUTE_FLOAT, wireType: 5, bytes },
    varintField(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_FLOAT),
  ];
}
