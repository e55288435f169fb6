/**
 * Accuracy vs bits per weight, 1 to 8 bits: quantization-aware training vs post-training
 * quantization vs weight clustering (k = 2^bits shared values per layer, k-means alone and after
 * centroid fine-tuning), on a LeNet trained on the MNIST split.
 *
 *   npx tsx scripts/bits-sweep.ts [--arch lenet300|lenet5] [--model DIR] [--bits 1-8 | 2,4,6]
 *                                 [--quick] [--out docs/accuracy-vs-bits.json] [--svg docs/accuracy-vs-bits.svg] [--json]
 *
 * 1 bit: uniform grids need ≥ 2 bits (a symmetric 2-bit grid is already ternary, {−s, 0, +s}), so
 * QAT and PTQ have no 1-bit point; clustering with k = 2 — two trained values per layer, 1-bit
 * indexes — is the 1-bit point (a learned binary code, with per-layer levels instead of ±α).
 * Fine-tuning budget: at each bit width QAT and clustering get the same epochs, learning rate and
 * ±1 px shifts, those `smallnets quantize` uses by default at that width (qatTrainingDefaults; 1 bit
 * uses 2-bit's), so the QAT column is what the CLI gives.
 *
 * With a subset of --bits, points are merged into the existing JSON (same arch/model), so the rows
 * can be produced by separate runs; the SVG is redrawn from all points. The last stdout line (with
 * --json) is the result for the bits run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../src/engine/backend.js';
import { loadMnist } from '../src/data/mnist.js';
import { head, type Split } from '../src/data/split.js';
import { buildLeNet, type LeNetName } from '../src/models/lenet.js';
import { loadModel } from '../src/models/io.js';
import { writeFileAtomic } from '../src/models/atomic-write.js';
import { trainModel } from '../src/training/train.js';
import { evaluateAccuracy } from '../src/training/evaluate.js';
import { DEFAULT_EPOCHS } from '../src/cli/train.js';
import { qatTrainingDefaults, quantizeAware, quantizeWeights, stripQuantization } from '../src/quantization/index.js';
import { clusterWeights, stripClustering } from '../src/clustering/index.js';
import { lineChartSvg } from './line-chart-svg.js';

export interface BitsPoint {
  bits: number;
  /** Test accuracy (0..1) or null where the method has no such bit width. */
  qat: number | null;
  ptq: number | null;
  kmeans: number | null;
  clustering: number | null;
  epochs: number;
  learningRate: number;
}

export interface BitsSweep {
  arch: LeNetName;
  model: string;
  quick: boolean;
  floatAccuracy: number;
  points: BitsPoint[];
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function parseBits(text: string): number[] {
  const range = /^(\d)-(\d)$/.exec(text);
  const bits = range ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i) : text.split(',').map(Number);
  for (const b of bits) if (!Number.isInteger(b) || b < 1 || b > 8) throw new Error(`--bits must list integers in [1, 8], got ${JSON.stringify(text)}`);
  return bits;
}

/** One bit width: every method, each starting from the same float model. */
async function measure(model: tfl.LayersModel, bits: number, train: Split, test: Split, quick: boolean): Promise<BitsPoint> {
  const defaults = qatTrainingDefaults(Math.max(bits, 2));
  const epochs = quick ? 1 : defaults.epochs;
  const learningRate = defaults.learningRate;
  const fineTune = { epochs, learningRate, schedule: 'cosine' as const, seed: 1, progress: false, augment: { maxShift: 1 } };
  let qat: number | null = null;
  let ptq: number | null = null;
  if (bits >= 2) {
    const p = await quantizeWeights(model, { bits });
    ptq = evaluateAccuracy(p.model, test);
    p.model.dispose();
    const wrapped = await quantizeAware(model, { bits });
    trainModel(wrapped, train, { ...fineTune, label: `qat ${bits}-bit` });
    const q = await stripQuantization(wrapped);
    wrapped.dispose();
    qat = evaluateAccuracy(q.model, test);
    q.model.dispose();
  }
  const clustered = await clusterWeights(model, { clusters: 2 ** bits });
  const kmeans = evaluateAccuracy(clustered, test);
  trainModel(clustered, train, { ...fineTune, label: `cluster k=${2 ** bits}` });
  const c = await stripClustering(clustered);
  clustered.dispose();
  const clustering = evaluateAccuracy(c.model, test);
  c.model.dispose();
  return { bits, qat, ptq, kmeans, clustering, epochs, learningRate };
}

