/**
 * Walks an untrusted Keras/TF.js model topology the way tfjs-layers' deserializer will (Sequential:
 * each layer on the previous output; functional: the node-processing loop of Container.fromConfig),
 * WITHOUT building anything: every layer class must be in LAYER_RULES, every reference must resolve,
 * every activation shape is computed and bounded, and the result lists the weights TF.js will
 * allocate, with their shapes. Callers compare those with the weights manifest before handing the
 * topology to tf.loadLayersModel (./topology-weights.ts).
 *
 * Caps (refused above them, documented in docs/untrusted-input.md): MAX_LAYERS layers, MAX_NODES
 * layer calls and MAX_CONNECTIONS connections, MAX_ACTIVATION_ELEMENTS values per example in any
 * layer's output, a fixed batch size of at most MAX_FIXED_BATCH. The walk is linear in the topology's size except for the functional node loop,
 * which (like TF.js's) makes at most one pass per node and stops as soon as a pass makes no progress —
 * where TF.js would loop forever on a dangling reference or a cycle.
 */
import { RuntimeError } from '../errors.js';
import { LayerConfig, camelKeys, isPlainObject } from './layer-config.js';
import { CONFIG_OBJECT_CLASSES, layerRule, loadableLayerClasses, type Shape, type WeightShape } from './layer-rules.js';

export const MAX_LAYERS = 4096;
/** Most layer calls (nodes) and input connections a functional model may declare in all. */
export const MAX_NODES = 4096;
export const MAX_CONNECTIONS = 16384;
/** Largest per-example output of any layer (2^26 values = 256 MiB of float32). */
export const MAX_ACTIVATION_ELEMENTS = 2 ** 26;
/** Largest fixed (non-null) batch dimension an input may declare. */
export const MAX_FIXED_BATCH = 2 ** 16;

/** A weight TF.js will create when it builds the model. */
export interface ExpectedWeight extends WeightShape {
  layer: string;
  className: string;
  /** Position among its layer's weights (Keras v3 manifests name weights `layer/index`). */
  index: number;
}

export interface TopologyFacts {
  className: 'Sequential' | 'Model' | 'Functional';
  layers: number;
  inputShapes: Shape[];
  outputShapes: Shape[];
  weights: ExpectedWeight[];
}

interface LayerEntry {
  name: string;
  className: string;
  config: LayerConfig;
  raw: Record<string, unknown>;
}

const CODE_CLASSES = new Set(['Lambda', 'TFOpLambda', 'SlicingOpLambda']);
const CONTAINERS = new Set(['Sequential', 'Model', 'Functional']);

/**
 * Refuse what could make TF.js run code or construct a class we did not list: Lambda layers (Keras
 * stores their Python bytecode), custom/registered classes, unknown nested class objects.
 */
function checkClasses(entry: Record<string, unknown>, className: string, where: string): void {
  if (CODE_CLASSES.has(className)) throw new RuntimeError(`${where} is a ${className} layer, which holds code; smallnets never runs code from a model file`);
  if (CONTAINERS.has(className)) throw new RuntimeError(`${where} is a nested ${className}; smallnets loads flat models only (no model inside a model)`);
  const rule = layerRule(className);
  if (!rule && className !== 'InputLayer') {
    throw new RuntimeError(`${where} has layer class ${JSON.stringify(className)}, which smallnets does not load (custom and unknown classes are refused; supported: ${loadableLayerClasses().join(', ')})`);
  }
  const nestedAllowed = new Set([...CONFIG_OBJECT_CLASSES, ...(rule?.nestedClasses ?? [])]);
  const stack: unknown[] = [entry['config']];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (isPlainObject(node)) {
      // Both spellings TF.js reads a class name from (class_name is camelCased on load).
      for (const nested of [node['class_name'], node['className']]) {
        if (nested !== undefined && (typeof nested !== 'string' || !nestedAllowed.has(nested))) {
          throw new RuntimeError(`${where} uses class ${JSON.stringify(nested)} in its config, which smallnets does not load (only TF.js's built-in initializers, regularizers and constraints)`);
        }
      }
      stack.push(...Object.values(node));
    }
  }
  const config = isPlainObject(entry['config']) ? camelKeys(entry['config']) : {};
  if (config['weights'] !== undefined && config['weights'] !== null) throw new RuntimeError(`${where} carries initial weights in its config; weights belong in the weights manifest`);
}

