/**
 * Fuzz target `runtime-plan`: the runtime's .snn planner (runtime/index.ts planModel on the pure-JS
 * engine: topology parsing, graph building, fusing, kernel choice per stored encoding, buffer layout),
 * then one prediction on a zero input when the model's input is small. Seeds are small models saved
 * as .snn by smallnets' own encoder with every encoding the runtime has kernels for (float32, sparse,
 * codebook, 8-bit affine). Mutations work on the decoded container and re-encode it, so they reach the
 * planner past the checksum: the topology JSON (./mutate-json.ts: sizes, class names, keys, swaps),
 * tensors renamed, dropped or reordered; a quarter are the .snn reader's own byte mutations, resealed.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../engine/backend.js';
import { RuntimeError, UsageError } from '../../errors.js';
import { decodeSnn, encodeSnn, SnnFormatError } from '../../format/index.js';
import { mutate as mutateSnnBytes, resealSnn } from '../../format/fuzz-harness.js';
import type { JsonObject } from '../../format/spec.js';
import { encodeModel, type EncodingHints } from '../../models/snn-layers.js';
import { planModel } from '../../runtime/index.js';
import { JsMemory } from '../../runtime/memory.js';
import { pick, randomInt } from '../mutate-bytes.js';
import { mutateJsonValue, type JsonValue } from '../mutate-json.js';
import type { FuzzTarget, Mutation, Random } from '../target.js';

async function seeds(): Promise<Uint8Array[]> {
  await initBackend('cpu');
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const conv = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv1', kernelInitializer: init(1) }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ units: 8, activation: 'relu', name: 'fc1', kernelInitializer: init(2) }),
      tfl.layers.dense({ units: 3, activation: 'softmax', name: 'fc2', kernelInitializer: init(3) }),
    ],
  });
  const input = tfl.input({ shape: [8, 8, 3], name: 'image' });
  const a = tfl.layers.conv2d({ filters: 4, kernelSize: 1, name: 'a', kernelInitializer: init(4) }).apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'b', depthwiseInitializer: init(5) }).apply(a) as tfl.SymbolicTensor;
  const c = tfl.layers.batchNormalization({ name: 'bn' }).apply(b) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'add' }).apply([a, tfl.layers.reLU({ name: 'relu' }).apply(c) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(sum) as tfl.SymbolicTensor;
  const functional = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2, name: 'head', kernelInitializer: init(6) }).apply(pooled) as tfl.SymbolicTensor });
  const out: Uint8Array[] = [];
  const codebook = Float32Array.of(-0.3, -0.1, 0, 0.1, 0.3);
  const hintSets: EncodingHints[] = [{}, { 'conv1/kernel': { sparse: true }, 'fc1/kernel': { codebook, sparse: true } }, { 'fc1/kernel': { bits: 8 }, 'conv1/kernel': { bits: 8, perChannel: true } }];
  for (const hints of hintSets) {
    out.push((await encodeModel(conv, hints)).bytes);
  }
  out.push((await encodeModel(functional, { 'a/kernel': { bits: 8 }, 'head/kernel': { codebook } })).bytes);
  conv.dispose();
  functional.dispose();
  return out;
}

/** Re-encode a changed container; when the writer refuses it (a duplicate name, say), mutate bytes instead. */
function encodeOr(input: Uint8Array, random: Random, encode: () => Uint8Array, kind: string): Mutation {
  try {
    return { bytes: encode(), kind };
  } catch {
    return mutateSnnBytes(input, random);
  }
}

function mutate(input: Uint8Array, random: Random): Mutation {
  let snn;
  try {
    snn = decodeSnn(input);
  } catch {
    return mutateSnnBytes(input, random);
  }
  const choice = random();
  if (choice < 0.25) return mutateSnnBytes(input, random);
  if (choice < 0.75 && snn.topology !== null) {
    const topology = structuredClone(snn.topology) as JsonValue;
    const kind = mutateJsonValue(topology, random);
    return encodeOr(input, random, () => encodeSnn({ ...snn, topology: topology as JsonObject }), `topology-${kind}`);
  }
  const tensors = [...snn.tensors];
  if (tensors.length === 0) return mutateSnnBytes(input, random);
  const at = randomInt(random, tensors.length);
  const op = randomInt(random, 3);
  if (op === 0) tensors.splice(at, 1);
  else if (op === 1) tensors[at] = { ...tensors[at]!, name: pick(random, [...tensors.map((t) => t.name), 'conv1/bias', 'x/kernel', '']) };
  else tensors.reverse();
  return encodeOr(input, random, () => encodeSnn({ ...snn, tensors }), ['tensor-drop', 'tensor-rename', 'tensor-reorder'][op]!);
}

function run(input: Uint8Array): void {
  const net = planModel(decodeSnn(input), (bytes) => new JsMemory(Math.max(bytes, 1 << 16)));
  try {
    const size = net.describe().inputShape.reduce((a, b) => a * b, 1);
    if (size <= 1 << 16) net.predict(new Float32Array(size), 1);
  } finally {
    net.dispose();
  }
}

export const runtimePlanTarget: FuzzTarget = {
  name: 'runtime-plan',
  description: "the runtime's .snn planner (runtime/index.ts planModel, JS engine) and one prediction",
  seeds,
  mutate,
  finish: (input, random) => (random() < 0.9 ? resealSnn(input) : input),
  run,
  isRefusal: (error) => error instanceof RuntimeError || error instanceof UsageError || error instanceof SnnFormatError,
};