export function renderBitsSvg(sweep: BitsSweep): string {
  const pct = (v: number | null) => (v === null ? null : v * 100);
  const series = (label: string, color: string, key: 'qat' | 'ptq' | 'kmeans' | 'clustering', dashed = false) => ({
    label,
    color,
    dashed,
    points: sweep.points.map((p) => ({ x: p.bits, y: pct(p[key]) })),
  });
  const name = sweep.arch === 'lenet5' ? 'LeNet-5' : 'LeNet-300-100';
  return lineChartSvg({
    title: `${name} on MNIST: test accuracy vs bits per weight`,
    xLabel: 'bits per weight (clustering: log2 of clusters per layer)',
    yLabel: 'test accuracy (%)',
    xTicks: [1, 2, 3, 4, 5, 6, 7, 8],
    series: [
      series('QAT (fine-tuned)', '#1f77b4', 'qat'),
      series('PTQ (no training)', '#ff7f0e', 'ptq', true),
      series('clustering (fine-tuned)', '#2ca02c', 'clustering'),
      series('k-means only', '#9467bd', 'kmeans', true),
    ],
    references: [{ label: `float ${(sweep.floatAccuracy * 100).toFixed(2)}%`, y: sweep.floatAccuracy * 100, color: '#444' }],
  });
}

/** The markdown table of a sweep (for docs/results.md). */
export function renderBitsTable(sweep: BitsSweep): string {
  const cell = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(2)}%`);
  const lines = ['| bits | QAT | PTQ | k-means only | clustering (fine-tuned) | fine-tuning |', '|---|---|---|---|---|---|'];
  for (const p of sweep.points) {
    lines.push(`| ${p.bits} | ${cell(p.qat)} | ${cell(p.ptq)} | ${cell(p.kmeans)} | ${cell(p.clustering)} | ${p.epochs} epoch(s), lr ${p.learningRate} |`);
  }
  lines.push(`| float | ${cell(sweep.floatAccuracy)} | | | | |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arch = (argValue(args, '--arch') ?? 'lenet300') as LeNetName;
  if (arch !== 'lenet300' && arch !== 'lenet5') throw new Error(`--arch must be lenet300 or lenet5, got ${arch}`);
  const quick = args.includes('--quick');
  const bits = parseBits(argValue(args, '--bits') ?? '1-8');
  const jsonPath = argValue(args, '--out') ?? 'docs/accuracy-vs-bits.json';
  const svgPath = argValue(args, '--svg') ?? jsonPath.replace(/\.json$/, '.svg');
  const modelPath = argValue(args, '--model');
  await initBackend('wasm');
  const data = loadMnist();
  const train = quick ? head(data.train, 2000) : data.train;
  const test = quick ? head(data.test, 1000) : data.test;
  let model: tfl.LayersModel;
  if (modelPath) model = await loadModel(modelPath);
  else {
    model = buildLeNet(arch, 1);
    trainModel(model, train, { epochs: quick ? 1 : DEFAULT_EPOCHS, schedule: 'cosine', seed: 1, label: arch });
  }
  const floatAccuracy = evaluateAccuracy(model, test);
  const points: BitsPoint[] = [];
  for (const b of bits) {
    const point = await measure(model, b, train, test, quick);
    process.stderr.write(`${b} bit(s): ${JSON.stringify(point)}\n`);
    points.push(point);
  }
  const modelLabel = modelPath ?? `trained in-process (${arch}, seed 1)`;
  let sweep: BitsSweep = { arch, model: modelLabel, quick, floatAccuracy, points };
  if (existsSync(jsonPath)) {
    const previous = JSON.parse(readFileSync(jsonPath, 'utf8')) as BitsSweep;
    if (previous.arch === arch && previous.model === modelLabel && previous.quick === quick) {
      const kept = previous.points.filter((p) => !bits.includes(p.bits));
      sweep = { ...sweep, points: [...kept, ...points].sort((a, b) => a.bits - b.bits) };
    }
  }
  await mkdir(path.dirname(path.resolve(jsonPath)), { recursive: true });
  await writeFileAtomic(jsonPath, `${JSON.stringify(sweep, null, 2)}\n`);
  await writeFileAtomic(svgPath, renderBitsSvg(sweep));
  process.stderr.write(`${renderBitsTable(sweep)}\nwrote ${jsonPath} and ${svgPath}\n`);
  if (args.includes('--json')) {
    const result = points.length === 1 ? { ...points[0], floatAccuracy, arch } : { arch, floatAccuracy, points };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  model.dispose();
}

if (import.meta.url === `file://${path.resolve(process.argv[1] ?? '')}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`bits-sweep: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