function layerEntry(raw: unknown, i: number, where: string, functional: boolean): LayerEntry {
  if (!isPlainObject(raw)) throw new RuntimeError(`${where}: layer ${i} is not an object`);
  const keys = camelKeys(raw);
  const className = keys['className'];
  if (typeof className !== 'string') throw new RuntimeError(`${where}: layer ${i} has no class_name`);
  if (!isPlainObject(keys['config'])) throw new RuntimeError(`${where}: layer ${i} (${className}) has no config object`);
  const config = camelKeys(keys['config']);
  const name = config['name'] ?? keys['name'];
  if (typeof name !== 'string' || name.length === 0 || name.length > 256) throw new RuntimeError(`${where}: layer ${i} (${className}) has no valid name`);
  // A functional model's layers are found by the entry's own name (Container.fromConfig), the layer
  // is named by its config: they must agree, or TF.js waits forever for a layer it filed elsewhere.
  if ((functional || keys['name'] !== undefined) && keys['name'] !== name) {
    throw new RuntimeError(`${where}: layer ${i} is named ${JSON.stringify(keys['name'] ?? null)} in the model but ${JSON.stringify(name)} in its config`);
  }
  const label = `${where}: layer ${name} (${className})`;
  checkClasses({ ...keys, config: keys['config'] }, className, label);
  return { name, className, config: new LayerConfig(keys['config'], label), raw: keys };
}

function checkShape(shape: Shape, where: string): Shape {
  const [batch, ...rest] = shape;
  if (batch !== null && batch !== undefined && batch > MAX_FIXED_BATCH) throw new RuntimeError(`${where}: fixed batch size ${batch} is over the ${MAX_FIXED_BATCH} smallnets accepts`);
  let elements = 1;
  for (const d of rest) if (d !== null) elements *= d;
  if (elements > MAX_ACTIVATION_ELEMENTS) {
    throw new RuntimeError(`${where}: output ${JSON.stringify(shape)} holds ${elements.toLocaleString('en-US')} values per example, over the ${MAX_ACTIVATION_ELEMENTS.toLocaleString('en-US')} smallnets accepts`);
  }
  return shape;
}

/** The batch input shape a layer config declares (batchInputShape, inputShape + batchSize, Dense's inputDim). */
function declaredInput(entry: LayerEntry): Shape | undefined {
  const c = entry.config;
  const v = c.values;
  let shape: unknown;
  if (c.has('batchInputShape')) shape = v['batchInputShape'];
  else if (c.has('inputShape')) shape = Array.isArray(v['inputShape']) ? [v['batchSize'] ?? null, ...(v['inputShape'] as unknown[])] : v['inputShape'];
  else if (entry.className === 'Dense' && c.has('inputDim')) shape = [v['batchSize'] ?? null, v['inputDim']];
  else return undefined;
  if (!Array.isArray(shape) || shape.length < 2 || shape.length > 8 || !shape.every((d) => d === null || (Number.isInteger(d) && d >= 1 && d <= 2 ** 24))) {
    c.fail(`input shape must be 2–8 positive sizes or nulls, got ${JSON.stringify(shape)}`);
  }
  return checkShape(shape as Shape, c.where);
}

class Builder {
  readonly weights: ExpectedWeight[] = [];
  private readonly built = new Map<string, Shape[]>();

  /** Apply a layer to its inputs as TF.js's `layer.apply` would: build on first call, then compute the output. */
  apply(entry: LayerEntry, inputs: Shape[]): Shape {
    const rule = layerRule(entry.className)!;
    const c = entry.config;
    if (rule.arity === 'one' && inputs.length !== 1) c.fail(`takes one input, got ${inputs.length}`);
    if (rule.arity === 'many' && inputs.length < 2) c.fail(`merges two or more inputs, got ${inputs.length}`);
    const first = this.built.get(entry.name);
    if (first === undefined) {
      this.built.set(entry.name, inputs);
      (rule.weights?.(c, inputs) ?? []).forEach((w, index) => this.weights.push({ ...w, layer: entry.name, className: entry.className, index }));
    } else if (rule.weights && JSON.stringify(first.map((s) => s.slice(1))) !== JSON.stringify(inputs.map((s) => s.slice(1)))) {
      c.fail(`is shared between inputs of different shapes (${JSON.stringify(first)} and ${JSON.stringify(inputs)})`);
    }
    return checkShape(rule.output(c, inputs), c.where);
  }
}

