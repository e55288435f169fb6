/**
 * Long-running fuzz of the .snn reader: `npm run fuzz -- --iterations 1000000 --seed 7`.
 * Same harness as src/format/fuzz.test.ts (which runs 10,000 in CI). Prints a summary and the most
 * common rejection messages; exits 1 if any mutated file produced anything but a decode or a
 * one-line SnnFormatError, printing the iteration and seed needed to reproduce it.
 */
import { runFuzz } from '../src/format/fuzz-harness.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got ${process.argv[i + 1]}\n`);
    process.exit(2);
  }
  return value;
}

const iterations = option('iterations', 1_000_000);
const seed = option('seed', Date.now() % 2 ** 31);
const chunk = 50_000;
const start = performance.now();
let decoded = 0;
let rejected = 0;
let slowest = 0;
const messages = new Map<string, number>();
const failures: string[] = [];
// Chunks with derived seeds keep memory flat and show progress; (iterations, seed) stays reproducible.
for (let done = 0, c = 0; done < iterations; done += chunk, c++) {
  const n = Math.min(chunk, iterations - done);
  const chunkSeed = (seed + c * 0x9e3779b1) >>> 0;
  const r = runFuzz(n, chunkSeed);
  decoded += r.decoded;
  rejected += r.rejected;
  slowest = Math.max(slowest, r.slowestMs);
  for (const [m, k] of r.messages) messages.set(m, (messages.get(m) ?? 0) + k);
  for (const f of r.failures) failures.push(`chunk seed ${chunkSeed} iteration ${f.iteration} (${f.kind}): ${f.error}`);
  process.stderr.write(`\r${done + n}/${iterations} files, ${failures.length} failures`);
}
const seconds = (performance.now() - start) / 1000;
process.stderr.write('\n');
console.log(`seed ${seed}: ${iterations} mutated files in ${seconds.toFixed(1)} s — ${decoded} decoded, ${rejected} rejected, slowest ${slowest.toFixed(1)} ms`);
console.log('most common rejections:');
for (const [m, k] of [...messages].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${String(k).padStart(8)}  ${m}`);
if (failures.length > 0) {
  console.log(`${failures.length} FAILURES:`);
  for (const f of failures.slice(0, 20)) console.log(`  ${f}`);
  process.exit(1);
}
