/**
 * What every layer rule is made of (layer-rules.ts, layer-shape-rules.ts): shape types, the rule
 * interface, and checks that fail with the layer's name (`LayerConfig.fail`).
 */
import type { LayerConfig } from './layer-config.js';

export type Dim = number | null;
export type Shape = Dim[];

export interface WeightShape {
  name: string;
  shape: number[];
}

export interface LayerRule {
  /** 'one': called on one tensor; 'many': a merge layer called on two or more. */
  arity: 'one' | 'many';
  output(c: LayerConfig, inputs: Shape[]): Shape;
  weights?(c: LayerConfig, inputs: Shape[]): WeightShape[];
  /** Layer classes this layer's config may nest (a wrapper's inner layer), besides initializers etc. */
  nestedClasses?: readonly string[];
}

/** Fails unless the input has the expected rank (or at least `min`). */
export function rank(c: LayerConfig, shape: Shape, expected: number | { min: number }): void {
  const ok = typeof expected === 'number' ? shape.length === expected : shape.length >= expected.min;
  if (!ok) c.fail(`needs an input of rank ${typeof expected === 'number' ? expected : `≥ ${expected.min}`}, got ${JSON.stringify(shape)}`);
}

/** A dimension that must be known to size a weight. */
export function known(c: LayerConfig, d: Dim, what: string): number {
  if (d === null) c.fail(`the ${what} of its input must be known to size its weights`);
  return d;
}

/** A computed output size, failing when it is empty. */
export function positive(c: LayerConfig, d: Dim, input: Shape): Dim {
  if (d !== null && d < 1) c.fail(`produces an empty output from input ${JSON.stringify(input)}`);
  return d;
}

/** [rowAxis, colAxis, channelAxis] of a rank-4 shape. */
export function axes(channelsFirst: boolean): [number, number, number] {
  return channelsFirst ? [2, 3, 1] : [1, 2, 3];
}

/** A rank-4 shape with new spatial sizes and channels, in the layout of `input`. */
export function withSpatial(input: Shape, channelsFirst: boolean, rows: Dim, cols: Dim, channels: Dim): Shape {
  return channelsFirst ? [input[0]!, channels, rows, cols] : [input[0]!, rows, cols, channels];
}
