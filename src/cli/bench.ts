/**
 * `smallnets bench MODEL [--batch 1,64] [--threads N] [--engines LIST] [--kernels auto|dense] [--json]`:
 * median inference latency after warm-up of the smallnets runtime, TF.js wasm and onnxruntime-node
 * (on the ONNX export) on the same model and input, as a table.
 */
import type { Command } from 'commander';
import { addCommand, examples } from './command.js';
import { UsageError } from '../errors.js';
import { choiceOption, oneOf, positiveInt } from './options.js';
import { log, printTable } from './output.js';
import { BENCH_ENGINES, type BenchEngine } from '../pipeline/bench-engines.js';
import { ZOO_SPEC_FORMS } from '../models/zoo-forms.js';

interface BenchFlags {
  model: string;
  batch: number[];
  threads: number;
  engines: BenchEngine[];
  kernels: 'auto' | 'dense';
}

function batchList(value: string): number[] {
  const parsed = value.split(',').map((s) => positiveInt('--batch')(s.trim()));
  if (parsed.length === 0) throw new UsageError(`--batch must list batch sizes, got ${JSON.stringify(value)}`);
  return parsed;
}

function engineList(value: string): BenchEngine[] {
  return value.split(',').map((s) => oneOf('--engines', BENCH_ENGINES)(s.trim()));
}

export function register(program: Command): void {
  addCommand<BenchFlags>(
    program,
    'bench',
    (cmd) =>
      examples(cmd, [
        'bench out/lenet5.snn',
        'bench mobilenet_v1:0.25:128 --batch 1 --threads 2 --json',
      ])
        .description('inference latency (median after warm-up; the engines take turns in rounds) of the smallnets runtime, TF.js wasm and onnxruntime-node')
        .option('--batch <list>', 'comma-separated batch sizes', batchList, [1, 64])
        .option('--threads <n>', 'threads for the runtime (batches ≥ 16) and onnxruntime', positiveInt('--threads'), 1)
        .option('--engines <list>', `engines to run: ${BENCH_ENGINES.join(', ')}`, engineList, [...BENCH_ENGINES])
        .addOption(choiceOption('--kernels <mode>', 'runtime kernels: auto (from the stored encoding) or dense', ['auto', 'dense'] as const).default('auto')),
    async (_args, flags) => {
      const location = flags.model;
      const { benchInference } = await import('../pipeline/bench-inference.js');
      const report = await benchInference(location, { batches: flags.batch, threads: flags.threads, engines: flags.engines, kernels: flags.kernels });
      printTable(
        ['engine', 'batch', 'threads', 'median ms', 'p90 ms', 'runs', 'note'],
        report.results.map((r) => [r.engine, r.batch, r.threads, r.medianMs.toFixed(3), r.p90Ms.toFixed(3), r.samples, r.note ?? '']),
      );
      if (report.bundleBytes !== null) log(`runtime browser bundle: ${report.bundleBytes.toLocaleString('en-US')} bytes (JS + wasm)`);
      if (report.runtimeKernels !== null) {
        const hint = report.runtimeKernels === 'wasm SIMD128' ? ' (relaxed SIMD: Node ≥ 22, or `node --experimental-wasm-relaxed-simd` on Node 20)' : '';
        log(`runtime kernels: ${report.runtimeKernels}${hint}`);
      }
      log(`runtime resident weights: ${report.runtimeWeightBytes.toLocaleString('en-US')} bytes (float32: ${report.float32WeightBytes.toLocaleString('en-US')})`);
      return {
        command: 'bench',
        model: location,
        results: report.results.map(({ engine, batch, threads, medianMs, p90Ms }) => ({ engine, batch, threads, medianMs, p90Ms })),
        bundleBytes: report.bundleBytes,
      };
    },
    { table: true, model: `.snn file, model directory, model.json, URL, or zoo spec: ${ZOO_SPEC_FORMS.join(', ')}` },
  );
}
