/**
 * `npx tsx bench/thread-scaling.ts FILE.snn [BATCH]`: the same model on 1 and 2 threads side by side (alternating
 * blocks of RUNS runs, five repeats, median of each block), to see whether the second thread helps on this machine
 * right now. A diagnostic beside bench/infer.ts (which compares engines); it prints one line, no JSON.
 */
import { useRelaxedSimd } from './bench-args.js';
useRelaxedSimd([]);
const { loadRuntimeModel } = await import('../src/runtime/index.js');
const file = process.argv[2]!;
const batch = Number(process.argv[3] ?? 64);
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]!;
const one = await loadRuntimeModel(file, { threads: 1 });
const two = await loadRuntimeModel(file, { threads: 2 });
const x = new Float32Array(batch * one.inputSize).map(() => Math.random());
const t1: number[] = [], t2: number[] = [];
for (let i = 0; i < 20; i++) { one.predict(x, batch); two.predict(x, batch); }
const runs = Number(process.env.RUNS ?? 40);
for (let r = 0; r < 5; r++) {
  for (const [net, out] of [[one, t1], [two, t2]] as const) {
    const ts: number[] = [];
    for (let i = 0; i < runs; i++) { const s = performance.now(); net.predict(x, batch); ts.push(performance.now() - s); }
    out.push(med(ts));
  }
}
console.log(`${file} batch ${batch}: 1 thread ${t1.map((v) => v.toFixed(3)).join(' ')} | 2 threads ${t2.map((v) => v.toFixed(3)).join(' ')}`);
one.dispose(); two.dispose();
