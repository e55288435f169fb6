/**
 * Storage of a model saved as .snn: every layer gets the exact bytes its tensor records take in the
 * file (measured by the reader), and its kernel's stored form decides the rest of the energy
 * model — sparse kernels skip the MACs of their zeros, affine-quantized kernels compute in integers
 * at their width, float16 kernels in float16, codebook kernels on their float32 centroids. Pure.
 */
import type { SnnEncoding, SnnTensor } from '../format/spec.js';
import type { ModelDescription } from './description.js';
import { FLOAT32, type Arithmetic, type StoragePlan, type StorageSpec, type TensorStorage } from './storage.js';

/** The storage class of one stored tensor (its value width, codebook/scale overhead and gap width). */
export function tensorStorageOf(encoding: SnnEncoding): TensorStorage {
  const v = encoding.values;
  const indexBits = encoding.sparse?.gapBits ?? 0;
  const sparse = indexBits > 0 ? { indexBits } : {};
  switch (v.kind) {
    case 'float32':
      return { bits: 32, ...sparse };
    case 'float16':
      return { bits: 16, ...sparse };
    case 'affine':
      return { bits: v.bits, overheadBits: 64 * v.scales.length, ...sparse };
    case 'codebook':
      return { bits: Math.max(1, Math.ceil(Math.log2(v.centroids.length))), overheadBits: 32 * v.centroids.length, ...sparse };
  }
}

/** The precision a kernel stored this way multiplies at. */
export function arithmeticOf(encoding: SnnEncoding): Arithmetic {
  const v = encoding.values;
  if (v.kind === 'affine') return { type: 'int', bits: v.bits };
  if (v.kind === 'float16') return { type: 'float', bits: 16 };
  return { type: 'float', bits: 32 };
}

/**
 * A storage plan for a decoded .snn model: per layer, the exact bits of its tensor records (header,
 * parameters and streams, as `decodeSnn` measured them) and the kernel's stored form. Weights not
 * in the file, or tensors that were not read from one, fall back to float32 estimates.
 *
 * @example
 * const snn = decodeSnn(bytes);
 * const plan = storagePlanFromSnn(snn, describeModel(await snnToLayersModel(snn)));
 */
export function storagePlanFromSnn(snn: { tensors: readonly SnnTensor[] }, description: ModelDescription): StoragePlan {
  const tensors = new Map(snn.tensors.map((t) => [t.name, t]));
  const layers: Record<string, StorageSpec> = {};
  for (const layer of description.layers) {
    if (layer.weights.length === 0) continue;
    let exactBits = 0;
    let kernel: SnnTensor | undefined;
    let aux: SnnTensor | undefined;
    for (const w of layer.weights) {
      const t = tensors.get(w.name);
      exactBits += t?.recordBytes === undefined ? w.size * 32 : t.recordBytes * 8;
      if (w.role === 'kernel') kernel ??= t;
      else aux ??= t;
    }
    layers[layer.name] = {
      kernel: kernel === undefined ? FLOAT32.kernel : tensorStorageOf(kernel.encoding),
      aux: aux === undefined ? FLOAT32.aux : tensorStorageOf(aux.encoding),
      arithmetic: kernel === undefined ? FLOAT32.arithmetic : arithmeticOf(kernel.encoding),
      exactBits,
    };
  }
  return { default: FLOAT32, layers };
}
