/**
 * What the restructurings need to know about a Conv2D layer, read once from its config, plus the
 * seeded initializers their new layers start from.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { layerConfig } from '../graph/rebuild.js';

export interface ConvInfo {
  name: string;
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: string;
  filters: number;
  activation: string;
  useBias: boolean;
  channelsLast: boolean;
}

function pair(value: unknown): [number, number] {
  if (typeof value === 'number') return [value, value];
  const list = value as number[];
  return [list[0]!, list[1] ?? list[0]!];
}

/** The Conv2D facts, or undefined for any other layer class. */
export function convInfo(layer: tfl.layers.Layer): ConvInfo | undefined {
  if (layer.getClassName() !== 'Conv2D') return undefined;
  const c = layerConfig(layer);
  return {
    name: layer.name,
    kernel: pair(c['kernelSize']),
    strides: pair(c['strides'] ?? 1),
    dilation: pair(c['dilationRate'] ?? 1),
    padding: String(c['padding'] ?? 'valid'),
    filters: Number(c['filters']),
    activation: String(c['activation'] ?? 'linear'),
    useBias: c['useBias'] !== false,
    channelsLast: (c['dataFormat'] ?? 'channelsLast') === 'channelsLast',
  };
}

/** Input channels of a built layer (last dimension of its input). */
export function inputChannels(layer: tfl.layers.Layer): number {
  const shape = layer.inboundNodes[0]!.inputTensors[0]!.shape;
  return shape[shape.length - 1] as number;
}

/**
 * Glorot-uniform (the Keras default) for a new layer; seeded per layer from `seed` so that a
 * restructuring run is reproducible, or unseeded when no seed is given.
 */
export function freshInitializer(seed: number | undefined, index: number): ReturnType<typeof tfl.initializers.glorotUniform> {
  return tfl.initializers.glorotUniform(seed === undefined ? {} : { seed: seed * 7919 + index });
}
