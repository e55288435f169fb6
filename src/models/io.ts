/**
 * Saving and loading TF.js LayersModel files (model.json + binary weight shards) on disk and over
 * http(s), without tfjs-node.
 *
 * Files are untrusted: the JSON is parsed (never evaluated) and refused if it carries prototype keys;
 * every manifest entry is validated; the topology's layers are checked against an allowlist and their
 * weight shapes, computed without building anything, must equal the manifest's; and the shard bytes
 * are checked against what the manifest declares — all before TF.js builds or allocates anything.
 * Saving is atomic: a temporary sibling directory is renamed into place.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError } from '../errors.js';
import { concatBytes } from '../format/bytes.js';
import { writeDirAtomic } from './atomic-write.js';
import { checkJsonTree, parseJsonText } from './json-guard.js';
import { parseWeightsManifest, expectedElements, expectedShardBytes, type ManifestGroup } from './manifest.js';
import { checkTopologyAgainstManifest } from './topology-weights.js';
import { fileInfo, isUrl, readLocation } from './read-bytes.js';
import { buildLayersModel, modelArtifacts } from './model-artifacts.js';

export { buildLayersModel, modelArtifacts };

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
/** model.json files larger than this are refused before reading (topologies are kilobytes). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** Weights a manifest may declare in all (2 GiB: more than any model smallnets trains or runs). */
export const MAX_WEIGHT_BYTES = 2 ** 31;
/** Weight values a model may have once dequantized (2^29 float32 = 2 GiB). */
export const MAX_WEIGHT_ELEMENTS = 2 ** 29;
/** Weight shard files a model.json may list (TF.js converters write 4 MB shards: 4096 is 16 GB). */
export const MAX_WEIGHT_SHARDS = 4096;

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

/** A model.json, parsed and checked, before any shard is read. */
export interface ParsedModelJson {
  modelTopology: object;
  groups: ManifestGroup[];
  userDefinedMetadata?: Record<string, object>;
  /** Shard bytes the manifest declares in all. */
  declaredBytes: number;
}

/**
 * Parse and check a model.json's bytes (no I/O): JSON without prototype keys or deep nesting, a
 * valid manifest within the caps, and a topology whose weights are exactly the manifest's — so
 * nothing here or later allocates more than the file's own shards hold.
 * @example
 * const parsed = parseModelJson(await readFile('out/lenet5/model.json'), 'out/lenet5/model.json');
 */
export function parseModelJson(bytes: Uint8Array, where: string): ParsedModelJson {
  const json = parseJsonText(new TextDecoder().decode(bytes), where);
  checkJsonTree(json, where);
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('modelTopology' in json)) {
    throw new RuntimeError(`${where} is not a TF.js LayersModel (no modelTopology)`);
  }
  const modelJson = json as { modelTopology: unknown; weightsManifest?: unknown; userDefinedMetadata?: unknown };
  const groups = parseWeightsManifest(modelJson.weightsManifest, where);
  const paths = groups.reduce((sum, g) => sum + g.paths.length, 0);
  if (paths > MAX_WEIGHT_SHARDS) throw new RuntimeError(`${where} lists ${paths} weight shards, more than the ${MAX_WEIGHT_SHARDS} smallnets reads`);
  const declaredBytes = groups.reduce((sum, g) => sum + expectedShardBytes(g.weights), 0);
  if (declaredBytes > MAX_WEIGHT_BYTES) throw new RuntimeError(`${where} declares ${declaredBytes.toLocaleString('en-US')} bytes of weights, more than the ${MAX_WEIGHT_BYTES.toLocaleString('en-US')} smallnets reads`);
  const elements = groups.reduce((sum, g) => sum + expectedElements(g.weights), 0);
  if (elements > MAX_WEIGHT_ELEMENTS) throw new RuntimeError(`${where} declares ${elements.toLocaleString('en-US')} weight values, more than the ${MAX_WEIGHT_ELEMENTS.toLocaleString('en-US')} smallnets loads`);
  const metadata = modelJson.userDefinedMetadata;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) {
    throw new RuntimeError(`${where}: userDefinedMetadata is not an object`);
  }
  checkTopologyAgainstManifest(modelJson.modelTopology, groups.flatMap((g) => g.weights), where);
  return {
    modelTopology: modelJson.modelTopology as object,
    groups,
    declaredBytes,
    ...(metadata ? { userDefinedMetadata: metadata as Record<string, object> } : {}),
  };
}

/** Artifacts from a parsed model.json and its shards (one list per manifest group, in path order). */
export function assembleArtifacts(parsed: ParsedModelJson, shards: Uint8Array[][], where: string): tf.io.ModelArtifacts {
  const buffers: Uint8Array[] = [];
  parsed.groups.forEach((group, g) => {
    const need = expectedShardBytes(group.weights);
    const have = (shards[g] ?? []).reduce((sum, s) => sum + s.byteLength, 0);
    if (have !== need) throw new RuntimeError(`weights of ${where} hold ${have} bytes but the manifest declares ${need}`);
    buffers.push(...shards[g]!);
  });
  return {
    modelTopology: parsed.modelTopology,
    weightSpecs: parsed.groups.flatMap((g) => g.weights),
    weightData: concatBytes(buffers).buffer,
    ...(parsed.userDefinedMetadata ? { userDefinedMetadata: parsed.userDefinedMetadata } : {}),
  };
}

/** Read and validate model.json and its shards; returns artifacts ready for tf.loadLayersModel. */
export async function loadModelArtifacts(location: string): Promise<tf.io.ModelArtifacts> {
  const jsonAt = await modelJsonLocation(location);
  const parsed = parseModelJson(await readLocation(jsonAt, 'model.json', MAX_MODEL_JSON_BYTES), jsonAt);
  const locations = parsed.groups.map((group) => group.paths.map((p) => resolveShard(jsonAt, p)));
  // Local shards are sized before any is read, and each file may be listed once (by any path to
  // it): a short model.json naming one file thousands of times cannot make us hold more than the
  // files on disk, and a size mismatch fails without reading a byte.
  if (!isUrl(jsonAt)) {
    const seen = new Set<string>();
    for (const [g, group] of parsed.groups.entries()) {
      let have = 0;
      for (const file of locations[g]!) {
        const { size, identity } = await fileInfo(file, 'weight shard');
        if (seen.has(identity)) throw new RuntimeError(`${jsonAt} lists the weight shard file ${file} more than once`);
        seen.add(identity);
        have += size;
      }
      const need = expectedShardBytes(group.weights);
      if (have !== need) throw new RuntimeError(`weights of ${jsonAt} hold ${have} bytes but the manifest declares ${need}`);
    }
  }
  const shards: Uint8Array[][] = [];
  for (const [g, group] of parsed.groups.entries()) {
    // Each shard is read only up to what its group still misses (a server cannot send more).
    let remaining = expectedShardBytes(group.weights);
    const read: Uint8Array[] = [];
    for (const location of locations[g]!) {
      const shard = await readLocation(location, 'weight shard', remaining);
      remaining -= shard.byteLength;
      read.push(shard);
    }
    shards.push(read);
  }
  return assembleArtifacts(parsed, shards, jsonAt);
}

/** Load a TF.js LayersModel from a directory, a model.json path, or an http(s) URL. */
export async function loadModel(location: string): Promise<tfl.LayersModel> {
  return buildLayersModel(await loadModelArtifacts(location), location);
}
