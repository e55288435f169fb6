/**
 * `npx tsx bench/profile-layers.ts MODEL.snn [--batch N] [--kernels auto|dense] [--no-relaxed-simd] [--wasm DIR]`: where the
 * runtime's time goes, step by step (each step timed in sequence within whole passes over the plan on the model's
 * own arena, median per step, one thread), to stderr as a table. `--wasm DIR` runs the kernels built in DIR (an older
 * build copied there, to compare step by step) instead of dist/runtime.
 * A development aid for the kernels (not part of results.md): per-step medians of short runs are noisy under load.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderTable } from '../src/analysis/text-table.js';
import { timeRuns } from '../src/pipeline/bench-inference.js';
import { runPlan } from '../src/runtime/execute.js';
import { loadRuntimeModel } from '../src/runtime/index.js';
import type { Step } from '../src/runtime/plan.js';
import { flagValue, useRelaxedSimd } from './bench-args.js';

const args = process.argv.slice(2);
const file = args[0];
if (file === undefined) {
  process.stderr.write('usage: tsx bench/profile-layers.ts MODEL.snn [--batch N] [--kernels auto|dense]\n');
  process.exit(2);
}
// As bench/infer.ts: the relaxed-SIMD (FMA) kernels unless --no-relaxed-simd (Node 20 has them behind a flag).
const relaxed = useRelaxedSimd(args);
const flag = (name: string) => flagValue(args, name);
const batch = Number(flag('--batch') ?? 1);
const kernels = (flag('--kernels') ?? 'auto') as 'auto' | 'dense';
const wasmDir = flag('--wasm');
const net = await loadRuntimeModel(new Uint8Array(readFileSync(file)), {
  kernels, quantizeActivations: args.includes('--int8'), relaxedSimd: relaxed,
  ...(wasmDir === undefined ? {} : { wasmUrl: pathToFileURL(path.resolve(wasmDir, 'smallnets-runtime.wasm')) }),
});
const x = new Float32Array(batch * net.inputSize).map(() => Math.random());
for (let i = 0; i < 30; i++) net.predict(x, batch);
const plan = net.plan;
const layout = net.reserve(batch);
const kernelsOf = net.memory.kernels;
const label = (s: Step): string => {
  switch (s.kind) {
    case 'matmul':
      return `${s.form} ${s.geometry ? `conv ${s.geometry.kh}x${s.geometry.kw}/${s.geometry.sh}` : 'gemm'} m=${s.rows * batch} k=${s.k} n=${s.n}`;
    case 'depthwise':
      return `depthwise ${s.g.kh}x${s.g.kw}/${s.g.sh} ${s.g.h}x${s.g.w}x${s.g.c}`;
    default:
      return s.kind;
  }
};
const flops = (s: Step): number => (s.kind === 'matmul' ? 2 * s.rows * s.k * s.n * batch : s.kind === 'depthwise' ? 2 * s.g.outH * s.g.outW * s.g.c * s.mult * s.g.kh * s.g.kw * batch : 0);
const total = timeRuns(() => net.predict(x, batch), 20, 200, 3000).medianMs;
// Each step timed in sequence, inside whole passes over the plan (so each reads what the previous step just
// wrote, as in predict), median per step over the passes.
const singles = plan.steps.map((s) => ({ ...plan, steps: [s] }));
const samples: number[][] = plan.steps.map(() => []);
const deadline = performance.now() + 4000;
for (let pass = 0; pass < 300 && (pass < 10 || performance.now() < deadline); pass++) {
  for (let i = 0; i < singles.length; i++) {
    const t = performance.now();
    runPlan(kernelsOf, singles[i]!, layout, net.arenaBase, batch);
    samples[i]!.push(performance.now() - t);
  }
}
const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const rows = plan.steps.map((s, i) => {
  const t = median(samples[i]!);
  return { label: label(s), ms: t, gflops: flops(s) / (t * 1e6) };
});
const sum = rows.reduce((a, r) => a + r.ms, 0);
process.stderr.write(`${renderTable(['step', 'ms', '%', 'GFLOP/s'], rows.map((r, i) => [`${i} ${r.label}`, r.ms.toFixed(4), ((100 * r.ms) / sum).toFixed(1), r.gflops ? r.gflops.toFixed(1) : '']))}\n`);
process.stderr.write(`sum of steps ${sum.toFixed(3)} ms, whole predict ${total.toFixed(3)} ms (batch ${batch}, ${net.memory.kind}${net.describe().relaxedSimd ? ' relaxed' : ''})\n`);
net.dispose();
