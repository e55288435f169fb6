import { describe, expect, it } from 'vitest';
import { parseModelJson } from './io.js';
import { MAX_ACTIVATION_ELEMENTS, MAX_LAYERS } from './model-topology.js';
import { checkTopologyAgainstManifest } from './topology-weights.js';

type Json = Record<string, unknown>;

const dense = (name: string, units: number, extra: Json = {}): Json => ({ class_name: 'Dense', config: { name, units, activation: 'relu', ...extra } });

function sequential(layers: Json[]): Json {
  return { class_name: 'Sequential', config: { name: 'm', layers } };
}

function modelJson(topology: Json, weights: Array<{ name: string; shape: number[] }>): Uint8Array {
  const manifest = [{ paths: ['weights.bin'], weights: weights.map((w) => ({ ...w, dtype: 'float32' })) }];
  return new TextEncoder().encode(JSON.stringify({ format: 'layers-model', modelTopology: topology, weightsManifest: manifest }));
}

/** The file from the issue: 1 KB of JSON declaring a 784×500,000 Dense layer, with a small manifest. */
export function hugeDenseModelJson(): Uint8Array {
  return modelJson(sequential([dense('d', 500_000, { batch_input_shape: [null, 784] })]), [
    { name: 'd/kernel', shape: [784, 1] },
    { name: 'd/bias', shape: [1] },
  ]);
}

function functional(layers: Json[], inputs: string[], outputs: string[]): Json {
  return {
    class_name: 'Model',
    config: { name: 'f', layers, input_layers: inputs.map((n) => [n, 0, 0]), output_layers: outputs.map((n) => [n, 0, 0]) },
  };
}

const inputLayer = (name: string, shape: Array<number | null>): Json => ({ name, class_name: 'InputLayer', config: { name, batch_input_shape: shape }, inbound_nodes: [] });
const call = (layer: Json, ...from: string[]): Json => ({ ...layer, name: (layer['config'] as Json)['name'], inbound_nodes: [from.map((f) => [f, 0, 0, {}])] });

