// AssemblyScript entry of kernels.wasm: the kernel set of ../kernels/api.ts (same names, same arguments).
// Built by scripts/build-wasm.mjs with SIMD128, an imported memory and no runtime (kernels never allocate).
export { gemm, gemmCodebook, gemmQ8 } from './gemm';
export { gemmI8 } from './gemm-int8';
export { spmm } from './sparse';
export { spmmConv } from './sparse-conv';
export { im2col, depthwise } from './conv';
export { pool, globalPool } from './pool';
export { add, channelAffine, clamp, softmax, copyRows, zeroPad } from './elementwise';
export { convDense } from './conv-direct';
