/**
 * `npm run bench:infer -- [--json] [--case NAME --batch N --threads N] [--roofline]`: inference latency of the
 * smallnets runtime vs TF.js wasm vs onnxruntime-node, side by side in one run (src/pipeline/bench-inference.ts).
 *
 * Cases: the default-recipe compressed LeNets (out/lenet300.snn, out/lenet5.snn, made with `smallnets train` +
 * `smallnets compress` when missing) against the *dense* fp32 ONNX of the same model; MobileNet v1 0.25/128 and
 * MobileNetV2 0.35/128 (random weights) dense, with 90%-pruned pointwise convolutions and classifier, and with 8-bit affine
 * symmetric weights run with integer dot products (cached under out/bench-infer/). `--roofline`: GFLOP/s of the runtime's dense GEMM on one core vs the
 * f32x4 peaks of this machine's wasm engine (bench/wasm/peak.ts: multiply + add, and fused multiply-add with relaxed SIMD). `--bundle`: the browser bundle's
 * bytes beside the TF.js files a browser needs (tfjs-core, tfjs-layers, tfjs-backend-wasm + its SIMD .wasm).
 *
 * Without --case, every case runs at batch 1 and 64 on 1 and 2 threads and a table goes to stderr.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { renderTable } from '../src/analysis/text-table.js';
import type { EncodingHint } from '../src/format/index.js';
import { buildZooModel } from '../src/models/zoo.js';
import { encodeModel, type EncodingHints } from '../src/models/snn-model.js';
import { benchInference, timeRuns } from '../src/pipeline/bench-inference.js';
import { compileKernels, instantiateKernels, relaxedSimdSupported } from '../src/runtime/wasm-module.js';
import { symmetricInt8Hint } from '../src/runtime/reference.test-util.js';
import { flagValue, useRelaxedSimd } from './bench-args.js';

const args = process.argv.slice(2);
const flag = (name: string) => flagValue(args, name);
const json = args.includes('--json');
// The relaxed build unless --no-relaxed-simd; the "SIMD128 ms" column always times the plain build beside it.
useRelaxedSimd(args);
const CACHE = 'out/bench-infer';

type Variant = 'dense' | 'pruned90' | 'int8';
interface Case {
  name: string;
  /** How to produce the .snn (or the zoo spec itself for dense random-weight models). */
  file: () => Promise<string>;
}

