/**
 * Saving and loading TF.js LayersModel files (model.json + binary weight shards) on disk and over
 * http(s), without tfjs-node.
 *
 * Files are untrusted: the JSON is parsed (never evaluated), every manifest entry is validated, and
 * the shard bytes are checked against what the manifest declares before any tensor is allocated.
 * Saving is atomic: a temporary sibling directory is renamed into place.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError } from '../errors.js';
import { concatBytes } from '../format/bytes.js';
import { writeDirAtomic } from './atomic-write.js';
import { parseWeightsManifest, expectedShardBytes } from './manifest.js';
import { isUrl, readLocation } from './read-bytes.js';
import { modelArtifacts } from './model-artifacts.js';

export { modelArtifacts };

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
/** model.json files larger than this are refused before reading (topologies are kilobytes). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** Weights a manifest may declare in all (2 GiB: more than any model smallnets trains or runs). */
export const MAX_WEIGHT_BYTES = 2 ** 31;

/** Serialize artifacts as TF.js LayersModel files: { 'model.json': …, 'weights.bin': … }. */
export function artifactsToFiles(artifacts: tf.io.ModelArtifacts): Record<string, Uint8Array | string> {
  const weightData = artifacts.weightData ? new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)) : new Uint8Array();
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: 'smallnets',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
  return { [MODEL_JSON]: JSON.stringify(modelJson), [WEIGHTS_BIN]: weightData };
}

/** Save `model` as a TF.js LayersModel directory (loadable by `tf.loadLayersModel`). Returns bytes written. */
export async function saveModel(model: tfl.LayersModel, dir: string, options: { force?: boolean } = {}): Promise<number> {
  const files = artifactsToFiles(await modelArtifacts(model));
  await writeDirAtomic(dir, files, options.force);
  return Object.values(files).reduce((sum, f) => sum + (typeof f === 'string' ? Buffer.byteLength(f) : f.byteLength), 0);
}

/** Resolve a directory or model.json path/URL to the model.json location. */
export async function modelJsonLocation(location: string): Promise<string> {
  if (isUrl(location)) return location.endsWith('.json') ? location : `${location.replace(/\/$/, '')}/${MODEL_JSON}`;
  try {
    if ((await stat(location)).isDirectory()) return path.join(location, MODEL_JSON);
  } catch {
    throw new RuntimeError(`model ${location} does not exist`);
  }
  return location;
}

function resolveShard(modelJsonAt: string, shard: string): string {
  if (isUrl(modelJsonAt)) return new URL(shard, modelJsonAt).toString();
  if (path.isAbsolute(shard) || shard.split(/[\\/]/).includes('..')) {
    throw new RuntimeError(`weight shard path ${JSON.stringify(shard)} escapes the model directory`);
  }
  return path.join(path.dirname(modelJsonAt), shard);
}

/** Read and validate model.json and its shards; returns artifacts ready for tf.loadLayersModel. */
export async function loadModelArtifacts(location: string): Promise<tf.io.ModelArtifacts> {
  const jsonAt = await modelJsonLocation(location);
  const raw = await readLocation(jsonAt, 'model.json', MAX_MODEL_JSON_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch (error) {
    throw new RuntimeError(`${jsonAt} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json)) {
    throw new RuntimeError(`${jsonAt} is not a TF.js LayersModel (no modelTopology)`);
  }
  const modelJson = json as { modelTopology: object; weightsManifest?: unknown; userDefinedMetadata?: Record<string, object> };
  const groups = parseWeightsManifest(modelJson.weightsManifest, jsonAt);
  const declared = groups.reduce((sum, g) => sum + expectedShardBytes(g.weights), 0);
  if (declared > MAX_WEIGHT_BYTES) throw new RuntimeError(`${jsonAt} declares ${declared.toLocaleString('en-US')} bytes of weights, more than the ${MAX_WEIGHT_BYTES.toLocaleString('en-US')} smallnets reads`);
  const buffers: Uint8Array[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of groups) {
    const need = expectedShardBytes(group.weights);
    // No shard can be larger than its whole group: a bigger one is refused before it is read.
    const shards = await Promise.all(group.paths.map((p) => readLocation(resolveShard(jsonAt, p), 'weight shard', need)));
    const have = shards.reduce((sum, s) => sum + s.byteLength, 0);
    if (have !== need) {
      throw new RuntimeError(`weights of ${jsonAt} hold ${have} bytes but the manifest declares ${need}`);
    }
    buffers.push(...shards);
    weightSpecs.push(...group.weights);
  }
  const weightData = concatBytes(buffers);
  return {
    modelTopology: modelJson.modelTopology,
    weightSpecs,
    weightData: weightData.buffer,
    ...(modelJson.userDefinedMetadata ? { userDefinedMetadata: modelJson.userDefinedMetadata } : {}),
  };
}

/** Load a TF.js LayersModel from a directory, a model.json path, or an http(s) URL. */
export async function loadModel(location: string): Promise<tfl.LayersModel> {
  const artifacts = await loadModelArtifacts(location);
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new RuntimeError(`cannot build model from ${location}: ${message}`);
  }
}
