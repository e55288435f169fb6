/**
 * The check that makes loading a model file safe: the weights TF.js will allocate when it builds the
 * topology (computed by ./model-topology.ts without building) must be exactly the weights the
 * manifest declares — same names (as tfjs-layers' `loadWeights` resolves them), same shapes. The
 * manifest's sizes have already been checked against the shard bytes and the weight cap, so after
 * this check the memory TF.js takes to build the model is bounded by the bytes of the file itself:
 * a 1 KB model.json can no longer declare a 784×500,000 Dense layer and make TF.js allocate 1.6 GB
 * before its weight loader notices the mismatch.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { RuntimeError } from '../errors.js';
import { inspectTopology, type ExpectedWeight, type TopologyFacts } from './model-topology.js';

function describe(w: ExpectedWeight): string {
  return `layer ${w.layer} (${w.className}) weight ${w.name}`;
}

/**
 * The manifest name → expected weight map tfjs-layers' LayersModel.loadWeights uses: a weight's
 * `layer/name`, or, when the manifest is in Keras v3 form (names ending in an index), `layer/index`.
 * A manifest name that matches none is tried without its next-to-last part (TF 2.2 cell names).
 */
function resolver(weights: ExpectedWeight[], specs: tf.io.WeightsManifestEntry[]): (name: string) => ExpectedWeight | undefined {
  const lastToken = specs[0]?.name.split('/').pop() ?? '';
  const kerasV3 = specs.length > 0 && !Number.isNaN(Number.parseInt(lastToken, 10));
  const byName = new Map<string, ExpectedWeight>();
  for (const w of weights) {
    const key = kerasV3 ? `${w.layer}/${w.index}` : `${w.layer}/${w.name}`;
    if (byName.has(key)) throw new RuntimeError(`two weights of the model are both named ${key}`);
    byName.set(key, w);
  }
  return (name) => {
    const exact = byName.get(name);
    if (exact) return exact;
    const tokens = name.split('/');
    return tokens.length >= 3 ? byName.get([...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/')) : undefined;
  };
}

/**
 * Refuse a topology whose weights differ from the manifest in any name or shape, before TF.js builds it.
 * @example
 * const facts = checkTopologyAgainstManifest(artifacts.modelTopology, artifacts.weightSpecs ?? [], 'model.json');
 */
export function checkTopologyAgainstManifest(topology: unknown, specs: tf.io.WeightsManifestEntry[], where: string, held = 'the weights manifest'): TopologyFacts {
  const facts = inspectTopology(topology, where);
  const resolve = resolver(facts.weights, specs);
  const matched = new Map<ExpectedWeight, string>();
  for (const spec of specs) {
    const weight = resolve(spec.name);
    if (!weight) throw new RuntimeError(`${where}: ${held} has ${JSON.stringify(spec.name)}, which no layer of the model holds`);
    const earlier = matched.get(weight);
    if (earlier !== undefined) throw new RuntimeError(`${where}: ${held} gives ${describe(weight)} twice (${earlier} and ${spec.name})`);
    matched.set(weight, spec.name);
    if (spec.shape.length !== weight.shape.length || spec.shape.some((d, i) => d !== weight.shape[i])) {
      throw new RuntimeError(`${where}: ${describe(weight)} is [${weight.shape.join(', ')}] in the topology but [${spec.shape.join(', ')}] in ${held}`);
    }
  }
  const missing = facts.weights.find((w) => !matched.has(w));
  if (missing) throw new RuntimeError(`${where}: ${describe(missing)} [${missing.shape.join(', ')}] is not in ${held}`);
  return facts;
}
