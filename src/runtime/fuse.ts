/**
 * Graph → fused ops: BatchNormalization folded into the conv/dense before it (a per-output-channel
 * scale and a bias), activations fused into the op before them as a clamp, ZeroPadding2D folded into
 * the padding of the conv after it, SeparableConv2D split into depthwise + 1×1, Flatten/Reshape/
 * Dropout turned into aliases (NHWC data is already laid out as Keras flattens it). What cannot fuse
 * stays a step of its own (a BatchNormalization after a pool becomes a per-channel affine step).
 */
import { RuntimeError } from '../errors.js';
import type { SnnTensor } from '../format/spec.js';
import { windowAxis, type GraphNode } from './graph.js';
import { LINEAR, type Clamp, type LayerSpec } from './layers.js';

/** Convolution geometry over one sample (the batch multiplies the rows). */
export interface ConvGeometry {
  h: number; w: number; c: number;
  kh: number; kw: number; sh: number; sw: number;
  padT: number; padL: number;
  outH: number; outW: number;
}

export interface MatmulOp {
  kind: 'matmul';
  name: string;
  className: string;
  input: number;
  output: number;
  /** null: the input is already the K-column matrix (Dense, or a 1×1 stride-1 unpadded conv). */
  geometry: ConvGeometry | null;
  /** Rows of the product per sample. */
  rows: number;
  k: number;
  n: number;
  kernel: SnnTensor;
  bias: Float32Array | null;
  /** Folded BatchNormalization scale per output column (null when none). */
  scale: Float32Array | null;
  clamp: Clamp;
}

export type Op =
  | MatmulOp
  | {
      kind: 'depthwise'; name: string; className: string; input: number; output: number; geometry: ConvGeometry;
      mult: number; weights: Float32Array; bias: Float32Array | null; clamp: Clamp;
    }
  | { kind: 'pool'; name: string; mode: 0 | 1; input: number; output: number; geometry: ConvGeometry }
  | { kind: 'globalPool'; name: string; mode: 0 | 1; input: number; output: number; hw: number; c: number }
  | { kind: 'add'; name: string; inputs: number[]; output: number; clamp: Clamp }
  | { kind: 'concat'; name: string; inputs: number[]; output: number }
  | { kind: 'affine'; name: string; input: number; output: number; c: number; scale: Float32Array; shift: Float32Array; clamp: Clamp }
  | { kind: 'clamp'; name: string; input: number; output: number; clamp: Clamp }
  | { kind: 'softmax'; name: string; input: number; output: number; c: number }
  | { kind: 'zeroPad'; name: string; input: number; output: number; pad: [number, number, number, number] }
  | { kind: 'alias'; name: string; input: number; output: number };

export type TensorLookup = (layer: string, weight: string) => SnnTensor | undefined;

/** Compose two clamps: clamp(clamp(x, a), b) = clamp(x, b(a.lo), b(a.hi)). */
export function composeClamp(first: Clamp, second: Clamp): Clamp {
  const apply = (v: number) => Math.min(Math.max(v, second.lo), second.hi);
  return { lo: apply(first.lo), hi: apply(first.hi) };
}

/** gamma / sqrt(var + eps) and beta − mean · that, per channel, from a BatchNormalization's weights. */
function batchNormFactors(node: GraphNode, channels: number, get: (w: string, required: boolean) => Float32Array | null): { scale: Float32Array; shift: Float32Array } {
  if (node.spec.kind !== 'batchnorm') throw new Error('not a batchnorm');
  const gamma = node.spec.scale ? get('gamma', true) : null;
  const beta = node.spec.center ? get('beta', true) : null;
  const mean = get('moving_mean', true)!;
  const variance = get('moving_variance', true)!;
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = (gamma ? gamma[c]! : 1) / Math.sqrt(variance[c]! + node.spec.epsilon);
    scale[c] = s;
    shift[c] = (beta ? beta[c]! : 0) - mean[c]! * s;
  }
  return { scale, shift };
}

interface Chain {
  bn: GraphNode | null;
  clamp: Clamp;
  softmax: boolean;
  /** The node whose value the fused op produces. */
  last: number;
}

/**
 * Fuse the graph into ops. `lookup` finds a weight tensor by layer and weight name.
 * @example const ops = fuseGraph(buildGraph(parseTopology(snn.topology)), byName);
 */
