/**
 * One way to open a model, whatever it is: a TF.js LayersModel (directory, model.json or URL), a
 * .snn file or URL, an .onnx file, or a zoo spec (`lenet5`, `mobilenet_v1:0.25:128`). Files are
 * recognized by their first bytes, not their names, and every format's size cap is enforced
 * before its bytes are held. Every command and library entry that takes "a model" comes here.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError, UsageError } from '../errors.js';
import type { Split } from '../data/split.js';
import { decodeSnn, type SnnModel } from '../format/index.js';
import { FILE_KIND_NAMES, SNIFF_BYTES, detectFileKind } from '../models/detect-format.js';
import type { ModelFamily } from '../models/imagenet.js';
import { buildLayersModel, loadModelArtifacts } from '../models/io.js';
import { isUrl, readHead, readLocation } from '../models/read-bytes.js';
import { MAX_SNN_FILE_BYTES, snnToLayersModel } from '../models/snn-model.js';
import { ZOO_SPEC_FORMS, loadZooModel, looksLikeZooSpec, parseZooSpec, zooFamily } from '../models/zoo.js';
import { evaluateAccuracy } from '../training/evaluate.js';

/** ONNX files larger than this are refused before reading (protobuf itself stops at 2 GiB). */
export const MAX_ONNX_FILE_BYTES = 1 << 30;

export type ModelFormat = 'tfjs' | 'snn' | 'onnx' | 'zoo';

export interface OpenedModel {
  /** What the caller passed. */
  location: string;
  format: ModelFormat;
  /** The tf.layers model; null only for ONNX, which runs on onnxruntime. */
  layers: tfl.LayersModel | null;
  /** The decoded container, when the format is .snn (its stored encodings size and run the model). */
  snn: SnnModel | null;
  /** The TF.js weight manifest as stored (converter-quantized dtypes), when the format is TF.js. */
  weightSpecs: tf.io.WeightsManifestEntry[] | null;
  /** The ONNX file's bytes, when the format is ONNX. */
  onnx: Uint8Array | null;
  /** Known from a zoo spec or a Keras-style model name (mobilenet_1.00_224, …). */
  family: ModelFamily | undefined;
  /** A zoo model whose weights are the published pretrained ones (false: random, as built). */
  pretrained: boolean;
  /** Weight elements, as Keras counts parameters. */
  params: number;
  /** The (first) input's shape, batch dimension first (null = any). */
  inputShape: (number | null)[];
  /** Classification accuracy on a split (TF.js for layers models, onnxruntime for ONNX). */
  evaluate(split: Split): Promise<number>;
  dispose(): void;
}

/** A model whose tf.layers form exists (every format but ONNX). */
export type OpenedLayersModel = OpenedModel & { layers: tfl.LayersModel };

/** The family a model's name gives away (Keras names: mobilenet_1.00_224, mobilenetv2_…, squeezenet_…). */
export function familyFromName(name: string): ModelFamily | undefined {
  if (/^mobilenetv2/i.test(name)) return 'mobilenet_v2';
  if (/^mobilenet/i.test(name)) return 'mobilenet';
  if (/^squeezenet/i.test(name)) return 'squeezenet';
  if (/^lenet/i.test(name)) return 'lenet';
  return undefined;
}

function fromLayers(location: string, format: ModelFormat, layers: tfl.LayersModel, extra: Partial<Omit<OpenedModel, 'layers'>> = {}): OpenedLayersModel {
  return {
    location, format, layers, snn: null, weightSpecs: null, onnx: null, pretrained: false,
    family: familyFromName(layers.name),
    params: layers.countParams(),
    inputShape: [...layers.inputs[0]!.shape],
    evaluate: async (split) => evaluateAccuracy(layers, split),
    dispose: () => layers.dispose(),
    ...extra,
  };
}

async function openSnn(location: string, bytes: Uint8Array): Promise<OpenedLayersModel> {
  const snn = decodeSnn(bytes);
  return fromLayers(location, 'snn', await snnToLayersModel(snn), { snn });
}

