/**
 * The Keras/TF.js `modelTopology` JSON stored in a .snn file → a flat, validated list of layer nodes
 * in execution order. Sequential models (both the `config: [...]` and `config: {layers}` spellings)
 * and functional graphs (`inbound_nodes`) are accepted; the JSON is untrusted, so every field is
 * type-checked here and nothing in it is ever evaluated.
 */
import { RuntimeError } from '../errors.js';
import type { JsonObject, JsonValue } from '../format/spec.js';

/** One layer call: its class, its config object, and the names of the layers feeding it (in order). */
export interface LayerNode {
  name: string;
  className: string;
  config: JsonObject;
  inputs: string[];
}

export interface Topology {
  /** Every layer in an order where each node comes after its inputs; the first is the InputLayer. */
  nodes: LayerNode[];
  /** Per-sample input shape (no batch axis), e.g. [28, 28, 1]. */
  inputShape: number[];
  output: string;
}

/** Layers in a model this runtime is willing to plan (MobileNet v2 1.0 has ~160). */
export const MAX_LAYERS = 4096;

const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(message: string): never {
  throw new RuntimeError(`model topology: ${message}`);
}

/**
 * Parse the topology object of a .snn file.
 * @example
 * const { nodes, inputShape } = parseTopology(decodeSnn(bytes).topology!);
 */
export function parseTopology(topology: JsonObject | null): Topology {
  if (topology === null) throw new RuntimeError('the .snn file has no model topology, so it cannot be run');
  // Keras h5-converted artifacts wrap the model in `model_config`.
  const model = isObject(topology['model_config']) ? topology['model_config'] : topology;
  const className = model['class_name'];
  if (className === 'Sequential') return parseSequential(model['config']);
  if (className === 'Model' || className === 'Functional') return parseFunctional(model['config']);
  fail(`unsupported model class ${JSON.stringify(className)} (Sequential and functional models are supported)`);
}

function layerList(value: JsonValue | undefined): JsonObject[] {
  if (!Array.isArray(value)) fail('`layers` is not a list');
  if (value.length === 0) fail('the model has no layers');
  if (value.length > MAX_LAYERS) fail(`${value.length} layers exceed the runtime's limit of ${MAX_LAYERS}`);
  return value.map((entry, i) => {
    if (!isObject(entry)) fail(`layer ${i} is not an object`);
    return entry;
  });
}

function layerIdentity(entry: JsonObject, index: number): { name: string; className: string; config: JsonObject } {
  const className = entry['class_name'];
  if (typeof className !== 'string') fail(`layer ${index} has no class_name`);
  const config = entry['config'];
  if (!isObject(config)) fail(`layer ${index} (${className}) has no config object`);
  const name = typeof entry['name'] === 'string' ? entry['name'] : config['name'];
  if (typeof name !== 'string' || name.length === 0) fail(`layer ${index} (${className}) has no name`);
  return { name, className, config };
}

/** [null, 28, 28, 1] → [28, 28, 1], with every dimension a positive integer. */
function batchInputShape(value: JsonValue | undefined, layer: string): number[] {
  if (!Array.isArray(value) || value.length < 2) fail(`layer '${layer}' has no batch_input_shape`);
  const dims = value.slice(1);
  for (const d of dims) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
      fail(`layer '${layer}' input shape ${JSON.stringify(value)} needs fixed positive dimensions`);
    }
  }
  return dims as number[];
}

function parseSequential(config: JsonValue | undefined): Topology {
  const entries = layerList(Array.isArray(config) ? config : isObject(config) ? config['layers'] : undefined);
  const nodes: LayerNode[] = [];
  const seen = new Set<string>();
  let inputShape: number[] | null = null;
  let previous = '';
  entries.forEach((entry, i) => {
    const { name, className, config: layerConfig } = layerIdentity(entry, i);
    if (seen.has(name)) fail(`duplicate layer name '${name}'`);
    seen.add(name);
    if (i === 0) {
      inputShape = batchInputShape(layerConfig['batch_input_shape'], name);
      previous = `${name}_input`; // Keras's name for a Sequential model's implicit input
      nodes.push({ name: previous, className: 'InputLayer', config: {}, inputs: [] });
      if (className === 'InputLayer') {
        nodes[0]!.name = name;
        previous = name;
        return;
      }
    }
    nodes.push({ name, className, config: layerConfig, inputs: [previous] });
    previous = name;
  });
  return { nodes, inputShape: inputShape!, output: previous };
}

