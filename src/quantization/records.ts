/**
 * What stripping a quantized model hands to the .snn encoder: for every quantized kernel its grid
 * (bits, per-channel scales and integer zero points) and the integer code of every element, in the
 * affine form of src/format/spec.ts — value = fround((code − zeroPoint) · scale), code ∈ [0, 2^bits − 1],
 * channel = element index mod the last dimension. The same facts (without the codes, which follow
 * from the values) are stored in the stripped model's userDefinedMetadata under `quantization`, so a
 * model saved by `smallnets quantize` can be encoded later without guessing its grid.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { AffineGrid } from './fake-quant.js';

export interface QuantizedWeight {
  /** Layer name, e.g. "conv1". */
  layer: string;
  /** Weight name as saved in model.json, e.g. "conv1/kernel". */
  weight: string;
  shape: number[];
  bits: number;
  symmetric: boolean;
  perChannel: boolean;
  /** One per channel of the last axis (length 1 when per-tensor). */
  scales: Float32Array;
  zeroPoints: Int32Array;
  /** The code of every element (row-major); value = fround((code − zeroPoint) · scale). */
  codes: Uint8Array;
}

/** A frozen activation range: the layer's output is quantized on this asymmetric grid. */
export interface ActivationRange {
  layer: string;
  bits: number;
  min: number;
  max: number;
  scale: number;
  zeroPoint: number;
}

/** What stripping a quantized model reports: the grid and codes of every kernel, the activation ranges. */
export interface QuantizationReport {
  weights: QuantizedWeight[];
  activations: ActivationRange[];
}

/** A plain stock-layer model with quantized values baked into its kernels, plus the report. */
export interface QuantizedModel {
  model: tfl.LayersModel;
  report: QuantizationReport;
}

/** The JSON stored in userDefinedMetadata.quantization. */
export interface QuantizationMetadata {
  weights: Array<Omit<QuantizedWeight, 'codes' | 'scales' | 'zeroPoints'> & { scales: number[]; zeroPoints: number[] }>;
  activations: ActivationRange[];
}

export function gridArrays(grids: readonly AffineGrid[]): { scales: Float32Array; zeroPoints: Int32Array } {
  return { scales: Float32Array.from(grids, (g) => g.scale), zeroPoints: Int32Array.from(grids, (g) => g.zeroPoint) };
}

export function quantizationMetadata(weights: readonly QuantizedWeight[], activations: readonly ActivationRange[]): QuantizationMetadata {
  return {
    weights: weights.map((w) => ({
      layer: w.layer,
      weight: w.weight,
      shape: w.shape,
      bits: w.bits,
      symmetric: w.symmetric,
      perChannel: w.perChannel,
      scales: Array.from(w.scales),
      zeroPoints: Array.from(w.zeroPoints),
    })),
    activations: [...activations],
  };
}

/** Read userDefinedMetadata.quantization back (null when the model carries none). */
export function readQuantizationMetadata(model: tfl.LayersModel): QuantizationMetadata | null {
  const metadata = model.getUserDefinedMetadata() as { quantization?: QuantizationMetadata } | undefined;
  return metadata?.quantization ?? null;
}
