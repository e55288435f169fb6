import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { RuntimeError } from '../errors.js';
import { encodeSnn, decodeSnn } from '../format/index.js';
import { loadModel, parseModelJson } from './io.js';
import { snnToLayersModel } from './snn-model.js';

/** Counts constructions: a registered class that a model file could name. */
const constructed = { count: 0 };

class CountingLayer extends tfl.layers.Layer {
  static className = 'CountingLayer';
  constructor(args: ConstructorParameters<typeof tfl.layers.Layer>[0]) {
    super(args);
    constructed.count++;
  }
}
tf.serialization.registerClass(CountingLayer);

type Json = Record<string, unknown>;

function topologyWith(layer: Json): Json {
  return {
    class_name: 'Sequential',
    config: { name: 'm', layers: [{ class_name: 'Flatten', config: { name: 'flatten', batch_input_shape: [null, 2, 2, 1] } }, layer] },
  };
}

/** A Keras Lambda layer as Keras saves it: marshalled Python bytecode, base64. */
const LAMBDA: Json = {
  class_name: 'Lambda',
  config: { name: 'lambda', function: ['4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwApAk7pAgAAAKkAKQHaAXhyAgAAAHICAAAA', null, null], function_type: 'lambda', output_shape: null, arguments: {} },
};

function modelJsonBytes(topology: Json): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: [], weights: [] }] }));
}

let dir: string;

describe('model files never run code', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-nocode-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a class registered in this process is constructed by stock TF.js from a file, and refused by smallnets without constructing it', async () => {
    const topology = topologyWith({ class_name: 'CountingLayer', config: { name: 'custom' } });
    // Stock TF.js instantiates whatever registered class a file names: this is the hole.
    await tfl.models.modelFromJSON({ modelTopology: topology as never }).catch(() => undefined);
    expect(constructed.count).toBeGreaterThan(0);
    constructed.count = 0;
    expect(() => parseModelJson(modelJsonBytes(topology), 'model.json')).toThrow(
      /model\.json: layer custom \(CountingLayer\) has layer class "CountingLayer", which smallnets does not load \(custom and unknown classes are refused/,
    );
    const out = path.join(dir, 'custom');
    await mkdir(out);
    await writeFile(path.join(out, 'model.json'), modelJsonBytes(topology));
    await expect(loadModel(out)).rejects.toThrow(RuntimeError);
    expect(constructed.count).toBe(0);
  });

  it('a Lambda layer is refused as code, in a model.json and in a .snn file', async () => {
    expect(() => parseModelJson(modelJsonBytes(topologyWith(LAMBDA)), 'model.json')).toThrow(
      'model.json: layer lambda (Lambda) is a Lambda layer, which holds code; smallnets never runs code from a model file',
    );
    const snn = decodeSnn(encodeSnn({ topology: topologyWith(LAMBDA) as never, metadata: null, tensors: [] }));
    await expect(snnToLayersModel(snn)).rejects.toThrow('is a Lambda layer, which holds code');
  });

  it('__proto__, constructor and prototype keys are refused wherever they are, and pollute nothing', () => {
    const texts = [
      '{"modelTopology": {"class_name": "Sequential", "config": {"name": "m", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 2, "__proto__": {"polluted": true}}}]}}}',
      '{"__proto__": {"polluted": true}, "modelTopology": {}}',
      '{"modelTopology": {"constructor": {"prototype": {"polluted": true}}}}',
      '{"modelTopology": {}, "weightsManifest": [{"paths": [], "weights": [], "prototype": 1}]}',
    ];
    for (const text of texts) {
      expect(() => parseModelJson(new TextEncoder().encode(text), 'model.json')).toThrow(/model\.json has a "(__proto__|constructor|prototype)" key.*; model files may not set object prototypes/);
    }
    expect((({}) as Json)['polluted']).toBeUndefined();
    expect((Object.prototype as Json)['polluted']).toBeUndefined();
  });

  it('an unknown class inside a layer config (an initializer, say) is refused too', () => {
    const layer = { class_name: 'Dense', config: { name: 'd', units: 2, kernel_initializer: { class_name: 'CountingLayer', config: {} } } };
    expect(() => parseModelJson(modelJsonBytes(topologyWith(layer)), 'model.json')).toThrow(
      'uses class "CountingLayer" in its config, which smallnets does not load',
    );
  });

  it('a nested model and initial weights in a config are refused with their reasons', () => {
    const nested = { class_name: 'Sequential', config: { name: 'inner', layers: [] } };
    expect(() => parseModelJson(modelJsonBytes(topologyWith(nested)), 'model.json')).toThrow('is a nested Sequential; smallnets loads flat models only');
    const withWeights = { class_name: 'Dense', config: { name: 'd', units: 2, weights: [[1, 2]] } };
    expect(() => parseModelJson(modelJsonBytes(topologyWith(withWeights)), 'model.json')).toThrow('carries initial weights in its config');
  });
});
