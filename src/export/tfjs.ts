/**
 * tf.layers model → TF.js LayersModel files (model.json + weights.bin), optionally with the TF.js
 * converter's weight quantization (uint8 / uint16 / float16 per tensor, recorded in the manifest's
 * `quantization` field). Stock `tf.loadLayersModel` loads the result anywhere (browser included) and
 * dequantizes to float32 at load, so quantized files are smaller to download, not faster to run.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { concatBytes } from '../format/bytes.js';
import { MODEL_JSON, WEIGHTS_BIN, modelArtifacts } from '../models/io.js';
import { writeDirAtomic } from '../models/atomic-write.js';
import { dequantizeLikeTfjs, quantizeLikeConverter, type TfjsQuantization } from './tfjs-quantize.js';

export interface TfjsExportOptions {
  /** Quantize every float32 weight like `tensorflowjs_converter --quantize_{uint8,uint16,float16}`. */
  quantize?: TfjsQuantization;
}

export type TfjsFiles = { [MODEL_JSON]: string; [WEIGHTS_BIN]: Uint8Array };

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * The files of `model` in the TF.js LayersModel format.
 * @example
 * const files = await exportTfjs(lenet5(), { quantize: 'uint8' });
 * await writeDirAtomic('out/lenet5-uint8', files);
 */
export async function exportTfjs(model: tfl.LayersModel, options: TfjsExportOptions = {}): Promise<TfjsFiles> {
  return tfjsFiles(await modelArtifacts(model), options);
}

/** Same as exportTfjs, from in-memory artifacts (e.g. a model read with loadModelArtifacts). */
export function tfjsFiles(artifacts: tf.io.ModelArtifacts, options: TfjsExportOptions = {}): TfjsFiles {
  const data = artifacts.weightData ? new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)) : new Uint8Array();
  const specs = artifacts.weightSpecs ?? [];
  const chunks: Uint8Array[] = [];
  const entries: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const stored = storedBytes(spec, count);
    if (offset + stored > data.byteLength) throw new Error(`weight data ends before ${spec.name}`);
    const raw = data.subarray(offset, offset + stored);
    offset += stored;
    const { quantization: _previous, ...plain } = spec;
    if (spec.dtype !== 'float32' || !options.quantize) {
      // Non-float weights are never quantized (as the converter); float ones pass through as float32.
      const bytes = spec.quantization ? floatBytes(floatValues(raw, count, spec)) : raw;
      chunks.push(bytes);
      entries.push(plain);
      continue;
    }
    const q = quantizeLikeConverter(floatValues(raw, count, spec), options.quantize);
    chunks.push(q.bytes);
    entries.push({ ...plain, quantization: q.quantization });
  }
  const weights = concatBytes(chunks);
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: 'smallnets',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: entries }],
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
  return { [MODEL_JSON]: JSON.stringify(modelJson), [WEIGHTS_BIN]: weights };
}

/** Write `model` as a TF.js directory atomically; returns the bytes written. */
export async function saveTfjs(model: tfl.LayersModel, dir: string, options: TfjsExportOptions & { force?: boolean } = {}): Promise<number> {
  const files = await exportTfjs(model, options);
  await writeDirAtomic(dir, files, options.force);
  return Buffer.byteLength(files[MODEL_JSON]) + files[WEIGHTS_BIN].byteLength;
}

function storedBytes(spec: tf.io.WeightsManifestEntry, count: number): number {
  if (spec.quantization) return count * (spec.quantization.dtype === 'uint8' ? 1 : 2);
  const per = BYTES_PER_ELEMENT[spec.dtype];
  if (per === undefined) throw new Error(`weight ${spec.name} has unsupported dtype ${spec.dtype}`);
  return count * per;
}

/** Float32 values of a stored weight (dequantizing an already quantized one). */
function floatValues(raw: Uint8Array, count: number, spec: tf.io.WeightsManifestEntry): Float32Array {
  const q = spec.quantization;
  if (q) {
    if (q.dtype !== 'uint8' && q.dtype !== 'uint16' && q.dtype !== 'float16') throw new Error(`weight ${spec.name}: unsupported quantization ${q.dtype}`);
    return dequantizeLikeTfjs(raw, count, { dtype: q.dtype, min: q.min, scale: q.scale, original_dtype: 'float32' });
  }
  const copy = new Uint8Array(raw); // aligned copy
  return new Float32Array(copy.buffer, 0, count);
}

function floatBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

