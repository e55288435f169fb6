/**
 * `npx tsx bench/compare-wasm.ts MODEL.snn BASE_DIR [--batch N] [--rounds R] [--no-relaxed-simd]`: the kernels now
 * in dist/runtime against an older build copied to BASE_DIR (its smallnets-runtime.wasm and -relaxed.wasm), on
 * the same model, in one process, one thread: rounds alternate A, B, A, B … (~150 ms of predictions each; the
 * median of each), so a busy shared machine slows both alike; prints the median over rounds of each and of the
 * paired ratios, and the largest output difference between the two. Only kernel changes behind an unchanged
 * kernel contract (kernels/api.ts) can be compared this way: both builds run the current plan.
 * A development aid for the kernels (not part of results.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadRuntimeModel } from '../src/runtime/index.js';
import { flagValue, useRelaxedSimd } from './bench-args.js';

const args = process.argv.slice(2);
const [file, baseDir] = args;
if (file === undefined || baseDir === undefined) {
  process.stderr.write('usage: tsx bench/compare-wasm.ts MODEL.snn BASE_DIR [--batch N] [--rounds R] [--no-relaxed-simd]\n');
  process.exit(2);
}
const relaxed = useRelaxedSimd(args);
const flag = (name: string) => flagValue(args, name);
const batch = Number(flag('--batch') ?? 1);
const rounds = Number(flag('--rounds') ?? 15);
const bytes = new Uint8Array(readFileSync(file));
const a = await loadRuntimeModel(bytes, { relaxedSimd: relaxed });
const b = await loadRuntimeModel(bytes, { relaxedSimd: relaxed, wasmUrl: pathToFileURL(path.resolve(baseDir, 'smallnets-runtime.wasm')) });
// Both builds must be the same kind: a BASE_DIR without the -relaxed twin would silently time relaxed against plain.
if (a.describe().relaxedSimd !== b.describe().relaxedSimd) {
  process.stderr.write(`compare-wasm: ${baseDir} has no ${relaxed ? 'smallnets-runtime-relaxed.wasm' : 'plain build'} to match the current one\n`);
  process.exit(1);
}
const x = new Float32Array(batch * a.inputSize).map(() => Math.random() * 2 - 1);
const ya = a.predict(x, batch);
const yb = b.predict(x, batch);
let diff = 0;
for (let i = 0; i < ya.length; i++) diff = Math.max(diff, Math.abs(ya[i]! - yb[i]!) / Math.max(1e-6, Math.abs(yb[i]!)));

const median = (v: number[]): number => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)]!;
function roundMs(net: typeof a): number {
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || performance.now() - start < 150) {
    const t = performance.now();
    net.predict(x, batch);
    times.push(performance.now() - t);
  }
  return median(times);
}
for (let i = 0; i < 3; i++) { roundMs(a); roundMs(b); }
const ta: number[] = [];
const tb: number[] = [];
// Which build goes first alternates, so neither always follows the other.
for (let r = 0; r < rounds; r++) {
  if (r % 2 === 0) {
    ta.push(roundMs(a));
    tb.push(roundMs(b));
  } else {
    tb.push(roundMs(b));
    ta.push(roundMs(a));
  }
}
const ratio = median(ta.map((t, i) => t / tb[i]!));
process.stderr.write(
  `${path.basename(file)} batch ${batch}${relaxed ? ' relaxed' : ''}: new ${median(ta).toFixed(4)} ms, base ${median(tb).toFixed(4)} ms, ` +
  `new/base ${ratio.toFixed(3)} (median of ${rounds} paired rounds); max relative output difference ${diff.toExponential(2)}\n`,
);
a.dispose();
b.dispose();
