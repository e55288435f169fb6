/**
 * TF.js glue for the .snn container, without Node APIs (the web playground runs it in the browser):
 * a tf.layers model (plus per-weight encoding hints from pruning/clustering/quantization) becomes a
 * .snn file, and a decoded .snn becomes TF.js artifacts or a tf.layers model again. Reading files
 * and URLs lives in snn-model.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { concatBytes } from '../format/bytes.js';
import { encodeSnnWithReport, encodeTensorAuto, type EncodingHint } from '../format/index.js';
import type { JsonObject, SnnModel, SnnReport, SnnTensor } from '../format/spec.js';
import { buildLayersModel, modelArtifacts } from './model-artifacts.js';
import { checkJsonTree } from './json-guard.js';
import { checkTopologyAgainstManifest } from './topology-weights.js';
import { RuntimeError } from '../errors.js';

/** Weight name (e.g. `conv1/kernel`) → how to encode it. Weights without a hint are stored float32. */
export type EncodingHints = Record<string, EncodingHint>;

/** One float32 weight of a model, as saved: its manifest name, shape and values. */
export interface WeightValues {
  name: string;
  shape: number[];
  values: Float32Array;
}

/**
 * The float32 weights of a model in save order, under their manifest names (`conv1/kernel`, …):
 * what the model's weight file holds, sliced per tensor.
 */
export async function modelWeightValues(model: tfl.LayersModel): Promise<WeightValues[]> {
  return weightValuesOf(await modelArtifacts(model));
}

function weightValuesOf(artifacts: tf.io.ModelArtifacts): WeightValues[] {
  const data = new Float32Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!));
  let offset = 0;
  return (artifacts.weightSpecs ?? []).map((spec) => {
    if (spec.dtype !== 'float32') throw new RuntimeError(`weight ${spec.name} has dtype ${spec.dtype}; only float32 weights are encoded`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = data.slice(offset, offset + size);
    offset += size;
    return { name: spec.name, shape: [...spec.shape], values };
  });
}

/** Encode a model; returns the file bytes and the writer's per-tensor size report. */
export async function encodeModel(
  model: tfl.LayersModel,
  hints: EncodingHints = {},
  metadata: JsonObject | null = null,
): Promise<{ bytes: Uint8Array; report: SnnReport; snn: SnnModel }> {
  const artifacts = await modelArtifacts(model);
  const tensors = weightValuesOf(artifacts).map((w) => encodeTensorAuto(w.name, w.values, w.shape, hints[w.name] ?? {}));
  const snn: SnnModel = { topology: artifacts.modelTopology as JsonObject, metadata, tensors };
  const { bytes, report } = encodeSnnWithReport(snn);
  return { bytes, report, snn };
}

/** TF.js artifacts (topology + float32/int32/bool weights) of a decoded .snn. */
export function snnToArtifacts(snn: SnnModel): tf.io.ModelArtifacts {
  if (snn.topology === null) throw new RuntimeError('the .snn file has no model topology, so it cannot be rebuilt as a model');
  const weightSpecs: tf.io.WeightsManifestEntry[] = snn.tensors.map((t) => ({ name: t.name, shape: [...t.shape], dtype: t.dtype }));
  // The container's sizes are verified by its reader; the topology must build exactly these tensors.
  checkJsonTree(snn.topology, 'the .snn topology');
  checkTopologyAgainstManifest(snn.topology, weightSpecs, 'the .snn topology', "the file's tensors");
  const chunks = snn.tensors.map(tensorBytes);
  return { modelTopology: snn.topology, weightSpecs, weightData: concatBytes(chunks).buffer };
}

function tensorBytes(t: SnnTensor): Uint8Array {
  if (t.dtype === 'float32') return new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
  if (t.dtype === 'int32') {
    const ints = Int32Array.from(t.values);
    return new Uint8Array(ints.buffer);
  }
  return Uint8Array.from(t.values, (v) => (v !== 0 ? 1 : 0));
}

/**
 * Rebuild the tf.layers model stored in a decoded .snn.
 * @example
 * const model = await snnToLayersModel(decodeSnn(await readFile('lenet5.snn')));
 */
export async function snnToLayersModel(snn: SnnModel): Promise<tfl.LayersModel> {
  return buildLayersModel(snnToArtifacts(snn), 'the .snn file');
}
