/**
 * Layer nodes + their specs → a graph of values with per-sample shapes (NHWC, no batch axis), checked
 * layer by layer: every dimension a positive integer, every activation under MAX_ACTIVATION elements,
 * so that absurd shapes in a hostile file fail here, before anything is allocated.
 */
import { RuntimeError } from '../errors.js';
import { layerSpec, type LayerSpec, type Padding } from './layers.js';
import type { Topology } from './topology.js';

/**
 * Largest per-sample activation (elements) the runtime plans for: 2^24 floats = 64 MiB, several times the
 * zoo's largest (a few million floats at 224×224); a tiny hostile file cannot make the arena huge.
 */
export const MAX_ACTIVATION = 1 << 24;

export interface GraphNode {
  name: string;
  className: string;
  spec: LayerSpec;
  /** Indexes of the nodes feeding this one. */
  inputs: number[];
  /** Per-sample output shape. */
  shape: number[];
  /** How many nodes read this node's output (the model output counts as one more). */
  consumers: number;
}

export interface Window {
  out: number;
  /** Padding before the first element (top or left). */
  padBefore: number;
}

/** Output length and leading padding of a conv/pool window along one axis (TensorFlow's rules). */
export function windowAxis(input: number, kernel: number, stride: number, padding: Padding, extraBefore = 0, extraAfter = 0): Window {
  const size = input + extraBefore + extraAfter;
  if (padding === 'valid') {
    return { out: size >= kernel ? Math.floor((size - kernel) / stride) + 1 : 0, padBefore: extraBefore };
  }
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return { out, padBefore: extraBefore + Math.floor(total / 2) };
}

const product = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function check(node: { name: string; className: string }, shape: number[]): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) {
      throw new RuntimeError(`layer '${node.name}' (${node.className}) produces shape [${shape.join(', ')}], which has an empty or invalid dimension`);
    }
  }
  const size = product(shape);
  if (size > MAX_ACTIVATION) {
    throw new RuntimeError(`layer '${node.name}' (${node.className}) produces ${size} values per sample, more than the runtime's limit of ${MAX_ACTIVATION}`);
  }
  return shape;
}

function image(node: { name: string; className: string }, shape: number[]): [number, number, number] {
  if (shape.length !== 3) throw new RuntimeError(`layer '${node.name}' (${node.className}) needs an image input [height, width, channels], got [${shape.join(', ')}]`);
  return shape as [number, number, number];
}

function outputShape(node: { name: string; className: string }, spec: LayerSpec, inputs: number[][]): number[] {
  const x = inputs[0]!;
  switch (spec.kind) {
    case 'input':
      return x;
    case 'conv2d':
    case 'depthwise':
    case 'separable':
    case 'pool': {
      const [h, w, c] = image(node, x);
      const kernel = spec.kind === 'pool' ? spec.pool : spec.kernel;
      const rows = windowAxis(h, kernel[0], spec.strides[0], spec.padding).out;
      const cols = windowAxis(w, kernel[1], spec.strides[1], spec.padding).out;
      const channels = spec.kind === 'conv2d' || spec.kind === 'separable' ? spec.filters : spec.kind === 'depthwise' ? c * spec.multiplier : c;
      return [rows, cols, channels];
    }
    case 'dense':
      return [...x.slice(0, -1), spec.units];
    case 'batchnorm':
    case 'activation':
    case 'identity':
      return x;
    case 'globalpool': {
      const [, , c] = image(node, x);
      return spec.keepDims ? [1, 1, c] : [c];
    }
    case 'add':
      for (const other of inputs) {
        if (other.join() !== x.join()) throw new RuntimeError(`layer '${node.name}' (Add) adds shapes [${x.join(', ')}] and [${other.join(', ')}]`);
      }
      return x;
    case 'concat': {
      let channels = 0;
      for (const other of inputs) {
        if (other.length !== x.length || other.slice(0, -1).join() !== x.slice(0, -1).join()) {
          throw new RuntimeError(`layer '${node.name}' (Concatenate) joins shapes [${x.join(', ')}] and [${other.join(', ')}]`);
        }
        channels += other[other.length - 1]!;
      }
      return [...x.slice(0, -1), channels];
    }
    case 'reshape': {
      const size = product(x);
      if (spec.target === null) return [size];
      const known = product(spec.target.filter((d) => d !== -1));
      const target = spec.target.map((d) => (d === -1 ? size / known : d));
      if (product(target) !== size) throw new RuntimeError(`layer '${node.name}' (Reshape) cannot reshape [${x.join(', ')}] to [${spec.target.join(', ')}]`);
      return target;
    }
    case 'zeropad': {
      const [h, w, c] = image(node, x);
      return [h + spec.pad[0] + spec.pad[1], w + spec.pad[2] + spec.pad[3], c];
    }
  }
}

/**
 * Specs and shapes for every node of a parsed topology.
 * @example const nodes = buildGraph(parseTopology(snn.topology));
 */
export function buildGraph(topology: Topology): GraphNode[] {
  const index = new Map<string, number>();
  const nodes: GraphNode[] = [];
  for (const node of topology.nodes) {
    const spec = layerSpec(node);
    const inputs = node.inputs.map((name) => index.get(name)!);
    const single = spec.kind !== 'add' && spec.kind !== 'concat' && spec.kind !== 'input';
    if (single && inputs.length !== 1) throw new RuntimeError(`layer '${node.name}' (${node.className}) takes one input, got ${inputs.length}`);
    if (!single && spec.kind !== 'input' && inputs.length < 2) throw new RuntimeError(`layer '${node.name}' (${node.className}) needs at least two inputs`);
    const inShapes = spec.kind === 'input' ? [topology.inputShape] : inputs.map((i) => nodes[i]!.shape);
    const shape = check(node, outputShape(node, spec, inShapes));
    for (const i of inputs) nodes[i]!.consumers++;
    index.set(node.name, nodes.length);
    nodes.push({ name: node.name, className: node.className, spec, inputs, shape, consumers: 0 });
  }
  nodes[index.get(topology.output)!]!.consumers++;
  return nodes;
}
