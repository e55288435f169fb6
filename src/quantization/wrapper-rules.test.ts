import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { modelArtifacts } from '../models/io.js';
import { inspectTopology } from '../models/model-topology.js';
import { clusterWeights } from '../clustering/cluster.js';
import { quantizeAware } from './qat.js';
import { tinyModel } from './models.test-util.js';

/** Weight names and shapes TF.js creates when it loads the model's saved topology. */
async function rebuiltWeights(model: tfl.LayersModel): Promise<string[]> {
  const again = await tfl.models.modelFromJSON({ modelTopology: (await modelArtifacts(model)).modelTopology as never });
  const names = again.weights.map((w) => `${w.originalName} ${JSON.stringify(w.shape)}`).sort();
  again.dispose();
  return names;
}

async function predictedWeights(model: tfl.LayersModel): Promise<string[]> {
  const facts = inspectTopology((await modelArtifacts(model)).modelTopology, 'model');
  return facts.weights.map((w) => `${w.layer}/${w.name} ${JSON.stringify(w.shape)}`).sort();
}

describe('the technique wrappers load from files by registered rules, predicting exactly what TF.js builds', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it.each([
    ['weights only', { bits: 4 }],
    ['weights and activations (softmax output left in float)', { bits: 4, activations: true }],
    ['preserving sparsity', { bits: 8, preserveSparsity: true, activations: true }],
  ])('QuantizeWrapper, %s', async (_name, options) => {
    const model = await quantizeAware(tinyModel(), options);
    expect(await predictedWeights(model)).toEqual(await rebuiltWeights(model));
    model.dispose();
  });

  it.each([
    ['plain', { clusters: 3 }],
    ['preserving sparsity', { clusters: 4, preserveSparsity: true }],
  ])('ClusterWrapper, %s', async (_name, options) => {
    const model = await clusterWeights(tinyModel(), options);
    expect(await predictedWeights(model)).toEqual(await rebuiltWeights(model));
    model.dispose();
  });
});