describe('a topology is checked against its weights manifest before anything is built', () => {
  it('the 784×500,000 Dense layer of a 1 KB model.json is refused in milliseconds, naming the layer and both shapes', () => {
    const bytes = hugeDenseModelJson();
    expect(bytes.length).toBeLessThan(1024);
    const start = performance.now();
    expect(() => parseModelJson(bytes, 'model.json')).toThrow(
      'model.json: layer d (Dense) weight kernel is [784, 500000] in the topology but [784, 1] in the weights manifest',
    );
    expect(performance.now() - start).toBeLessThan(50);
  });

  it('a matching topology and manifest pass, with the weights TF.js will create', () => {
    const facts = checkTopologyAgainstManifest(sequential([dense('a', 3, { batch_input_shape: [null, 4] }), dense('b', 2)]), [
      { name: 'a/kernel', shape: [4, 3], dtype: 'float32' },
      { name: 'a/bias', shape: [3], dtype: 'float32' },
      { name: 'b/kernel', shape: [3, 2], dtype: 'float32' },
      { name: 'b/bias', shape: [2], dtype: 'float32' },
    ], 'm');
    expect(facts.weights.map((w) => `${w.layer}/${w.name}`)).toEqual(['a/kernel', 'a/bias', 'b/kernel', 'b/bias']);
    expect(facts.outputShapes).toEqual([[null, 2]]);
  });

  it('a weight missing from the manifest, an extra one, and one given twice are each refused', () => {
    const topology = sequential([dense('a', 3, { batch_input_shape: [null, 4], use_bias: false })]);
    expect(() => checkTopologyAgainstManifest(topology, [], 'm')).toThrow('m: layer a (Dense) weight kernel [4, 3] is not in the weights manifest');
    const kernel = { name: 'a/kernel', shape: [4, 3], dtype: 'float32' as const };
    expect(() => checkTopologyAgainstManifest(topology, [kernel, { ...kernel, name: 'a/bias', shape: [3] }], 'm')).toThrow('"a/bias", which no layer of the model holds');
    expect(() => checkTopologyAgainstManifest(topology, [kernel, kernel], 'm')).toThrow('gives layer a (Dense) weight kernel twice');
  });

  it('an input whose activations exceed the cap is refused, even without weights', () => {
    const topology = sequential([{ class_name: 'MaxPooling2D', config: { name: 'p', batch_input_shape: [null, 100_000, 100_000, 3] } }]);
    expect(() => checkTopologyAgainstManifest(topology, [], 'm')).toThrow(`values per example, over the ${MAX_ACTIVATION_ELEMENTS.toLocaleString('en-US')}`);
  });

  it('a functional graph with a dangling input or a cycle is refused (TF.js would loop forever on both)', () => {
    const x = inputLayer('x', [null, 4]);
    const dangling = functional([x, call(dense('a', 2), 'nowhere')], ['x'], ['a']);
    expect(() => checkTopologyAgainstManifest(dangling, [], 'm')).toThrow('takes input from "nowhere", which is not a layer of this model');
    const cycle = functional([x, call(dense('a', 2), 'b'), call(dense('b', 2), 'a')], ['x'], ['b']);
    expect(() => checkTopologyAgainstManifest(cycle, [], 'm')).toThrow('a missing node index or a cycle');
    const missingNode = functional([x, { ...call(dense('a', 2), 'x'), inbound_nodes: [[['x', 3, 0, {}]]] }], ['x'], ['a']);
    expect(() => checkTopologyAgainstManifest(missingNode, [], 'm')).toThrow('a missing node index or a cycle');
  });

  it('a functional layer whose entry name differs from its config name is refused (TF.js files it under one and waits for the other forever: found by fuzzing)', () => {
    const x = inputLayer('x', [null, 4]);
    const renamed = { ...call(dense('a', 2), 'x'), name: undefined };
    const topology = functional([x, renamed, call(dense('b', 2), 'a')], ['x'], ['b']);
    expect(() => checkTopologyAgainstManifest(topology, [], 'm')).toThrow('m: layer 1 is named null in the model but "a" in its config');
  });

  it('a functional graph listed out of order resolves as TF.js resolves it', () => {
    const topology = functional([call(dense('b', 2), 'a'), call(dense('a', 3), 'x'), inputLayer('x', [null, 4])], ['x'], ['b']);
    const facts = checkTopologyAgainstManifest(topology, [
      { name: 'a/kernel', shape: [4, 3], dtype: 'float32' },
      { name: 'a/bias', shape: [3], dtype: 'float32' },
      { name: 'b/kernel', shape: [3, 2], dtype: 'float32' },
      { name: 'b/bias', shape: [2], dtype: 'float32' },
    ], 'm');
    expect(facts.outputShapes).toEqual([[null, 2]]);
  });

  it('more layers than the cap are refused before any is read', () => {
    const layers = Array.from({ length: MAX_LAYERS + 1 }, (_, i) => dense(`d${i}`, 1, i === 0 ? { batch_input_shape: [null, 1] } : {}));
    expect(() => checkTopologyAgainstManifest(sequential(layers), [], 'm')).toThrow(`more than the ${MAX_LAYERS} smallnets accepts`);
  });

  it('bad sizes in a layer config name the layer and the field', () => {
    const cases: Array<[Json, string]> = [
      [dense('a', 0, { batch_input_shape: [null, 4] }), '`units` must be an integer from 1'],
      [dense('a', 1.5, { batch_input_shape: [null, 4] }), '`units` must be an integer from 1'],
      [dense('a', 2, { batch_input_shape: [null, -4] }), 'input shape must be 2–8 positive sizes'],
      [{ class_name: 'Conv2D', config: { name: 'c', filters: 2, kernel_size: [3, 3], batch_input_shape: [null, 2, 2, 1] } }, 'produces an empty output'],
      [{ class_name: 'Conv2D', config: { name: 'c', filters: 2, kernel_size: [3, 3], padding: 'causal', batch_input_shape: [null, 8, 8, 1] } }, '`padding` must be one of valid, same'],
      [{ class_name: 'Conv2D', config: { name: 'c', filters: 2, batch_input_shape: [null, 8, 8, 1] } }, '`kernelSize` is missing'],
    ];
    for (const [layer, message] of cases) expect(() => checkTopologyAgainstManifest(sequential([layer]), [], 'm'), message).toThrow(message);
  });
});
