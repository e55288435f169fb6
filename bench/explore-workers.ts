/**
 * `npm run bench:explore -- [--model out/lenet300] [--space FILE] [--json]`: the same 12-trial sweep
 * run by `smallnets explore` with one worker thread and with two (fresh stores each, same order),
 * wall-clock seconds side by side and their ratio. Target: two workers ≤ 0.6× the time of one.
 * Trials are independent and single-threaded, so the ideal is 0.5×; the rest is pool start-up and
 * the main thread's bookkeeping. Runs the built CLI (npm run build first).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const json = args.includes('--json');
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const model = option('--model', 'out/lenet300');
const dir = mkdtempSync(path.join(os.tmpdir(), 'smallnets-bench-explore-'));
// 12 trials of one epoch each on the full split: pruning × weight sharing × width.
const space = option('--space', path.join(dir, 'sweep12.json'));
if (!args.includes('--space')) {
  writeFileSync(space, JSON.stringify({
    name: 'sweep12',
    knobs: { width: [1, 0.5], sparsity: [0, 0.9, 0.95], clusters: [null, 'dense:4'], epochs: [1], fineTuneEpochs: [1] },
  }));
}

function sweep(workers: number): { seconds: number; trials: number } {
  const out = path.join(dir, `w${workers}`);
  const started = performance.now();
  const stdout = execFileSync('node', ['bin/smallnets.js', 'explore', model, '--space', space, '--workers', String(workers), '--out', out, '--json'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024,
  });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as { trials: number; ran: number };
  if (result.ran !== result.trials) throw new Error(`expected a fresh sweep, ran ${result.ran} of ${result.trials}`);
  return { seconds: (performance.now() - started) / 1000, trials: result.trials };
}

try {
  const one = sweep(1);
  const two = sweep(2);
  const result = {
    bench: 'explore-workers',
    model,
    trials: one.trials,
    oneWorkerSeconds: Number(one.seconds.toFixed(1)),
    twoWorkerSeconds: Number(two.seconds.toFixed(1)),
    ratio: Number((two.seconds / one.seconds).toFixed(3)),
    cores: os.availableParallelism(),
    loadAverage: Number(os.loadavg()[0]!.toFixed(2)),
  };
  process.stderr.write(`${one.trials} trials on ${model}: 1 worker ${result.oneWorkerSeconds} s, 2 workers ${result.twoWorkerSeconds} s (${result.ratio}×); load average ${result.loadAverage} on ${result.cores} cores\n`);
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
