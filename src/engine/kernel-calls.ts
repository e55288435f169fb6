/**
 * Calling a backend's registered kernels directly, below the engine.
 *
 * Our replacement kernels are composed from the backend's own forward kernels (transpose, conv,
 * pad…). Calling them through `tf.*` ops from inside a kernel would re-enter the engine and the
 * gradient tape; instead we look each kernel up in the registry and run it on TensorInfos, the way
 * tfjs backends reuse their own kernel implementations. Every intermediate must be released with
 * `release` (the backend reference-counts data ids; reshape shares one).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

export type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/** The wasm backend's heap access (not part of KernelBackend's public type). */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

/** A backend plus the kernels it had when we wrapped it. */
export class KernelCalls {
  private readonly originals = new Map<string, tf.KernelFunc>();

  constructor(
    readonly backendName: string,
    readonly backend: KernelBackend,
  ) {}

  /** Keep the backend's own implementation of `kernelName` before we replace it. */
  rememberOriginal(kernelName: string): void {
    const config = tf.getKernel(kernelName, this.backendName);
    if (config && !this.originals.has(kernelName)) this.originals.set(kernelName, config.kernelFunc);
  }

  /** Run a kernel: the remembered original if we replaced it, else whatever is registered. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const func = this.originals.get(kernelName) ?? tf.getKernel(kernelName, this.backendName)?.kernelFunc;
    if (!func) throw new Error(`backend '${this.backendName}' has no kernel ${kernelName}`);
    const out = func({ inputs, attrs, backend: this.backend });
    return Array.isArray(out) ? out[0]! : out;
  }

  /** Whether kernels can read and write tensor data in place (the wasm heap). */
  get hasHeap(): boolean {
    const b = this.backend as unknown as Partial<HeapBackend>;
    return typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function';
  }

  /** A new float32 tensor on the heap. Allocation may grow the heap and detach older views: allocate first, then view. */
  makeFloat32(shape: number[]): TensorInfo {
    return (this.backend as unknown as HeapBackend).makeOutput(shape, 'float32');
  }

  /** A view of a float32 tensor's data on the heap, valid until the next allocation. */
  heapView(info: TensorInfo): Float32Array {
    return (this.backend as unknown as HeapBackend).typedArrayFromHeap(info);
  }

  release(...infos: TensorInfo[]): void {
    for (const info of infos) this.backend.disposeData(info.dataId);
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  pad(x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run('Reverse', { x }, { dims });
  }

  sum(x: TensorInfo, axis: number[]): TensorInfo {
    return this.run('Sum', { x }, { axis, keepDims: false });
  }

  add(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('Add', { a, b });
  }

  conv2d(x: TensorInfo, filter: TensorInfo, strides: [number, number], dilations: [number, number], pad: Pad4): TensorInfo {
    return this.run(
      'Conv2D',
      { x, filter },
      { strides, dilations, pad: pad as unknown as number[][], dataFormat: 'NHWC', dimRoundingMode: undefined as unknown as string },
    );
  }

  depthwiseConv2d(
    x: TensorInfo,
    filter: TensorInfo,
    strides: [number, number],
    dilations: [number, number],
    pad: Pad4,
  ): TensorInfo {
    return this.run(
      'DepthwiseConv2dNative',
      { x, filter },
      { strides, dilations, pad: pad as unknown as number[][], dataFormat: 'NHWC', dimRoundingMode: undefined as unknown as string },
    );
  }
}

/** Run `body` and release every TensorInfo it registered with `keep` except the returned one. */
export function scoped(calls: KernelCalls, body: (keep: (t: TensorInfo) => TensorInfo) => TensorInfo): TensorInfo {
  const temps: TensorInfo[] = [];
  const result = body((t) => {
    temps.push(t);
    return t;
  });
  calls.release(...temps.filter((t) => t !== result));
  return result;
}

/** NHWC explicit-padding attribute from per-side amounts. */
export function explicitPad(top: number, bottom: number, left: number, right: number): Pad4 {
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}
