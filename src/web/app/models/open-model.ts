/**
 * Opening a model source as a tf.layers model in the page (this module brings TF.js, so views
 * import it lazily). Every file is untrusted: sizes are checked before bytes are read, model.json is
 * parsed (never evaluated) and its manifest validated with the same code the CLI uses, shard sizes
 * must match, and a .snn is decoded by src/format, which verifies its checksum and every size.
 * Failures are one readable line: the page shows them, it never goes blank.
 */
import { decodeSnn } from '../../../format/index.js';
import { expectedShardBytes, parseWeightsManifest } from '../../../models/manifest.js';
import { snnToLayersModel } from '../../../models/snn-layers.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkDigitShapes } from '../draw/digit-classifier.js';
import { loadTfjs } from '../tfjs.js';
import type { MemoryArtifacts, ModelSource } from './model-sources.js';
import { fetchBounded, fileBytes, MAX_MODEL_BYTES, snnBytes } from './read-source.js';

export interface OpenedModel {
  model: tfl.LayersModel;
  /** Bytes read to open it (model.json + shards, or the .snn file). */
  bytes: number;
}

/** model.json + shards → validated artifacts; `shard(name)` reads one shard. */
async function tfjsArtifacts(jsonBytes: Uint8Array, where: string, shard: (name: string) => Promise<Uint8Array>): Promise<{ artifacts: MemoryArtifacts; bytes: number }> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(jsonBytes));
  } catch (error) {
    throw new Error(`${where} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json)) throw new Error(`${where} is not a TF.js LayersModel (no modelTopology)`);
  const groups = parseWeightsManifest((json as { weightsManifest?: unknown }).weightsManifest, where);
  const declared = groups.reduce((sum, g) => sum + expectedShardBytes(g.weights), 0);
  if (declared > MAX_MODEL_BYTES) throw new Error(`${where} declares ${declared} bytes of weights, more than the ${MAX_MODEL_BYTES} the page reads`);
  const data = new Uint8Array(declared);
  let offset = 0;
  for (const group of groups) {
    const need = expectedShardBytes(group.weights);
    let have = 0;
    for (const name of group.paths) {
      const bytes = await shard(name.replace(/^\.\//, ''));
      if (have + bytes.length > need) throw new Error(`weights of ${where} hold more bytes than the manifest declares (${need})`);
      data.set(bytes, offset + have);
      have += bytes.length;
    }
    if (have !== need) throw new Error(`weights of ${where} hold ${have} bytes but the manifest declares ${need}`);
    offset += need;
  }
  const weightSpecs = groups.flatMap((g) => g.weights) as MemoryArtifacts['weightSpecs'];
  return { artifacts: { modelTopology: (json as { modelTopology: object }).modelTopology, weightSpecs, weightData: data.buffer }, bytes: jsonBytes.length + declared };
}

async function fromArtifacts(artifacts: MemoryArtifacts, where: string): Promise<tfl.LayersModel> {
  const { tf, tfl } = await loadTfjs();
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new Error(`cannot build a model from ${where}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * Open any source as a tf.layers model.
 * @example
 * const { model, bytes } = await openLayers(listSources()[0]);
 */
export async function openLayers(source: ModelSource): Promise<OpenedModel> {
  await loadTfjs();
  if (source.format === 'snn') {
    const bytes = await snnBytes(source);
    return { model: await snnToLayersModel(decodeSnn(bytes)), bytes: bytes.length };
  }
  if (source.origin === 'trained') return { model: await fromArtifacts(source.artifacts, source.label), bytes: source.bytes };
  if (source.origin === 'served') {
    const base = new URL(source.url, location.href);
    const { artifacts, bytes } = await tfjsArtifacts(await fetchBounded(base.href, source.label), source.label, (name) => fetchBounded(new URL(name, base).href, `${source.label}: ${name}`));
    return { model: await fromArtifacts(artifacts, source.label), bytes };
  }
  const [json, ...shards] = source.files;
  const { artifacts, bytes } = await tfjsArtifacts(await fileBytes(json!), json!.name, (name) => {
    const file = shards.find((f) => f.name === name);
    if (!file) throw new Error(`${json!.name} lists weight file ${name}: choose it together with ${json!.name}`);
    return fileBytes(file);
  });
  return { model: await fromArtifacts(artifacts, json!.name), bytes };
}

/** Check a model takes 28×28×1 digits and outputs 10 classes; the error names what it found. */
export function checkDigitClassifier(model: tfl.LayersModel, label: string): void {
  checkDigitShapes(label, model.inputs[0]?.shape.slice(1) ?? [], model.outputs[0]?.shape.slice(1) ?? []);
}
