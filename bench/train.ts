/**
 * `npm run bench:train -- [--json] [--steps N]`: LeNet-5 training throughput and inference latency,
 * side by side in one run — smallnets (wasm + our kernels), stock TF.js cpu backend, and PyTorch CPU
 * (2 threads) when Debian's python3-torch is installed. Medians after warm-up.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName } from '../src/engine/backend.js';
import { lenet5 } from '../src/models/lenet.js';
import { createParallelStep, createTrainStep, makeOptimizer } from '../src/training/train.js';
import { GradientWorker } from '../src/training/data-parallel.js';
import { renderTable } from '../src/analysis/text-table.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const steps = Number(args[args.indexOf('--steps') + 1]) || 20;
const BATCH = 64;
const WARMUP = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function randomBatch(n: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => ({
    xs: tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D,
    ys: tf.oneHot(tf.randomUniform([n], 0, 10, 'int32', 2), 10).toFloat() as tf.Tensor2D,
  }));
}

async function measureTfjs(
  backend: BackendName,
  trainSteps: number,
  warmup: number,
  latencyReps: { batch1: number; batch64: number },
  threads = 1,
) {
  await initBackend(backend);
  const model = lenet5(1);
  const { xs, ys } = randomBatch(BATCH);
  const worker = threads === 2 ? await GradientWorker.start(model, BATCH) : undefined;
  const step = worker
    ? (() => {
        const parallel = createParallelStep(model, makeOptimizer('adam', 1e-3), worker);
        const pixels = xs.dataSync() as Float32Array;
        const labels = Array.from(tf.argMax(ys, -1).dataSync());
        return () => parallel(pixels, labels, [28, 28, 1]);
      })()
    : (() => {
        const single = createTrainStep(model, makeOptimizer('adam', 1e-3));
        return (a: tf.Tensor, b: tf.Tensor2D) => single(a, b);
      })();
  for (let i = 0; i < warmup; i++) step(xs, ys);
  const times: number[] = [];
  for (let i = 0; i < trainSteps; i++) {
    const t = performance.now();
    step(xs, ys);
    times.push(performance.now() - t);
  }
  const latency = (n: number, reps: number) => {
    const x = tf.randomUniform([n, 28, 28, 1]);
    const run = () => tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    for (let i = 0; i < warmup; i++) run();
    const ts: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      run();
      ts.push(performance.now() - t);
    }
    x.dispose();
    return median(ts);
  };
  const stepMs = median(times);
  const result = {
    stepMs,
    imagesPerSecond: (BATCH * 1000) / stepMs,
    latencyMsBatch1: latency(1, latencyReps.batch1),
    latencyMsBatch64: latency(BATCH, latencyReps.batch64),
  };
  tf.dispose([xs, ys]);
  await worker?.close();
  model.dispose();
  return result;
}

function measurePytorch(): { imagesPerSecond: number; stepMs: number; latencyMsBatch1: number; latencyMsBatch64: number; torch: string } | null {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    process.stderr.write('PyTorch not found: install Debian\'s python3-torch (apt-get install -y python3-torch) to compare.\n');
    return null;
  }
  const script = fileURLToPath(new URL('./pytorch_lenet5.py', import.meta.url));
  const out = execFileSync('/usr/bin/python3', [script, '2', String(BATCH), String(WARMUP), String(steps)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

process.stderr.write(`LeNet-5, batch ${BATCH}: ${WARMUP} warm-up steps, median of ${steps} timed steps\n`);
const smallnets1 = await measureTfjs('wasm', steps, WARMUP, { batch1: 50, batch64: 20 });
process.stderr.write(`smallnets (wasm, 1 thread): ${smallnets1.stepMs.toFixed(1)} ms/step\n`);
const smallnets = await measureTfjs('wasm', steps, WARMUP, { batch1: 50, batch64: 20 }, 2);
process.stderr.write(`smallnets (wasm, 2 threads): ${smallnets.stepMs.toFixed(1)} ms/step\n`);
// The stock cpu backend takes ~20 s per training step: one warm-up step and one timed one.
const tfjsCpu = await measureTfjs('cpu', 1, 1, { batch1: 5, batch64: 1 });
process.stderr.write(`tfjs cpu: ${tfjsCpu.stepMs.toFixed(0)} ms/step\n`);
const pytorch = measurePytorch();

const rows = [
  ['smallnets (wasm + smallnets kernels, 2 threads, data-parallel)', smallnets],
  ['smallnets (wasm + smallnets kernels, 1 thread)', smallnets1],
  ['TF.js stock cpu backend', tfjsCpu],
  ...(pytorch ? [[`PyTorch ${pytorch.torch} CPU, 2 threads`, pytorch] as const] : []),
] as const;
process.stderr.write(
  renderTable(
    ['runtime', 'train ms/step', 'train images/s', 'vs PyTorch', 'infer ms (batch 1)', 'infer ms (batch 64)'],
    rows.map(([name, r]) => [
      name,
      Number(r.stepMs.toFixed(1)),
      Math.round(r.imagesPerSecond),
      pytorch ? `${(r.imagesPerSecond / pytorch.imagesPerSecond).toFixed(2)}×` : '–',
      Number(r.latencyMsBatch1.toFixed(2)),
      Number(r.latencyMsBatch64.toFixed(2)),
    ]),
  ) + '\n',
);
const result = {
  smallnetsImagesPerSecond: Math.round(smallnets.imagesPerSecond),
  smallnetsOneThreadImagesPerSecond: Math.round(smallnets1.imagesPerSecond),
  tfjsCpuImagesPerSecond: Number(tfjsCpu.imagesPerSecond.toFixed(2)),
  pytorchImagesPerSecond: pytorch ? Math.round(pytorch.imagesPerSecond) : null,
  ratioVsPytorch: pytorch ? Number((smallnets.imagesPerSecond / pytorch.imagesPerSecond).toFixed(3)) : null,
  ratioVsTfjsCpu: Number((smallnets.imagesPerSecond / tfjsCpu.imagesPerSecond).toFixed(1)),
  latencyMs: {
    smallnets: { batch1: smallnets.latencyMsBatch1, batch64: smallnets.latencyMsBatch64 },
    tfjsCpu: { batch1: tfjsCpu.latencyMsBatch1, batch64: tfjsCpu.latencyMsBatch64 },
    pytorch: pytorch ? { batch1: pytorch.latencyMsBatch1, batch64: pytorch.latencyMsBatch64 } : null,
  },
};
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