/** A functional tensor reference `[layerName, nodeIndex, tensorIndex, kwargs?]`. */
function tensorRef(value: JsonValue, layer: string): string {
  if (!Array.isArray(value) || typeof value[0] !== 'string') fail(`layer '${layer}' has a malformed inbound tensor reference`);
  if (value[1] !== 0 || value[2] !== 0) {
    fail(`layer '${layer}' uses output ${JSON.stringify(value.slice(0, 3))}: shared layers and multi-output layers are not supported`);
  }
  return value[0];
}

function endpoint(value: JsonValue | undefined, what: string): string {
  if (!Array.isArray(value) || value.length !== 1) fail(`the runtime runs models with exactly one ${what}`);
  return tensorRef(value[0]!, what);
}

function parseFunctional(config: JsonValue | undefined): Topology {
  if (!isObject(config)) fail('functional model has no config');
  const entries = layerList(config['layers']);
  const input = endpoint(config['input_layers'], 'input');
  const output = endpoint(config['output_layers'], 'output');
  const byName = new Map<string, LayerNode>();
  let inputShape: number[] | null = null;
  entries.forEach((entry, i) => {
    const { name, className, config: layerConfig } = layerIdentity(entry, i);
    if (byName.has(name)) fail(`duplicate layer name '${name}'`);
    const inbound = entry['inbound_nodes'];
    if (!Array.isArray(inbound)) fail(`layer '${name}' has no inbound_nodes list`);
    if (inbound.length > 1) fail(`layer '${name}' is called ${inbound.length} times: shared layers are not supported`);
    let inputs: string[] = [];
    if (inbound.length === 1) {
      const refs = inbound[0];
      if (!Array.isArray(refs) || refs.length === 0) fail(`layer '${name}' has an empty inbound node`);
      inputs = refs.map((ref) => tensorRef(ref, name));
    }
    if (className === 'InputLayer') {
      if (name !== input) fail(`input layer '${name}' is not the model's input '${input}'`);
      inputShape = batchInputShape(layerConfig['batch_input_shape'], name);
    } else if (inputs.length === 0) {
      fail(`layer '${name}' (${className}) has no inputs`);
    }
    byName.set(name, { name, className, config: layerConfig, inputs });
  });
  if (!byName.has(input) || inputShape === null) fail(`input layer '${input}' is not among the layers`);
  if (!byName.has(output)) fail(`output layer '${output}' is not among the layers`);
  return { nodes: orderFrom(byName, input, output), inputShape, output };
}

/** Depth-first order of the layers the output depends on; a cycle or a dangling input is an error. */
function orderFrom(byName: Map<string, LayerNode>, input: string, output: string): LayerNode[] {
  const ordered: LayerNode[] = [];
  const state = new Map<string, 'open' | 'done'>();
  // Iterative DFS: a hostile file can chain thousands of layers, which must not overflow the stack.
  const stack: Array<{ node: LayerNode; next: number }> = [{ node: byName.get(output)!, next: 0 }];
  state.set(output, 'open');
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.node.inputs.length) {
      const dep = top.node.inputs[top.next++]!;
      const node = byName.get(dep);
      if (node === undefined) fail(`layer '${top.node.name}' reads '${dep}', which is not a layer of the model`);
      const s = state.get(dep);
      if (s === 'open') fail(`layers form a cycle through '${dep}'`);
      if (s === undefined) {
        state.set(dep, 'open');
        stack.push({ node, next: 0 });
      }
      continue;
    }
    state.set(top.node.name, 'done');
    ordered.push(top.node);
    stack.pop();
  }
  if (ordered[0]?.name !== input) fail(`the output does not depend on the input layer '${input}' first`);
  if (ordered.filter((n) => n.className === 'InputLayer').length !== 1) fail('the runtime runs models with exactly one input');
  return ordered;
}
