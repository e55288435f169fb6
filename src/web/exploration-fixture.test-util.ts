/**
 * An exploration directory as `smallnets explore --out DIR` writes it (CONTRACTS.md), made up for
 * the web tests: 12 finished LeNet-5 trials over width × sparsity × bits with plausible metrics and
 * per-layer summaries, one failed trial, one garbage line, a half-written last line, and a
 * pareto.json computed here by plain dominance. Keys are hex and times ISO dates, as explore's
 * validating parser (src/explore/trial-record.ts, which the page reads trials with) requires.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const LAYERS = [
  { name: 'conv1', className: 'Conv2D', params: 520, macs: 288_000 },
  { name: 'conv2', className: 'Conv2D', params: 25_050, macs: 1_600_000 },
  { name: 'fc1', className: 'Dense', params: 400_500, macs: 400_000 },
  { name: 'fc2', className: 'Dense', params: 5_010, macs: 5_000 },
];

export const FIXTURE_DONE_TRIALS = 12;

/** A trial key that looks like the hash explore writes (16 lowercase hex digits). */
const fixtureKey = (n: number) => `5eed${n.toString(16).padStart(12, '0')}`;

function dominates(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return a.x <= b.x && a.y >= b.y && (a.x < b.x || a.y > b.y);
}

/** Write the fixture into `dir`; returns the keys of the finished trials and the bytes front. */
export async function writeExplorationFixture(dir: string): Promise<{ keys: string[]; bytesFront: string[] }> {
  await mkdir(dir, { recursive: true });
  const records: Array<Record<string, unknown>> = [];
  let n = 0;
  for (const width of [0.5, 1]) {
    for (const sparsity of [0, 0.5, 0.9]) {
      for (const bits of [4, 8]) {
        n++;
        const layers = LAYERS.map((l) => {
          const params = Math.round(l.params * width * (l.name === 'conv1' || l.name === 'fc2' ? 1 : width));
          const nonzero = Math.round(params * (1 - sparsity));
          return { name: l.name, className: l.className, params, nonzero, macs: Math.round(l.macs * width), bytes: Math.round((nonzero * bits) / 8 + (sparsity > 0 ? nonzero * 0.5 : 0)) + 40 };
        });
        const sum = (k: 'params' | 'nonzero' | 'macs' | 'bytes') => layers.reduce((s, l) => s + l[k], 0);
        const snnBytes = sum('bytes') + 900;
        const accuracy = 0.991 - 0.012 * (1 - width) - 0.02 * sparsity ** 3 - (bits === 4 ? 0.004 : 0) - ((n * 7) % 5) / 2000;
        records.push({
          key: fixtureKey(n),
          config: { model: 'lenet5', width, sparsity, bits, epochs: 2 },
          status: 'done',
          metrics: {
            testAccuracy: Number(accuracy.toFixed(4)), params: sum('params'), nonzeroParams: sum('nonzero'), macs: sum('macs'), snnBytes,
            ratio: Number(((sum('params') * 4) / snnBytes).toFixed(2)), energyMicrojoules: Number((sum('macs') * 4.6e-6).toFixed(2)),
            latencyMs: Number((0.2 + sum('macs') / 2e6 + sparsity * 0.05).toFixed(3)), latencyEngine: 'tfjs-wasm',
          },
          layers,
          artifact: `trials/t${n}.snn`,
          recipe: `smallnets compress --model out/lenet5 --sparsity ${sparsity} --bits ${bits} --out t${n}.snn`,
          seconds: 30 + n, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:30Z',
        });
      }
    }
  }
  type Metrics = { snnBytes: number; macs: number; latencyMs: number; testAccuracy: number };
  const front = (axis: 'snnBytes' | 'macs' | 'latencyMs') => {
    const points = records.map((r) => ({ key: r.key as string, x: (r.metrics as Metrics)[axis], y: (r.metrics as Metrics).testAccuracy }));
    return points.filter((p) => !points.some((o) => o !== p && dominates(o, p))).map((p) => p.key);
  };
  const bytesFront = front('snnBytes');
  const failed = { key: fixtureKey(99), config: { model: 'lenet5', width: 0.25, sparsity: 0.95, bits: 2 }, status: 'failed', error: 'accuracy collapsed to 11.35% (NaN loss at epoch 1)', seconds: 3, startedAt: '2026-01-01T00:10:00Z', finishedAt: '2026-01-01T00:10:03Z' };
  const lines = [...records, failed].map((r) => JSON.stringify(r));
  lines.splice(5, 0, '{"key": "broken", "status": "done"}'); // a record without metrics: skipped
  await writeFile(path.join(dir, 'trials.jsonl'), lines.join('\n') + '\n{"key":"t99","config":{"wid');
  await writeFile(path.join(dir, 'pareto.json'), JSON.stringify({ accuracyVsBytes: bytesFront, accuracyVsMacs: front('macs'), accuracyVsLatency: front('latencyMs') }));
  await writeFile(path.join(dir, 'space.json'), JSON.stringify({ width: [0.5, 1], sparsity: [0, 0.5, 0.9], bits: [4, 8] }));
  return { keys: records.map((r) => r.key as string), bytesFront };
}