function layerList(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new RuntimeError(`${where}: the model config has no list of layers`);
  if (value.length === 0) throw new RuntimeError(`${where}: the model has no layers`);
  if (value.length > MAX_LAYERS) throw new RuntimeError(`${where}: ${value.length} layers, more than the ${MAX_LAYERS} smallnets accepts`);
  return value;
}

function uniqueEntries(list: unknown[], where: string, functional: boolean): LayerEntry[] {
  const entries = list.map((raw, i) => layerEntry(raw, i, where, functional));
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new RuntimeError(`${where}: two layers are named ${JSON.stringify(e.name)}`);
    seen.add(e.name);
  }
  return entries;
}

function inputLayerShape(entry: LayerEntry): Shape {
  const shape = declaredInput(entry) ?? entry.config.fail('declares no input shape');
  if (entry.config.bool('sparse', false)) entry.config.fail('sparse inputs are not supported');
  return shape;
}

function walkSequential(config: unknown, where: string): Omit<TopologyFacts, 'className'> {
  const list = layerList(Array.isArray(config) ? config : isPlainObject(config) ? camelKeys(config)['layers'] : undefined, where);
  const entries = uniqueEntries(list, where, false);
  const builder = new Builder();
  const first = entries[0]!;
  const input = (first.className === 'InputLayer' ? inputLayerShape(first) : declaredInput(first))
    ?? first.config.fail('the first layer of a Sequential model must declare its input shape');
  let shape = input;
  for (const [i, entry] of entries.entries()) {
    if (entry.className === 'InputLayer') {
      if (i !== 0) entry.config.fail('an InputLayer may only be the first layer of a Sequential model');
      continue;
    }
    shape = builder.apply(entry, [shape]);
  }
  return { layers: entries.length, inputShapes: [input], outputShapes: [shape], weights: builder.weights };
}

type Connection = [string, number, number];

function connection(value: unknown, where: string): Connection {
  if (!Array.isArray(value) || value.length < 3 || value.length > 4 || typeof value[0] !== 'string' || !Number.isInteger(value[1]) || value[1] < 0 || value[2] !== 0) {
    throw new RuntimeError(`${where}: malformed connection ${JSON.stringify(value)?.slice(0, 80)} (expected [layer name, node index, 0, {kwargs}])`);
  }
  const kwargs = value[3];
  if (kwargs !== undefined && kwargs !== null && !(isPlainObject(kwargs) && Object.keys(kwargs).every((k) => k === 'training' && typeof kwargs[k] === 'boolean'))) {
    throw new RuntimeError(`${where}: connection to ${value[0]} has call arguments ${JSON.stringify(kwargs).slice(0, 80)}, which smallnets does not pass`);
  }
  return [value[0], value[1], 0];
}

function nodeList(entry: LayerEntry): Connection[][] {
  const nodes = entry.raw['inboundNodes'] ?? [];
  const where = entry.config.where;
  if (!Array.isArray(nodes) || nodes.length > MAX_LAYERS) throw new RuntimeError(`${where}: inbound_nodes must be a list`);
  return nodes.map((node) => {
    if (!Array.isArray(node) || node.length > MAX_LAYERS) throw new RuntimeError(`${where}: each inbound node must be a list of connections`);
    return node.map((c) => connection(c, where));
  });
}

