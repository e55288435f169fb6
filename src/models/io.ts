/**
 * Saving and loading TF.js LayersModel files (model.json + binary weight shards) on disk and over
 * http(s), without tfjs-node.
 *
 * Files are untrusted: the JSON is parsed (never evaluated), every manifest entry is validated, and
 * the shard bytes are checked against what the manifest declares before any tensor is allocated.
 * Saving is atomic: a temporary sibling directory is renamed into place.
 */
import { mkdir, readFile, rename, rm, stat, writeFile, readdir, access } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError, UsageError } from '../cli/errors.js';
import { parseWeightsManifest, expectedShardBytes } from './manifest.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
/** model.json files larger than this are refused before parsing (topologies are kilobytes). */
const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/** Refuse an existing output file (without force), a directory, or an unwritable location. */
export async function checkOutFile(file: string, force = false): Promise<void> {
  const resolved = path.resolve(file);
  const info = await stat(resolved).catch(() => undefined);
  if (info?.isDirectory()) throw new UsageError(`--out ${file} is a directory; give a file name like model.onnx`);
  if (info && !force) throw new UsageError(`--out ${file} exists (use --force to replace it)`);
  let dir = path.dirname(resolved);
  while (!(await stat(dir).catch(() => undefined))) dir = path.dirname(dir);
  try {
    await access(dir, fsConstants.W_OK);
  } catch {
    throw new UsageError(`--out ${file} is not writable (cannot create files in ${dir})`);
  }
}

/** Refuse an output directory before doing any work: non-empty without force, or not creatable. */
export async function checkOutDir(dir: string, force = false): Promise<void> {
  const resolved = path.resolve(dir);
  let info;
  try {
    info = await stat(resolved);
  } catch {
    info = undefined;
  }
  if (info) {
    if (!info.isDirectory()) throw new UsageError(`--out ${dir} exists and is not a directory`);
    const entries = await readdir(resolved);
    if (entries.length > 0 && !force) throw new UsageError(`--out ${dir} exists and is not empty (use --force to replace it)`);
  }
  const parent = await nearestExistingAncestor(path.dirname(resolved));
  // Permission bits do not tell root (or special filesystems like /proc) the truth: probe for real
  // by creating and removing a temporary sibling where the output will be written.
  const probeParent = info ? path.dirname(resolved) : parent;
  const probe = path.join(probeParent, `.smallnets-probe-${process.pid}-${Date.now()}`);
  try {
    await access(probeParent, fsConstants.W_OK);
    await mkdir(probe);
  } catch {
    throw new UsageError(`--out ${dir} is not writable (cannot create files in ${probeParent})`);
  }
  await rm(probe, { recursive: true, force: true });
}

async function nearestExistingAncestor(dir: string): Promise<string> {
  let current = dir;
  for (;;) {
    try {
      if ((await stat(current)).isDirectory()) return current;
      throw new UsageError(`--out parent ${current} is not a directory`);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const up = path.dirname(current);
      if (up === current) return current;
      current = up;
    }
  }
}

/** Write files into `dir` atomically: all appear at once, or none do. */
export async function writeDirAtomic(dir: string, files: Record<string, Uint8Array | string>, force = false): Promise<void> {
  const target = path.resolve(dir);
  await checkOutDir(target, force);
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(temp);
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(path.join(temp, name), data);
    let old: string | undefined;
    try {
      await stat(target);
      old = `${target}.old-${process.pid}-${Date.now()}`;
      await rename(target, old);
    } catch {
      old = undefined;
    }
    await rename(temp, target);
    if (old) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Write a file atomically (temp file + rename). */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const target = path.resolve(file);
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(temp, data);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The model.json + weights a LayersModel saves to, in memory. */
export async function modelArtifacts(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return captured!;
}

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

/** Whether a model location is an http(s) URL (else a directory or a model.json path). */
export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

async function readLocation(location: string, what: string): Promise<Uint8Array> {
  if (isUrl(location)) {
    let response: Response;
    try {
      response = await fetch(location);
    } catch (error) {
      throw new RuntimeError(`cannot fetch ${what} ${location}: ${(error as Error).message}`);
    }
    if (!response.ok) throw new RuntimeError(`cannot fetch ${what} ${location}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  try {
    return new Uint8Array(await readFile(location));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RuntimeError(`cannot read ${what} ${location}${code === 'ENOENT' ? ': no such file' : `: ${code ?? (error as Error).message}`}`);
  }
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
  const raw = await readLocation(jsonAt, 'model.json');
  if (raw.byteLength > MAX_MODEL_JSON_BYTES) throw new RuntimeError(`${jsonAt} is ${raw.byteLength} bytes, larger than any model.json should be`);
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
  const buffers: Uint8Array[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of groups) {
    const shards = await Promise.all(group.paths.map((p) => readLocation(resolveShard(jsonAt, p), 'weight shard')));
    const have = shards.reduce((sum, s) => sum + s.byteLength, 0);
    const need = expectedShardBytes(group.weights);
    if (have !== need) {
      throw new RuntimeError(`weights of ${jsonAt} hold ${have} bytes but the manifest declares ${need}`);
    }
    buffers.push(...shards);
    weightSpecs.push(...group.weights);
  }
  const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
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
