/**
 * Pretrained weights as Keras does it (`MobileNet(weights='imagenet')`): the published files are
 * downloaded once into the user's cache directory and loaded by name into our own builder, whose
 * layer names and weight shapes must match them exactly.
 *
 * The files are the TF.js layers-format models the TF.js team hosts and its tutorials load
 * (`…/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json` and its weight shards). Nothing pins them
 * upstream, so the first download records each file's SHA-256 in the cache (`sha256.json`, trust on
 * first use): a cached file that changes afterwards, or a later download that differs from what was
 * recorded, is an error naming the file, not a silently different model. Offline, the error names
 * the URL and the cache directory to fill by hand. Every read is bounded (model.json by size, each
 * weight group by what its manifest declares).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError } from '../errors.js';
import { writeDirAtomic, writeFileAtomic } from './atomic-write.js';
import { MAX_MODEL_JSON_BYTES, MAX_WEIGHT_BYTES, MODEL_JSON, loadModelArtifacts } from './io.js';
import { expectedShardBytes, parseWeightsManifest } from './manifest.js';
import { readLocation } from './read-bytes.js';

/** Where the TF.js team hosts the Keras MobileNet v1 ImageNet models. */
export const PRETRAINED_BASE_URL = 'https://storage.googleapis.com/tfjs-models/tfjs';
/** Overrides the base URL (a mirror, or a local server in tests). */
export const PRETRAINED_URL_ENV = 'SMALLNETS_WEIGHTS_URL';
const RECORD = 'sha256.json';

export interface PretrainedOptions {
  /** Base URL the model folders live under (default: $SMALLNETS_WEIGHTS_URL, else PRETRAINED_BASE_URL). */
  baseUrl?: string;
  /** Cache directory (default: $XDG_CACHE_HOME/smallnets, else ~/.cache/smallnets). */
  cacheDir?: string;
}

/** The cache directory pretrained weights are kept in. */
export function pretrainedCacheDir(options: PretrainedOptions = {}): string {
  if (options.cacheDir) return options.cacheDir;
  const xdg = process.env['XDG_CACHE_HOME'];
  return xdg ? path.join(xdg, 'smallnets') : path.join(os.homedir(), '.cache', 'smallnets');
}

function baseUrlOf(options: PretrainedOptions): string {
  return (options.baseUrl ?? process.env[PRETRAINED_URL_ENV] ?? PRETRAINED_BASE_URL).replace(/\/+$/, '');
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

type HashRecord = Record<string, string>;

async function readRecord(file: string): Promise<HashRecord> {
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as HashRecord;
  } catch (error) {
    throw new RuntimeError(`the SHA-256 record ${file} is unreadable (${(error as Error).message}); delete it to start a new record`);
  }
}

/** A shard name we are willing to write into the cache: a plain file name. */
function shardName(shard: string, where: string): string {
  if (!/^[\w.-]+$/.test(shard) || shard === '.' || shard === '..') throw new RuntimeError(`${where} lists weight file ${JSON.stringify(shard)}, which is not a plain file name`);
  return shard;
}