function walkFunctional(config: unknown, where: string): Omit<TopologyFacts, 'className'> {
  if (!isPlainObject(config)) throw new RuntimeError(`${where}: the model config is not an object`);
  const keys = camelKeys(config);
  const entries = uniqueEntries(layerList(keys['layers'], where), where, true);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const builder = new Builder();
  // Output shape of each node created so far, per layer, in creation order (a layer's node index).
  const outputs = new Map<string, Shape[]>(entries.map((e) => [e.name, e.className === 'InputLayer' ? [inputLayerShape(e)] : []]));
  const pending = new Map<string, Connection[][]>();
  let nodeCount = 0;
  let connectionCount = 0;
  for (const entry of entries) {
    const nodes = nodeList(entry);
    nodeCount += nodes.length;
    connectionCount += nodes.reduce((sum, n) => sum + n.length, 0);
    if (nodeCount > MAX_NODES || connectionCount > MAX_CONNECTIONS) {
      throw new RuntimeError(`${where}: more than ${MAX_NODES} layer calls or ${MAX_CONNECTIONS} connections, over what smallnets accepts`);
    }
    if (entry.className === 'InputLayer' && nodes.length > 0) entry.config.fail('an InputLayer has no inbound nodes');
    for (const node of nodes) for (const [name] of node) if (!byName.has(name)) entry.config.fail(`takes input from ${JSON.stringify(name)}, which is not a layer of this model`);
    pending.set(entry.name, nodes);
  }
  // Container.fromConfig: repeat passes over the layers, calling each node whose inputs exist.
  for (let progress = true; progress && [...pending.values()].some((n) => n.length > 0); ) {
    progress = false;
    for (const entry of entries) {
      const nodes = pending.get(entry.name)!;
      if (nodes.length === 0) continue;
      const waiting: Connection[][] = [];
      for (const node of nodes) {
        const inputs = node.map(([name, index]) => outputs.get(name)![index]);
        if (inputs.some((s) => s === undefined)) {
          waiting.push(node);
          continue;
        }
        progress = true;
        if (inputs.length > 0) outputs.get(entry.name)!.push(builder.apply(entry, inputs as Shape[]));
      }
      pending.set(entry.name, waiting);
    }
  }
  const stuck = entries.find((e) => pending.get(e.name)!.length > 0);
  if (stuck) stuck.config.fail('takes input from a node that never exists (a missing node index or a cycle)');
  const ends = (key: 'inputLayers' | 'outputLayers'): Shape[] => {
    const list = keys[key];
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_LAYERS) throw new RuntimeError(`${where}: the model config needs a list of ${key === 'inputLayers' ? 'input' : 'output'} layers`);
    return list.map((raw) => {
      const [name, index] = connection(raw, where);
      const entry = byName.get(name);
      const shape = outputs.get(name)?.[index];
      if (!entry || !shape) throw new RuntimeError(`${where}: ${key === 'inputLayers' ? 'input' : 'output'} ${JSON.stringify(name)} node ${index} does not exist`);
      if (key === 'inputLayers' && entry.className !== 'InputLayer') throw new RuntimeError(`${where}: model input ${JSON.stringify(name)} is not an InputLayer`);
      return shape;
    });
  };
  return { layers: entries.length, inputShapes: ends('inputLayers'), outputShapes: ends('outputLayers'), weights: builder.weights };
}

/**
 * Check a model topology (model.json's `modelTopology`, or a .snn's) without building it; returns
 * the weights TF.js would allocate. Throws a one-line RuntimeError naming the layer for anything
 * it does not accept.
 * @example
 * const facts = inspectTopology(modelJson.modelTopology, 'model.json');
 * facts.weights[0]; // { layer: 'conv1', className: 'Conv2D', name: 'kernel', shape: [5, 5, 1, 20], index: 0 }
 */
export function inspectTopology(topology: unknown, where: string): TopologyFacts {
  if (!isPlainObject(topology)) throw new RuntimeError(`${where}: the model topology is not an object`);
  let top = camelKeys(topology);
  if (top['modelConfig'] !== undefined && top['modelConfig'] !== null) {
    if (!isPlainObject(top['modelConfig'])) throw new RuntimeError(`${where}: model_config is not an object`);
    top = camelKeys(top['modelConfig']);
  }
  const className = top['className'];
  if (className === 'Sequential') return { className, ...walkSequential(top['config'], where) };
  if (className === 'Model' || className === 'Functional') return { className, ...walkFunctional(top['config'], where) };
  if (typeof className === 'string' && CODE_CLASSES.has(className)) throw new RuntimeError(`${where}: the model is a ${className}, which holds code`);
  throw new RuntimeError(`${where}: the model class ${JSON.stringify(className)} is not Sequential or a functional Model`);
}