function smallnets(...argv: string[]): void {
  execFileSync('node', ['bin/smallnets.js', ...argv], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** out/NAME.snn by the default recipe, trained first when missing (cached). */
function compressedLenet(name: 'lenet300' | 'lenet5'): () => Promise<string> {
  return async () => {
    const file = `out/${name}.snn`;
    if (!existsSync(file)) {
      if (!existsSync(`out/${name}/model.json`)) smallnets('train', name, '--out', `out/${name}`, '--force');
      smallnets('compress', `out/${name}`, '--out', file);
    }
    return file;
  };
}

/** Magnitude-prune `values` in place to keep `keep` of them. */
function prune(values: Float32Array, keep: number): void {
  const sorted = Float32Array.from(values, Math.abs).sort();
  const threshold = sorted[Math.floor((1 - keep) * sorted.length)]!;
  values.forEach((v, i) => (values[i] = Math.abs(v) < threshold ? 0 : v));
}

/** Version of the MobileNet variants' recipe (2: pruned90 prunes the classifier too). */
const RECIPE = 2;

/** A zoo MobileNet with random weights as .snn: dense, 90%-pruned 1×1 convolutions and classifier, or 8-bit affine kernels. */
function mobilenet(spec: string, variant: Variant): () => Promise<string> {
  return async () => {
    // RECIPE retires cached files made by an earlier recipe: bump it when this function changes what it writes.
    const file = path.join(CACHE, `${spec.replace(/:/g, '_')}_${variant}.recipe${RECIPE}.snn`);
    if (existsSync(file)) return file;
    await tf.setBackend('cpu');
    const model = buildZooModel(spec, 1);
    const hints: EncodingHints = {};
    for (const layer of model.layers) {
      for (const w of layer.weights) {
        if (!w.originalName.endsWith('/kernel')) continue;
        // 1×1 convolutions and the classifier: where MobileNets keep their weights (v1's classifier is itself a
        // 1×1 convolution, V2's a Dense layer with 77% of the model's weights). Depthwise and first convs stay dense.
        const pointwise = w.shape.length === 4 && w.shape[0] === 1 && w.shape[1] === 1;
        const classifier = w.shape.length === 2;
        if (variant === 'pruned90' && (pointwise || classifier)) {
          const values = w.read().dataSync() as Float32Array;
          prune(values, 0.1);
          layer.setWeights(layer.weights.map((x) => (x === w ? tf.tensor(values, w.shape as number[]) : x.read())));
          hints[w.originalName] = { sparse: true } satisfies EncodingHint;
        }
        if (variant === 'int8') hints[w.originalName] = symmetricInt8Hint(w.read().dataSync() as Float32Array, w.shape as number[]);
      }
    }
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(file, (await encodeModel(model, hints)).bytes);
    return file;
  };
}

const CASES: Case[] = [
  { name: 'lenet300', file: compressedLenet('lenet300') },
  { name: 'lenet5', file: compressedLenet('lenet5') },
  // Names without spaces: docs/results.md rows are commands split on spaces.
  { name: 'mobilenet_v1:0.25:128', file: mobilenet('mobilenet_v1:0.25:128', 'dense') },
  { name: 'mobilenet_v1:0.25:128/pruned90', file: mobilenet('mobilenet_v1:0.25:128', 'pruned90') },
  { name: 'mobilenet_v1:0.25:128/int8', file: mobilenet('mobilenet_v1:0.25:128', 'int8') },
  { name: 'mobilenet_v2:0.35:128', file: mobilenet('mobilenet_v2:0.35:128', 'dense') },
  { name: 'mobilenet_v2:0.35:128/pruned90', file: mobilenet('mobilenet_v2:0.35:128', 'pruned90') },
  { name: 'mobilenet_v2:0.35:128/int8', file: mobilenet('mobilenet_v2:0.35:128', 'int8') },
];

interface CaseResult {
  model: string;
  batch: number;
  threads: number;
  runtimeMs: number;
  /** Whether runtimeMs ran the relaxed-SIMD (FMA) build. */
  relaxedSimd: boolean;
  /** The same kernels as runtimeMs from the plain SIMD128 build (no fused multiply-add). */
  runtimeSimd128Ms: number;
  runtimeDenseMs: number;
  tfjsWasmMs: number | null;
  onnxruntimeMs: number;
  runtimeVsOnnxruntime: number;
  tfjsWasmVsRuntime: number | null;
  runtimeWeightBytes: number;
  float32WeightBytes: number;
  bundleBytes: number | null;
  samples: Record<string, number>;
}

async function runCase(c: Case, batch: number, threads: number): Promise<CaseResult> {
  const file = await c.file();
  // TF.js wasm runs one thread under Node: measure it once (threads 1), not again for 2.
  const engines = threads === 1 ? (['runtime', 'tfjs-wasm', 'onnxruntime'] as const) : (['runtime', 'onnxruntime'] as const);
  // int8 files run the integer-dot kernels (activations quantized per row); the others are exact.
  const quantizeActivations = c.name.endsWith('/int8');
  // One run, every engine and runtime build taking turns in rounds (src/pipeline/interleaved-timing.ts), so that
  // load from elsewhere on the machine lands on all of them alike.
  const report = await benchInference(file, {
    batches: [batch],
    threads,
    engines,
    budgetMs: batch > 1 ? 3000 : 1500,
    runs: batch > 1 ? 60 : 400,
    rounds: batch > 1 ? 6 : 12,
    quantizeActivations,
    runtimeVariants: [
      { label: 'dense', kernels: 'dense' },
      { label: 'simd128', quantizeActivations, relaxedSimd: false },
    ],
  });
  const row = (engine: string, variant?: string) => report.results.find((r) => r.engine === engine && r.variant === variant);
  const ms = (engine: string, variant?: string) => row(engine, variant)?.medianMs ?? null;
  const runtimeMs = ms('runtime')!;
  const onnxruntimeMs = ms('onnxruntime')!;
  const tfjsWasmMs = ms('tfjs-wasm');
  return {
    model: c.name,
    batch,
    threads,
    runtimeMs,
    relaxedSimd: relaxedSimdSupported(),
    runtimeSimd128Ms: ms('runtime', 'simd128')!,
    runtimeDenseMs: ms('runtime', 'dense')!,
    tfjsWasmMs,
    onnxruntimeMs,
    runtimeVsOnnxruntime: runtimeMs / onnxruntimeMs,
    tfjsWasmVsRuntime: tfjsWasmMs === null ? null : tfjsWasmMs / runtimeMs,
    runtimeWeightBytes: report.runtimeWeightBytes,
    float32WeightBytes: report.float32WeightBytes,
    bundleBytes: report.bundleBytes,
    // Timed calls behind each median (a slow TF.js batch-64 row rests on one call per round).
    samples: Object.fromEntries(report.results.map((r) => [r.variant === undefined ? r.engine : `${r.engine}-${r.variant}`, r.samples])),
  };
}

/** Compile bench/wasm/peak.ts (plain SIMD128, or with relaxed SIMD) and instantiate it. */
async function peakModule(relaxed: boolean): Promise<WebAssembly.Instance> {
  const asc = (await import('assemblyscript/asc')).default;
  let binary: Uint8Array | null = null;
  const features = ['--enable', 'simd', ...(relaxed ? ['--enable', 'relaxed-simd'] : [])];
  const { error } = await asc.main(['bench/wasm/peak.ts', '--outFile', 'peak.wasm', '--runtime', 'stub', '--noAssert', ...features, '-O3'], {
    writeFile: (name: string, contents: string | Uint8Array) => {
      if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
    },
    stdout: { write: () => {} },
    stderr: { write: () => {} },
  });
  if (error || binary === null) throw new Error(`cannot compile bench/wasm/peak.ts: ${error?.message ?? 'no output'}`);
  return (await WebAssembly.instantiate(binary as unknown as BufferSource)).instance;
}

/**
 * GFLOP/s, one core: the wasm f32x4 arithmetic peak (bench/wasm/peak.ts: the best register-only loop) of the
 * plain SIMD128 build (multiply and add) and, where the engine has relaxed SIMD, of fused multiply-adds; and
 * the runtime's dense GEMM on a few shapes from each kernel build.
 */
async function roofline(): Promise<Record<string, number>> {
  // Short calls (~0.1 ms, as long as one GEMM call below): on a shared machine a long call is almost always
  // preempted, which would measure the machine's load instead of the loop.
  const iterations = 20_000;
  // Warm each loop with short calls first: wasm has no on-stack replacement, a long first call stays unoptimized.
  const loop = (instance: WebAssembly.Instance, name: string, flopsPerIteration: number): number => {
    const fn = instance.exports[name] as (n: number, s: number) => number;
    for (let i = 0; i < 200; i++) fn(1000, 1);
    const t = timeRuns(() => void fn(iterations, 1), 20, 400, 3000);
    return (iterations * flopsPerIteration) / (t.medianMs * 1e6);
  };
  const plainPeak = await peakModule(false);
  const mulAddGflops = loop(plainPeak, 'mulAdd', 84);
  const chainsGflops = loop(plainPeak, 'chains', 64);
  const peakGflops = Math.max(mulAddGflops, chainsGflops);
  const relaxed = relaxedSimdSupported();
  const peakFmaGflops = relaxed ? loop(await peakModule(true), 'madd', 80) : null;

  const gemmShapes = (kernels: WebAssembly.Module, tag: string): Record<string, number> => {
    const memory = new WebAssembly.Memory({ initial: 512, maximum: 65536 });
    const k = instantiateKernels(kernels, memory);
    const f = new Float32Array(memory.buffer);
    const gemm = (m: number, kk: number, n: number): number => {
      const a = 1024;
      const b = a + m * kk * 4 + 64;
      const c = b + kk * Math.ceil(n / 8) * 8 * 4 + 64;
      f.fill(0.5, a / 4, (c + m * n * 4) / 4);
      for (let i = 0; i < 50; i++) k.gemm(a, kk, Math.min(m, 16), kk, b, n, 0, 0, c, n, -Infinity, Infinity);
      const t = timeRuns(() => k.gemm(a, kk, m, kk, b, n, 0, 0, c, n, -Infinity, Infinity), 3, 20, 2000);
      return (2 * m * kk * n) / (t.medianMs * 1e6);
    };
    return {
      [`gemm256x512x256${tag}Gflops`]: gemm(256, 512, 256),
      // MobileNet v1 0.25/128's 1×1 convs at batch 1: 32×32 pixels 64 → 64 channels, and a late one.
      [`gemmPointwise1024x64x64${tag}Gflops`]: gemm(1024, 64, 64),
      [`gemmPointwise64x128x256${tag}Gflops`]: gemm(64, 128, 256),
    };
  };
  const plain = gemmShapes((await compileKernels(undefined, false)).plain, '');
  const fused = relaxed ? gemmShapes((await compileKernels(undefined, true)).plain, 'Fma') : {};
  return { peakGflops, mulAddGflops, chainsGflops, ...(peakFmaGflops === null ? {} : { peakFmaGflops }), ...plain, ...fused };
}

/** The runtime bundle's bytes beside the files TF.js needs in a browser to run a layers model on wasm. */
async function bundleSizes(): Promise<Record<string, number>> {
  const { buildBrowserBundle } = (await import(String('../scripts/build-browser.mjs'))) as { buildBrowserBundle: () => Promise<{ js: number; wasm: number }> };
  const { js, wasm } = await buildBrowserBundle();
  const tfjsFiles = [
    'node_modules/@tensorflow/tfjs-core/dist/tf-core.min.js',
    'node_modules/@tensorflow/tfjs-layers/dist/tf-layers.min.js',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  ];
  const tfjsBytes = tfjsFiles.reduce((sum, f) => sum + statSync(f).size, 0);
  return { bundleJsBytes: js, bundleWasmBytes: wasm, bundleBytes: js + wasm, tfjsBytes, tfjsVsBundle: tfjsBytes / (js + wasm) };
}

if (args.includes('--bundle')) {
  const r = await bundleSizes();
  process.stderr.write(`${renderTable(['what', 'bytes'], Object.entries(r).map(([name, v]) => [name, name.endsWith('Bundle') ? `${v.toFixed(1)}×` : v.toLocaleString('en-US')]))}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ command: 'bench:infer', bundle: true, ...r })}\n`);
} else if (args.includes('--roofline')) {
  const r = await roofline();
  // Each figure as a fraction of its own build's peak (fused multiply-adds for the Fma rows).
  const peakOf = (name: string) => (/Fma/.test(name) ? r['peakFmaGflops']! : r['peakGflops']!);
  process.stderr.write(`${renderTable(['measure', 'GFLOP/s', 'of peak'], Object.entries(r).map(([name, v]) => [name, v.toFixed(1), `${((100 * v) / peakOf(name)).toFixed(0)}%`]))}\n`);
  const fractions = {
    gemmFractionOfPeak: r['gemmPointwise64x128x256Gflops']! / r['peakGflops']!,
    ...(r['peakFmaGflops'] === undefined ? {} : { gemmFmaFractionOfPeak: r['gemmPointwise64x128x256FmaGflops']! / r['peakFmaGflops'] }),
  };
  if (json) process.stdout.write(`${JSON.stringify({ command: 'bench:infer', roofline: true, ...r, ...fractions })}\n`);
} else {
  const only = flag('--case');
  const cases = only === undefined ? CASES : CASES.filter((c) => c.name === only);
  if (cases.length === 0) {
    process.stderr.write(`bench:infer: --case must be one of ${CASES.map((c) => JSON.stringify(c.name)).join(', ')}\n`);
    process.exit(2);
  }
  const batches = flag('--batch') ? [Number(flag('--batch'))] : [1, 64];
  const threadCounts = flag('--threads') ? [Number(flag('--threads'))] : [1, 2];
  const results: CaseResult[] = [];
  for (const c of cases) for (const batch of batches) for (const threads of threadCounts) results.push(await runCase(c, batch, threads));
  const f3 = (v: number | null) => (v === null ? '–' : v.toFixed(3));
  process.stderr.write(
    `${renderTable(
      ['model', 'batch', 'threads', `runtime ms${relaxedSimdSupported() ? ' (FMA)' : ''}`, 'SIMD128 ms', 'runtime dense ms', 'TF.js wasm ms', 'onnxruntime ms', 'runtime / ORT', 'TF.js / runtime', 'weights KB (fp32 KB)'],
      results.map((r) => [r.model, r.batch, r.threads, f3(r.runtimeMs), f3(r.runtimeSimd128Ms), f3(r.runtimeDenseMs), f3(r.tfjsWasmMs), f3(r.onnxruntimeMs), `${r.runtimeVsOnnxruntime.toFixed(2)}×`,
        r.tfjsWasmVsRuntime === null ? '–' : `${r.tfjsWasmVsRuntime.toFixed(1)}×`, `${(r.runtimeWeightBytes / 1024).toFixed(0)} (${(r.float32WeightBytes / 1024).toFixed(0)})`]),
    )}\n`,
  );
  if (json) process.stdout.write(`${JSON.stringify(results.length === 1 ? { command: 'bench:infer', ...results[0] } : { command: 'bench:infer', results })}\n`);
}
