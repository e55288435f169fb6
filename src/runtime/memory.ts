/**
 * The engine's linear memory and the kernels bound to it: a WebAssembly.Memory with the SIMD module's
 * exports, or an ArrayBuffer with the JS kernels. Both grow on demand (only when a larger batch than
 * ever before arrives) and keep their contents; typed views are refreshed after growth.
 */
import { RuntimeError } from '../errors.js';
import type { Kernels } from './kernels/api.js';
import { jsKernels } from './kernels/js/index.js';

export type EngineKind = 'wasm-simd' | 'js';

export interface EngineMemory {
  readonly kind: EngineKind;
  /** Wasm kernels built with relaxed SIMD (absent or false otherwise). */
  readonly relaxedSimd?: boolean;
  kernels: Kernels;
  f32: Float32Array;
  /** Make at least `bytes` bytes addressable. */
  ensure(bytes: number): void;
  readonly byteLength: number;
  /** The underlying buffer (a SharedArrayBuffer when threads share it). */
  readonly buffer: ArrayBufferLike;
}

/** wasm32 addresses end at 4 GiB; V8 allows up to 65536 pages. */
export const MAX_MEMORY_BYTES = 2 ** 32 - 65536;
const PAGE = 65536;

function checkSize(bytes: number): void {
  if (bytes > MAX_MEMORY_BYTES) throw new RuntimeError(`the model needs ${bytes} bytes of memory, more than WebAssembly's 4 GiB`);
}

/** Pure-JS engine memory (no WebAssembly needed). */
export class JsMemory implements EngineMemory {
  readonly kind = 'js' as const;
  kernels: Kernels;
  f32: Float32Array;
  private data: ArrayBuffer;

  constructor(bytes: number) {
    checkSize(bytes);
    this.data = new ArrayBuffer(bytes);
    this.f32 = new Float32Array(this.data);
    this.kernels = jsKernels(this.data);
  }

  get byteLength(): number {
    return this.data.byteLength;
  }
  get buffer(): ArrayBufferLike {
    return this.data;
  }

  ensure(bytes: number): void {
    if (bytes <= this.data.byteLength) return;
    checkSize(bytes);
    const next = new ArrayBuffer(bytes);
    new Uint8Array(next).set(new Uint8Array(this.data));
    this.data = next;
    this.f32 = new Float32Array(next);
    this.kernels = jsKernels(next);
  }
}

/** Memory of an instantiated kernel module (the instance's exports are the kernels). */
export class WasmMemory implements EngineMemory {
  readonly kind = 'wasm-simd' as const;
  f32: Float32Array;

  constructor(
    readonly memory: WebAssembly.Memory,
    public kernels: Kernels,
    /** The kernels are the relaxed-SIMD build (fused multiply-adds). */
    readonly relaxedSimd = false,
  ) {
    this.f32 = new Float32Array(memory.buffer);
  }

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }
  get buffer(): ArrayBufferLike {
    return this.memory.buffer;
  }

  ensure(bytes: number): void {
    checkSize(bytes);
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      try {
        this.memory.grow(Math.ceil((bytes - have) / PAGE));
      } catch {
        throw new RuntimeError(`cannot grow WebAssembly memory to ${bytes} bytes`);
      }
    }
    if (this.f32.buffer !== this.memory.buffer || this.f32.length * 4 !== this.memory.buffer.byteLength) this.f32 = new Float32Array(this.memory.buffer);
  }
}

export const pagesFor = (bytes: number): number => Math.ceil(bytes / PAGE);
