/**
 * Rules for the layers that only move, resize or combine values and own no weights: Flatten, Reshape,
 * Permute, ZeroPadding2D, Cropping2D, UpSampling2D and the merge layers (tfjs-layers 4.x
 * `computeOutputShape`). The registry is layer-rules.ts.
 */
import type { LayerConfig } from './layer-config.js';
import { axes, positive, rank, withSpatial, type Dim, type LayerRule, type Shape } from './layer-rule-kit.js';

export const identity: LayerRule = { arity: 'one', output: (_c, [x]) => [...x!] };

function product(dims: Dim[]): Dim {
  return dims.some((d) => d === null) ? null : (dims as number[]).reduce((a, b) => a * b, 1);
}

export const flatten: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    rank(c, x!, { min: 3 });
    const size = product(x!.slice(1));
    if (size === null) c.fail(`cannot flatten an input of unknown size ${JSON.stringify(x)}`);
    return [x![0]!, size];
  },
};

export const reshape: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const target = c.values['targetShape'];
    // TF.js saves an unknown target size (-1) as null and treats any negative size or null as unknown.
    if (!Array.isArray(target) || target.length === 0 || target.length > 8 || !target.every((d) => d === null || d === -1 || (Number.isInteger(d) && d >= 1 && d <= 2 ** 24))) {
      c.fail(`\`targetShape\` must be a list of positive sizes (one may be -1), got ${JSON.stringify(target)}`);
    }
    const dims = (target as Array<number | null>).map((d) => (d === -1 ? null : d));
    const unknownAt = dims.indexOf(null);
    if (unknownAt !== dims.lastIndexOf(null)) c.fail(`\`targetShape\` may hold only one unknown size, got ${JSON.stringify(target)}`);
    // Reshape.computeOutputShape: with any unknown input size (the batch too) the unknown stays unknown.
    if (x!.some((d) => d === null)) return [x![0]!, ...dims];
    const total = product(x!.slice(1))!;
    const knownPart = (dims.filter((d) => d !== null) as number[]).reduce((a, b) => a * b, 1);
    if (unknownAt >= 0 ? total % knownPart !== 0 : total !== knownPart) c.fail(`cannot reshape ${JSON.stringify(x)} to ${JSON.stringify(target)}`);
    return [x![0]!, ...dims.map((d) => d ?? total / knownPart)];
  },
};

export const zeroPadding2d: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const [[top, bottom], [left, right]] = pairOfPairs(c, 'padding', 1);
    const cf = c.channelsFirst();
    rank(c, x!, 4);
    const [r, col, ch] = axes(cf);
    const grow = (d: Dim, a: number, b: number): Dim => (d === null ? null : d + a + b);
    return withSpatial(x!, cf, grow(x![r]!, top, bottom), grow(x![col]!, left, right), x![ch]!);
  },
};

export const cropping2d: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const [[top, bottom], [left, right]] = pairOfPairs(c, 'cropping', 0);
    const cf = c.channelsFirst();
    rank(c, x!, 4);
    const [r, col, ch] = axes(cf);
    const shrink = (d: Dim, a: number, b: number): Dim => positive(c, d === null ? null : d - a - b, x!);
    return withSpatial(x!, cf, shrink(x![r]!, top, bottom), shrink(x![col]!, left, right), x![ch]!);
  },
};

/** ZeroPadding2D / Cropping2D amounts: n, [rows, cols] or [[top, bottom], [left, right]]. */
function pairOfPairs(c: LayerConfig, key: string, fallback: number): [[number, number], [number, number]] {
  const v = c.values[key] ?? fallback;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 2 ** 24;
  if (ok(v)) return [[v, v], [v, v]];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [[v[0], v[0]], [v[1], v[1]]];
  if (Array.isArray(v) && v.length === 2 && v.every((p) => Array.isArray(p) && p.length === 2 && ok(p[0]) && ok(p[1]))) {
    return v as [[number, number], [number, number]];
  }
  return c.fail(`\`${key}\` must be n, [rows, cols] or [[top, bottom], [left, right]] of non-negative integers, got ${JSON.stringify(v)}`);
}

export const upSampling2d: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const size = c.ints('size', 2, [2, 2]);
    const cf = c.channelsFirst();
    rank(c, x!, 4);
    const [r, col, ch] = axes(cf);
    const scale = (d: Dim, s: number): Dim => (d === null ? null : d * s);
    return withSpatial(x!, cf, scale(x![r]!, size[0]!), scale(x![col]!, size[1]!), x![ch]!);
  },
};

export const permute: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const dims = c.values['dims'];
    const n = x!.length - 1;
    if (!Array.isArray(dims) || dims.length !== n || [...dims].sort((a, b) => a - b).some((d, i) => d !== i + 1)) {
      c.fail(`\`dims\` must be a permutation of 1–${n}, got ${JSON.stringify(dims)}`);
    }
    return [x![0]!, ...(dims as number[]).map((d) => x![d]!)];
  },
};

/** Merge.computeElementwiseOpOutputShape over the non-batch dimensions. */
function broadcast(c: LayerConfig, a: Shape, b: Shape): Shape {
  if (a.length < b.length) return broadcast(c, b, a);
  const out = a.slice(0, a.length - b.length);
  for (let k = 0; k < b.length; k++) {
    const i = a[a.length - b.length + k]!;
    const j = b[k]!;
    if (i === null || j === null) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1 || i === j) out.push(i);
    else c.fail(`cannot combine inputs of shapes ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
  }
  return out;
}

export const elementwise: LayerRule = {
  arity: 'many',
  output: (c, inputs) => {
    const rest = inputs.map((s) => s.slice(1)).reduce((a, b) => broadcast(c, a, b));
    return [inputs[0]![0]!, ...rest];
  },
};

export const concatenate: LayerRule = {
  arity: 'many',
  output: (c, inputs) => {
    const first = inputs[0]!;
    const raw = c.values['axis'] ?? -1;
    const valid = typeof raw === 'number' && Number.isInteger(raw) && raw !== 0 && raw < first.length && raw >= -first.length + 1;
    const axis = valid ? (raw < 0 ? raw + first.length : raw) : c.fail(`\`axis\` must be a non-batch axis of its rank-${first.length} inputs, got ${JSON.stringify(raw)}`);
    const out = [...first];
    for (const s of inputs.slice(1)) {
      if (s.length !== first.length || s.some((d, i) => i !== 0 && i !== axis && d !== null && first[i] !== null && d !== first[i])) {
        c.fail(`cannot concatenate inputs of shapes ${JSON.stringify(first)} and ${JSON.stringify(s)} on axis ${raw}`);
      }
      out[axis] = out[axis] === null || s[axis] === null ? null : out[axis]! + s[axis]!;
    }
    return out;
  },
};