/** The files of a model.json (itself and its shards, by file name), read from `read`. */
async function modelFiles(jsonBytes: Uint8Array, where: string, read: (shard: string, maxBytes: number) => Promise<Uint8Array>): Promise<Map<string, Uint8Array>> {
  let json: { weightsManifest?: unknown };
  try {
    json = JSON.parse(new TextDecoder().decode(jsonBytes)) as { weightsManifest?: unknown };
  } catch (error) {
    throw new RuntimeError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  const groups = parseWeightsManifest(json.weightsManifest, where);
  const declared = groups.reduce((s, g) => s + expectedShardBytes(g.weights), 0);
  if (declared > MAX_WEIGHT_BYTES) throw new RuntimeError(`${where} declares ${declared.toLocaleString('en-US')} bytes of weights, more than smallnets reads`);
  const files = new Map<string, Uint8Array>([[MODEL_JSON, jsonBytes]]);
  for (const group of groups) {
    const need = expectedShardBytes(group.weights);
    let have = 0;
    for (const shard of group.paths) {
      const bytes = await read(shardName(shard, where), need);
      have += bytes.byteLength;
      files.set(shard, bytes);
    }
    if (have !== need) throw new RuntimeError(`the weight files of ${where} hold ${have} bytes but its manifest declares ${need}`);
  }
  return files;
}

/**
 * The local directory holding the model `name` (e.g. `mobilenet_v1_0.25_224`): downloaded from
 * `<baseUrl>/<name>/model.json` the first time, checked against the recorded SHA-256s every time.
 *
 * @example
 * const dir = await cachedPretrainedModel('mobilenet_v1_0.25_224'); // ~/.cache/smallnets/mobilenet_v1_0.25_224
 */
export async function cachedPretrainedModel(name: string, options: PretrainedOptions = {}): Promise<string> {
  const cache = pretrainedCacheDir(options);
  const dir = path.join(cache, name);
  const url = `${baseUrlOf(options)}/${name}/${MODEL_JSON}`;
  const recordFile = path.join(cache, RECORD);
  const record = await readRecord(recordFile);
  const keyOf = (file: string) => `${name}/${file}`;
  let files: Map<string, Uint8Array>;
  let fresh = false;
  if (existsSync(path.join(dir, MODEL_JSON))) {
    const local = (file: string, maxBytes: number) => readLocation(path.join(dir, file), 'cached weight file', maxBytes);
    files = await modelFiles(await local(MODEL_JSON, MAX_MODEL_JSON_BYTES), path.join(dir, MODEL_JSON), local);
  } else {
    const remote = async (file: string, maxBytes: number) => {
      const at = new URL(file, url).toString();
      try {
        return await readLocation(at, file === MODEL_JSON ? 'model.json' : 'weight file', maxBytes);
      } catch (error) {
        throw new RuntimeError(
          `cannot download ${at}: ${(error as Error).message.replace(/^cannot fetch \S+ \S+: /, '')}. ` +
            `Offline, put ${url} and the weight files it lists into ${dir} by hand`);
      }
    };
    files = await modelFiles(await remote(MODEL_JSON, MAX_MODEL_JSON_BYTES), url, remote);
    fresh = true;
  }
  let changed = false;
  for (const [file, bytes] of files) {
    const hash = sha256(bytes);
    const recorded = record[keyOf(file)];
    if (recorded === undefined) {
      record[keyOf(file)] = hash;
      changed = true;
    } else if (recorded !== hash) {
      const where = fresh ? `${new URL(file, url)} changed since it was first downloaded` : `the cached ${path.join(dir, file)} changed since it was downloaded`;
      throw new RuntimeError(`${where} (SHA-256 ${hash.slice(0, 16)}…, recorded ${recorded.slice(0, 16)}… in ${recordFile}); ` +
        `delete ${dir}${fresh ? ` and its entries in ${recordFile}` : ''} to download it again`);
    }
  }
  if (fresh) await writeDirAtomic(dir, Object.fromEntries(files), true);
  if (changed) {
    await mkdir(cache, { recursive: true });
    await writeFileAtomic(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  }
  return dir;
}

/**
 * Set every weight of `model` from the model files in `dir`, matched by weight name; names and
 * shapes must agree exactly (files may hold more weights only when `allowExtra`). Returns the
 * names of the weights in the files that the model did not take.
 */
export async function loadWeightsByName(model: tfl.LayersModel, dir: string, allowExtra = false): Promise<string[]> {
  const artifacts = await loadModelArtifacts(dir);
  const specs = new Map((artifacts.weightSpecs ?? []).map((s) => [s.name, s]));
  const wanted = model.weights.map((w) => w.originalName);
  for (const w of model.weights) {
    const spec = specs.get(w.originalName);
    if (!spec) throw new RuntimeError(`the weights in ${dir} have no ${w.originalName} (our ${model.name} has it, shape [${w.shape.join(', ')}])`);
    if (spec.shape.join() !== w.shape.join()) {
      throw new RuntimeError(`${w.originalName} in ${dir} has shape [${spec.shape.join(', ')}], our ${model.name} [${w.shape.join(', ')}]`);
    }
  }
  const extra = [...specs.keys()].filter((name) => !wanted.includes(name));
  if (extra.length > 0 && !allowExtra) throw new RuntimeError(`the weights in ${dir} hold ${extra[0]}, which our ${model.name} has no layer for`);
  const tensors = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs ?? []);
  try {
    for (const w of model.weights) w.write(tensors[w.originalName]!);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return extra;
}
