/**
 * BatchMatMul with transposeA/transposeB on wasm runs ~10× slower than an explicit transpose
 * followed by a plain matmul (the dense-layer gradients use exactly these flags), so we route
 * transposed products through Transpose + the backend's own BatchMatMul.
 */
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelCalls, scoped } from './kernel-calls.js';

/** inputs {a, b}; attrs {transposeA, transposeB}. Operands of rank ≥ 2 ([...batch, rows, cols]). */
export function batchMatMulExplicitTranspose(calls: KernelCalls, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const a = inputs['a']!;
  const b = inputs['b']!;
  const transposeA = attrs['transposeA'] === true;
  const transposeB = attrs['transposeB'] === true;
  if (!transposeA && !transposeB) return calls.run('BatchMatMul', inputs, attrs);
  return scoped(calls, (keep) => {
    const left = transposeA ? keep(calls.transpose(a, swapLastTwo(a.shape.length))) : a;
    const right = transposeB ? keep(calls.transpose(b, swapLastTwo(b.shape.length))) : b;
    return keep(calls.run('BatchMatMul', { a: left, b: right }, { transposeA: false, transposeB: false }));
  });
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}
