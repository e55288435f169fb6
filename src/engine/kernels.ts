/**
 * The kernels smallnets registers on the wasm backend — one table, one contract: TF.js kernel
 * names (tfjs-core kernel_names) with the implementation that replaces or adds them.
 */
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelCalls } from './kernel-calls.js';
import { conv2dBackpropFilter, conv2dBackpropInput } from './conv2d-grad.js';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from './depthwise-grad.js';
import { batchMatMulExplicitTranspose } from './matmul.js';
import { maxPoolGradKernel } from './maxpool-grad.js';

export interface ReplacedKernel {
  kernelName: string;
  /** Why we register it: missing on wasm, or faster than wasm's own. */
  reason: 'missing' | 'faster';
  run(calls: KernelCalls, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo;
}

export const REPLACED_KERNELS: readonly ReplacedKernel[] = [
  { kernelName: 'Conv2DBackpropFilter', reason: 'missing', run: conv2dBackpropFilter },
  { kernelName: 'Conv2DBackpropInput', reason: 'faster', run: conv2dBackpropInput },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', reason: 'missing', run: depthwiseBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', reason: 'missing', run: depthwiseBackpropInput },
  { kernelName: 'BatchMatMul', reason: 'faster', run: batchMatMulExplicitTranspose },
  { kernelName: 'MaxPoolGrad', reason: 'faster', run: maxPoolGradKernel },
];
