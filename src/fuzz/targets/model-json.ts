/**
 * Fuzz target `model-json`: the TF.js LayersModel loader (models/io.ts parseModelJson +
 * assembleArtifacts: JSON guard, topology walk and allowlist, manifest, weights vs topology, shard
 * sizes). An input is a model.json and its one weight shard packed as [u32 LE json length][json]
 * [shard]. Seeds are small models of every layer family the allowlist knows, saved by TF.js itself.
 * The deep check builds accepted inputs with TF.js and requires the weights it creates to be exactly
 * the ones the checker predicted.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../engine/backend.js';
import { RuntimeError } from '../../errors.js';
import { artifactsToFiles, assembleArtifacts, buildLayersModel, modelArtifacts, parseModelJson } from '../../models/io.js';
import { inspectTopology } from '../../models/model-topology.js';
import { mutateBytes, pick, randomInt, splice } from '../mutate-bytes.js';
import { mutateJsonText } from '../mutate-json.js';
import type { FuzzTarget, Mutation, Random } from '../target.js';

export function packModel(json: Uint8Array, shard: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + json.length + shard.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  out.set(shard, 4 + json.length);
  return out;
}

export function unpackModel(input: Uint8Array): { json: Uint8Array; shard: Uint8Array } {
  const length = input.length >= 4 ? new DataView(input.buffer, input.byteOffset).getUint32(0, true) : 0;
  const end = Math.min(4 + length, input.length);
  return { json: input.subarray(Math.min(4, input.length), end), shard: input.subarray(end) };
}

function seedModels(): tfl.LayersModel[] {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const dense = tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [4, 4, 1], name: 'flatten' }),
      tfl.layers.dense({ units: 8, activation: 'relu', name: 'fc1', kernelInitializer: init(1) }),
      tfl.layers.dense({ units: 3, activation: 'softmax', name: 'fc2', kernelInitializer: init(2) }),
    ],
  });
  const conv = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, activation: 'relu', name: 'conv1', kernelInitializer: init(3) }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tfl.layers.separableConv2d({ filters: 2, kernelSize: 2, padding: 'same', name: 'sep', depthwiseInitializer: init(4), pointwiseInitializer: init(5) }),
      tfl.layers.zeroPadding2d({ padding: 1, name: 'pad' }),
      tfl.layers.reshape({ targetShape: [25, 2], name: 'reshape' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ units: 2, name: 'out', kernelInitializer: init(6) }),
    ],
  });
  const input = tfl.input({ shape: [6, 6, 3], name: 'image' });
  const a = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'a', kernelInitializer: init(7) }).apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 1, name: 'b', depthwiseInitializer: init(8) }).apply(
    tfl.layers.conv2d({ filters: 4, kernelSize: 1, name: 'c', kernelInitializer: init(9) }).apply(input) as tfl.SymbolicTensor,
  ) as tfl.SymbolicTensor;
  const added = tfl.layers.add({ name: 'add' }).apply([a, tfl.layers.batchNormalization({ name: 'bn' }).apply(b) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
  const joined = tfl.layers.concatenate({ name: 'cat' }).apply([added, a]) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(joined) as tfl.SymbolicTensor;
  const output = tfl.layers.dense({ units: 2, activation: 'softmax', name: 'head', kernelInitializer: init(10) }).apply(pooled) as tfl.SymbolicTensor;
  const functional = tfl.model({ inputs: input, outputs: output, name: 'functional' });
  return [dense, conv, functional];
}

async function seeds(): Promise<Uint8Array[]> {
  await initBackend('cpu');
  const out: Uint8Array[] = [];
  for (const model of seedModels()) {
    const files = artifactsToFiles(await modelArtifacts(model));
    out.push(packModel(new TextEncoder().encode(files['model.json'] as string), files['weights.bin'] as Uint8Array));
    model.dispose();
  }
  return out;
}

/** Special float32 values written over weights (what a corrupt or hostile shard holds). */
const SPECIAL_FLOATS = [Number.NaN, Infinity, -Infinity, -0, 3.4e38, 1e-45];

function mutateShard(shard: Uint8Array, random: Random): { shard: Uint8Array; kind: string } {
  const op = randomInt(random, 3);
  if (op === 0 && shard.length >= 4) {
    const out = shard.slice();
    const view = new DataView(out.buffer);
    for (let k = 0; k < 1 + randomInt(random, 8); k++) view.setFloat32(4 * randomInt(random, out.length >> 2), pick(random, SPECIAL_FLOATS), true);
    return { shard: out, kind: 'weights:special-floats' };
  }
  if (op === 1) return { shard: shard.slice(0, randomInt(random, shard.length + 1)), kind: 'weights:truncate' };
  return { shard: splice(shard, randomInt(random, shard.length + 1), 0, new Uint8Array(1 + randomInt(random, 64))), kind: 'weights:extend' };
}

function mutate(input: Uint8Array, random: Random): Mutation {
  const { json, shard } = unpackModel(input);
  const choice = random();
  if (choice < 0.65) {
    const m = mutateJsonText(new TextDecoder().decode(json), random);
    return { bytes: packModel(new TextEncoder().encode(m.text), shard), kind: m.kind };
  }
  if (choice < 0.85) {
    const m = mutateShard(shard, random);
    return { bytes: packModel(json, m.shard), kind: m.kind };
  }
  const m = mutateBytes(json, random);
  return { bytes: packModel(m.bytes, shard), kind: `json-text:${m.kind}` };
}

function artifacts(input: Uint8Array): tf.io.ModelArtifacts {
  const { json, shard } = unpackModel(input);
  const parsed = parseModelJson(json, 'model.json');
  // The packed shard stands for the first path of the first group; any other path is empty.
  return assembleArtifacts(parsed, parsed.groups.map((g, i) => g.paths.map((_, j) => (i === 0 && j === 0 ? shard : new Uint8Array()))), 'model.json');
}

async function deep(input: Uint8Array): Promise<void> {
  const checked = artifacts(input);
  const predicted = inspectTopology(checked.modelTopology, 'model.json').weights.map((w) => `${w.layer}/${w.name} ${JSON.stringify(w.shape)}`).sort();
  let model: tfl.LayersModel;
  try {
    model = await buildLayersModel(checked, 'model.json');
  } catch (error) {
    if (error instanceof RuntimeError) return; // TF.js refused what the checker let through: still a one-line refusal
    throw error;
  }
  const built = model.weights.map((w) => `${w.originalName} ${JSON.stringify(w.shape)}`).sort();
  model.dispose();
  if (JSON.stringify(built) !== JSON.stringify(predicted)) {
    throw new Error(`TF.js built weights ${JSON.stringify(built).slice(0, 200)} but the checker predicted ${JSON.stringify(predicted).slice(0, 200)}`);
  }
}

export const modelJsonTarget: FuzzTarget = {
  name: 'model-json',
  description: 'TF.js model.json + weights manifest loader (models/io.ts parseModelJson, assembleArtifacts)',
  seeds,
  mutate,
  run: artifacts,
  isRefusal: (error) => error instanceof RuntimeError,
  deep,
};