async function openOnnx(location: string, bytes: Uint8Array): Promise<OpenedModel> {
  const { onnxModelInfo, evaluateOnnx } = await import('../export/onnx-run.js');
  const info = onnxModelInfo(bytes, location);
  return {
    location, format: 'onnx', layers: null, snn: null, weightSpecs: null, onnx: bytes, family: undefined, pretrained: false,
    params: info.params,
    inputShape: info.inputShape,
    evaluate: (split) => evaluateOnnx(bytes, split, 500, location),
    dispose: () => undefined,
  };
}

async function openTfjs(location: string): Promise<OpenedLayersModel> {
  const artifacts = await loadModelArtifacts(location);
  const layers = await buildLayersModel(artifacts, location);
  return fromLayers(location, 'tfjs', layers, { weightSpecs: artifacts.weightSpecs ?? [] });
}

async function openZoo(location: string): Promise<OpenedLayersModel> {
  const spec = parseZooSpec(location);
  const layers = await loadZooModel(spec);
  return fromLayers(location, 'zoo', layers, { family: zooFamily(spec), pretrained: spec.family === 'mobilenet_v1' && spec.weights !== undefined });
}

/** Open a URL: .snn and .onnx by their bytes, anything else as a TF.js model.json or directory. */
async function openUrl(location: string): Promise<OpenedModel> {
  const pathname = new URL(location).pathname.toLowerCase();
  if (pathname.endsWith('.snn') || pathname.endsWith('.onnx')) {
    const cap = pathname.endsWith('.snn') ? MAX_SNN_FILE_BYTES : MAX_ONNX_FILE_BYTES;
    const bytes = await readLocation(location, 'model', cap);
    const kind = detectFileKind(bytes.subarray(0, SNIFF_BYTES));
    if (kind === 'snn') return openSnn(location, bytes);
    if (kind === 'onnx') return openOnnx(location, bytes);
    throw new RuntimeError(`${location} is ${FILE_KIND_NAMES[kind]}, not a .snn or ONNX model`);
  }
  return openTfjs(location);
}

/** Open a local file or directory by what its bytes say it is. */
async function openPath(location: string): Promise<OpenedModel> {
  if ((await stat(location)).isDirectory()) return openTfjs(location);
  const sniffed = detectFileKind(await readHead(location, SNIFF_BYTES, 'model'));
  // The bytes decide; the name only says which decoder should explain why unknown bytes are wrong.
  const named = /\.snn$/i.test(location) ? 'snn' : /\.onnx$/i.test(location) ? 'onnx' : undefined;
  const kind = sniffed === 'unknown' && named ? named : sniffed;
  switch (kind) {
    case 'snn':
      return openSnn(location, await readLocation(location, 'model', MAX_SNN_FILE_BYTES));
    case 'onnx':
      return openOnnx(location, await readLocation(location, 'model', MAX_ONNX_FILE_BYTES));
    case 'json':
      return openTfjs(location);
    default:
      throw new RuntimeError(`${location} is ${FILE_KIND_NAMES[kind]}; give a TF.js model directory or model.json, a .snn or an .onnx file`);
  }
}

/**
 * Open any model smallnets understands. An existing path wins over a zoo name, so a directory
 * called "lenet5" still loads. Unknown names are a UsageError listing the zoo forms.
 * @example
 * const opened = await openModel('lenet5.snn');
 * console.log(opened.format, opened.params); // 'snn' 431080
 */
export async function openModel(location: string): Promise<OpenedModel> {
  if (isUrl(location)) return openUrl(location);
  if (existsSync(location)) return openPath(location);
  if (looksLikeZooSpec(location)) return openZoo(location);
  if (!/[\\/.]/.test(location)) {
    throw new UsageError(`unknown model '${location}': not a file, directory, URL or zoo spec (${ZOO_SPEC_FORMS.join(', ')})`);
  }
  throw new RuntimeError(`model ${location} does not exist`);
}

/**
 * Open a model that must have a tf.layers form (to train, prune, restructure or export it).
 * ONNX is refused with a message naming the format.
 */
export async function openLayersModel(location: string): Promise<OpenedLayersModel> {
  const opened = await openModel(location);
  if (opened.layers === null) {
    opened.dispose();
    throw new RuntimeError(`${location} is ${FILE_KIND_NAMES.onnx}; this needs a TF.js model or a .snn file (ONNX is an export target, not a source)`);
  }
  return opened as OpenedLayersModel;
}
