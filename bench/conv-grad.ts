/**
 * `npm run bench:conv-grad -- [--json] [--batch N] [--case I]`: the two forms of the Conv2D input gradient on
 * the wasm backend, side by side on the same tensors — as a forward convolution of the padded,
 * upsampled dy with the flipped filter, and as dy·Wᵀ + col2im (src/engine/conv2d-grad-gemm.ts) —
 * plus the filter gradient and the forward convolution for scale, and which form 'auto' picks.
 * Medians of 15 runs after 3 warm-up runs, milliseconds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/backend.js';
import { setConvGradStrategy, type ConvGradStrategy } from '../src/engine/conv2d-grad-gemm.js';
import { renderTable } from '../src/analysis/text-table.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const batchIndex = args.indexOf('--batch');
const BATCH = batchIndex >= 0 ? Number(args[batchIndex + 1]) : 32;
const caseIndex = args.indexOf('--case');
/** One case only (its JSON is then a flat object, one row of docs/results.md). */
const ONLY = caseIndex >= 0 ? Number(args[caseIndex + 1]) : null;

type Shape4 = [number, number, number, number];
const CASES: Array<{ name: string; x: Shape4; f: Shape4; stride: number; pad: 'valid' | 'same' }> = [
  { name: 'LeNet-5 conv1 (5×5 valid)', x: [BATCH, 28, 28, 1], f: [5, 5, 1, 20], stride: 1, pad: 'valid' },
  { name: 'LeNet-5 conv2 (5×5 valid)', x: [BATCH, 12, 12, 20], f: [5, 5, 20, 50], stride: 1, pad: 'valid' },
  { name: '3×3 same, stride 1, 16×16×32→32', x: [BATCH, 16, 16, 32], f: [3, 3, 32, 32], stride: 1, pad: 'same' },
  { name: '3×3 same, stride 2, 16×16×32→64', x: [BATCH, 16, 16, 32], f: [3, 3, 32, 64], stride: 2, pad: 'same' },
];

function medianMs(run: () => tf.Tensor): number {
  for (let i = 0; i < 3; i++) run().dispose();
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    const out = run();
    out.dataSync();
    times.push(performance.now() - start);
    out.dispose();
  }
  times.sort((a, b) => a - b);
  return times[7]!;
}

if (ONLY !== null && !(Number.isInteger(ONLY) && ONLY >= 0 && ONLY < CASES.length)) {
  process.stderr.write(`bench:conv-grad: --case must be an integer in [0, ${CASES.length - 1}]\n`);
  process.exit(2);
}
await initBackend('wasm');
const results = (ONLY === null ? CASES : [CASES[ONLY]!]).map((c) => {
  const x = tf.randomNormal(c.x) as tf.Tensor4D;
  const f = tf.randomNormal(c.f) as tf.Tensor4D;
  const dy = tf.randomNormal(tf.conv2d(x, f, c.stride, c.pad).shape);
  const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC' };
  const inputGrad = (strategy: ConvGradStrategy) => {
    setConvGradStrategy(strategy);
    return medianMs(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: c.x }) as tf.Tensor);
  };
  const conv = inputGrad('conv');
  const gemm = inputGrad('gemm');
  const auto = inputGrad('auto');
  setConvGradStrategy('auto');
  const filterGrad = medianMs(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.f }) as tf.Tensor);
  const forward = medianMs(() => tf.conv2d(x, f, c.stride, c.pad));
  tf.dispose([x, f, dy]);
  return { name: c.name, forwardMs: forward, inputGradConvMs: conv, inputGradGemmMs: gemm, inputGradAutoMs: auto, speedup: conv / gemm, filterGradMs: filterGrad };
});

process.stderr.write(`${renderTable(
  ['layer (batch ' + BATCH + ')', 'forward', 'dx as conv', 'dx as GEMM + col2im', 'conv / GEMM', 'auto', 'dW'],
  results.map((r) => [r.name, r.forwardMs.toFixed(2), r.inputGradConvMs.toFixed(2), r.inputGradGemmMs.toFixed(2), `${r.speedup.toFixed(2)}×`, r.inputGradAutoMs.toFixed(2), r.filterGradMs.toFixed(2)]),
)}\n`);
if (json) {
  const result = ONLY === null ? { results } : results[0];
  process.stdout.write(`${JSON.stringify({ command: 'bench:conv-grad', batch: BATCH, ...result })}\n`);
}
