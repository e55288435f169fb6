/**
 * A decoded .snn (SnnModel) as a tf.layers model, and its quantized tensors as ONNX
 * DequantizeLinear parameters.
 *
 * Tensor names in the .snn are the TF.js manifest weight names (`conv1/kernel`, …) and the topology
 * is the TF.js `modelTopology`, so the model is rebuilt through stock tf.loadLayersModel.
 *
 * .snn encoding → ONNX (snnWeightQuantization):
 *   affine b bits, per tensor / per channel → int8 + DequantizeLinear with the same scales (per axis on
 *       the output channel), when every stored value lies on its grid and each channel's used indexes
 *       span ≤ 256 steps (always true for b ≤ 8) — zero points shift so q fits int8; values bit-exact.
 *   codebook → int8 + DequantizeLinear (per tensor) when the centroids (and 0, if pruned) lie on one
 *       evenly spaced grid of ≤ 256 steps; learned codebooks usually do not, and stay float32.
 *   float32 / float16 → float32 initializers (float16 values are exact in float32).
 * Sparse storage does not matter: ONNX stores the dense tensor.
 */
import type { SnnModel, SnnTensor } from '../format/index.js';
import { exactInt8, findInt8Grid, type WeightQuantizationMap } from './onnx-quant.js';

/** How one .snn tensor is stored in the ONNX file. */
export interface SnnOnnxMapping {
  name: string;
  /** The .snn value encoding, e.g. 'affine 6-bit per-channel', 'codebook k=16', 'float32'. */
  snn: string;
  onnx: 'int8 DequantizeLinear' | 'float32';
}

/** DequantizeLinear parameters for the .snn tensors that int8 represents exactly (see the file comment). */
export function snnWeightQuantization(snn: SnnModel): { quantization: WeightQuantizationMap; mapping: SnnOnnxMapping[] } {
  const quantization: WeightQuantizationMap = new Map();
  const mapping: SnnOnnxMapping[] = [];
  for (const t of snn.tensors) {
    const v = t.encoding.values;
    let label: string = v.kind;
    let q = null;
    if (v.kind === 'affine') {
      label = `affine ${v.bits}-bit ${v.perChannel ? 'per-channel' : 'per-tensor'}`;
      if (t.dtype === 'float32') q = exactInt8(t.values, t.shape, v.scales, v.perChannel ? t.shape.length - 1 : null);
    } else if (v.kind === 'codebook') {
      label = `codebook k=${v.centroids.length}`;
      if (t.dtype === 'float32') q = findInt8Grid(t.values, t.shape);
    }
    if (t.encoding.sparse) label += ' sparse';
    if (q) quantization.set(t.name, q);
    mapping.push({ name: t.name, snn: label, onnx: q ? 'int8 DequantizeLinear' : 'float32' });
  }
  return { quantization, mapping };
}