export function fuseGraph(nodes: GraphNode[], lookup: TensorLookup): Op[] {
  const consumersOf = nodes.map(() => [] as number[]);
  nodes.forEach((node, i) => node.inputs.forEach((j) => consumersOf[j]!.push(i)));
  const absorbed = new Set<number>();
  const ops: Op[] = [];

  const tensor = (node: GraphNode, weight: string, shape: number[] | null, required = true): SnnTensor | null => {
    const t = lookup(node.name, weight);
    if (t === undefined) {
      if (!required) return null;
      throw new RuntimeError(`layer '${node.name}' (${node.className}): weight '${node.name}/${weight}' is missing from the file`);
    }
    if (shape !== null && t.shape.join() !== shape.join()) {
      throw new RuntimeError(`layer '${node.name}' (${node.className}): weight '${t.name}' has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    return t;
  };
  const vector = (node: GraphNode, weight: string, length: number): Float32Array => tensor(node, weight, [length])!.values;

  /** Follow the single-consumer chain after node i: BatchNormalization (if allowed) then activations. */
  const chainAfter = (i: number, allowBn: boolean): Chain => {
    const chain: Chain = { bn: null, clamp: LINEAR, softmax: false, last: i };
    const next = (): number | null => {
      const node = nodes[chain.last]!;
      const cs = consumersOf[chain.last]!;
      return node.consumers === 1 && cs.length === 1 ? cs[0]! : null;
    };
    let j = next();
    if (allowBn && j !== null && nodes[j]!.spec.kind === 'batchnorm') {
      chain.bn = nodes[j]!;
      absorbed.add(j);
      chain.last = j;
      j = next();
    }
    while (j !== null && nodes[j]!.spec.kind === 'activation') {
      const spec = nodes[j]!.spec as Extract<LayerSpec, { kind: 'activation' }>;
      if (spec.clamp === 'softmax') break;
      chain.clamp = composeClamp(chain.clamp, spec.clamp);
      absorbed.add(j);
      chain.last = j;
      j = next();
    }
    return chain;
  };

  /** Append a softmax op when the layer's own activation is softmax. */
  const finish = (op: Op, node: GraphNode, ownSoftmax: boolean): void => {
    ops.push(op);
    if (ownSoftmax) {
      const c = node.shape[node.shape.length - 1]!;
      ops.push({ kind: 'softmax', name: node.name, input: op.output, output: op.output, c });
    }
  };

  nodes.forEach((node, i) => {
    if (absorbed.has(i)) return;
    const spec = node.spec;
    const x = node.inputs[0]!;
    const inShape = x === undefined ? [] : nodes[x]!.shape;
    // A zero padding feeding only this conv becomes part of its padding.
    let input = x;
    let extra: [number, number, number, number] = [0, 0, 0, 0];
    if ((spec.kind === 'conv2d' || spec.kind === 'depthwise' || spec.kind === 'separable') && nodes[x]!.spec.kind === 'zeropad' && nodes[x]!.consumers === 1) {
      const pad = nodes[x]!.spec as Extract<LayerSpec, { kind: 'zeropad' }>;
      extra = pad.pad;
      input = nodes[x]!.inputs[0]!;
      absorbed.add(x);
      ops.splice(ops.findIndex((op) => op.output === x), 1);
    }
    const geometryFor = (kernel: [number, number], strides: [number, number], padding: 'same' | 'valid'): ConvGeometry => {
      const [h, w, c] = nodes[input]!.shape as [number, number, number];
      const rows = windowAxis(h, kernel[0], strides[0], padding, extra[0], extra[1]);
      const cols = windowAxis(w, kernel[1], strides[1], padding, extra[2], extra[3]);
      return { h, w, c, kh: kernel[0], kw: kernel[1], sh: strides[0], sw: strides[1], padT: rows.padBefore, padL: cols.padBefore, outH: rows.out, outW: cols.out };
    };
    const ownClamp = (c: Clamp | 'softmax'): Clamp => (c === 'softmax' ? LINEAR : c);

    switch (spec.kind) {
      case 'input':
        return;
      case 'conv2d':
      case 'dense':
      case 'separable': {
        const linear = spec.clamp !== 'softmax' && spec.clamp.lo === -Infinity && spec.clamp.hi === Infinity;
        const chain = linear ? chainAfter(i, true) : { bn: null, clamp: ownClamp(spec.clamp), softmax: false, last: i };
        let geometry: ConvGeometry | null = null;
        let k: number;
        let n: number;
        let rows: number;
        let src = input;
        if (spec.kind === 'dense') {
          k = inShape[inShape.length - 1]!;
          n = spec.units;
          rows = inShape.slice(0, -1).reduce((a, b) => a * b, 1);
        } else {
          const g = geometryFor(spec.kernel, spec.strides, spec.padding);
          n = spec.filters;
          rows = g.outH * g.outW;
          if (spec.kind === 'separable') {
            const mult = spec.multiplier;
            const dw = tensor(node, 'depthwise_kernel', [g.kh, g.kw, g.c, mult])!;
            const dwOut = -(i + 1); // a value only the separable layer's two halves share
            ops.push({ kind: 'depthwise', name: `${node.name}/depthwise`, className: node.className, input, output: dwOut, geometry: g, mult, weights: dw.values, bias: null, clamp: LINEAR });
            src = dwOut;
            k = g.c * mult;
          } else {
            k = g.kh * g.kw * g.c;
            const direct = g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.padT === 0 && g.padL === 0 && g.outH === g.h && g.outW === g.w;
            if (!direct) geometry = g;
          }
        }
        const weightName = spec.kind === 'separable' ? 'pointwise_kernel' : 'kernel';
        const kernelShape = spec.kind === 'dense' ? [k, n] : spec.kind === 'separable' ? [1, 1, k, n] : [spec.kernel[0], spec.kernel[1], k / (spec.kernel[0] * spec.kernel[1]), n];
        const kernel = tensor(node, weightName, kernelShape)!;
        let bias = spec.useBias ? Float32Array.from(vector(node, 'bias', n)) : null;
        let scale: Float32Array | null = null;
        if (chain.bn !== null) {
          const bn = chain.bn;
          const f = batchNormFactors(bn, n, (w) => vector(bn, w, n));
          scale = f.scale;
          const folded = new Float32Array(n);
          for (let c = 0; c < n; c++) folded[c] = (bias ? bias[c]! : 0) * f.scale[c]! + f.shift[c]!;
          bias = folded;
        }
        const op: MatmulOp = { kind: 'matmul', name: node.name, className: node.className, input: src, output: chain.last, geometry, rows, k, n, kernel, bias, scale, clamp: chain.clamp };
        finish(op, nodes[chain.last]!, spec.clamp === 'softmax');
        return;
      }
      case 'depthwise': {
        const linear = spec.clamp !== 'softmax' && spec.clamp.lo === -Infinity && spec.clamp.hi === Infinity;
        const chain = linear ? chainAfter(i, true) : { bn: null, clamp: ownClamp(spec.clamp), softmax: false, last: i };
        const g = geometryFor(spec.kernel, spec.strides, spec.padding);
        const co = g.c * spec.multiplier;
        const weights = Float32Array.from(tensor(node, 'depthwise_kernel', [g.kh, g.kw, g.c, spec.multiplier])!.values);
        let bias = spec.useBias ? Float32Array.from(vector(node, 'bias', co)) : null;
        if (chain.bn !== null) {
          const bn = chain.bn;
          const f = batchNormFactors(bn, co, (w) => vector(bn, w, co));
          for (let j = 0; j < weights.length; j++) weights[j] = weights[j]! * f.scale[j % co]!;
          const folded = new Float32Array(co);
          for (let c = 0; c < co; c++) folded[c] = (bias ? bias[c]! : 0) * f.scale[c]! + f.shift[c]!;
          bias = folded;
        }
        finish({ kind: 'depthwise', name: node.name, className: node.className, input, output: chain.last, geometry: g, mult: spec.multiplier, weights, bias, clamp: chain.clamp }, nodes[chain.last]!, spec.clamp === 'softmax');
        return;
      }
      case 'batchnorm': {
        const c = node.shape[node.shape.length - 1]!;
        const chain = chainAfter(i, false);
        const f = batchNormFactors(node, c, (w) => vector(node, w, c));
        ops.push({ kind: 'affine', name: node.name, input: x, output: chain.last, c, scale: f.scale, shift: f.shift, clamp: chain.clamp });
        return;
      }
      case 'activation': {
        const c = node.shape[node.shape.length - 1]!;
        if (spec.clamp === 'softmax') ops.push({ kind: 'softmax', name: node.name, input: x, output: i, c });
        else {
          const chain = chainAfter(i, false);
          ops.push({ kind: 'clamp', name: node.name, input: x, output: chain.last, clamp: composeClamp(spec.clamp, chain.clamp) });
        }
        return;
      }
      case 'pool':
        ops.push({ kind: 'pool', name: node.name, mode: spec.mode === 'max' ? 0 : 1, input: x, output: i, geometry: geometryFor(spec.pool, spec.strides, spec.padding) });
        return;
      case 'globalpool': {
        const [h, w, c] = inShape as [number, number, number];
        ops.push({ kind: 'globalPool', name: node.name, mode: spec.mode === 'max' ? 0 : 1, input: x, output: i, hw: h * w, c });
        return;
      }
      case 'add': {
        const chain = chainAfter(i, false);
        ops.push({ kind: 'add', name: node.name, inputs: node.inputs, output: chain.last, clamp: chain.clamp });
        return;
      }
      case 'concat':
        ops.push({ kind: 'concat', name: node.name, inputs: node.inputs, output: i });
        return;
      case 'zeropad':
        ops.push({ kind: 'zeroPad', name: node.name, input: x, output: i, pad: spec.pad });
        return;
      case 'reshape':
      case 'identity':
        ops.push({ kind: 'alias', name: node.name, input: x, output: i });
        return;
    }
  });
  return ops;
}
