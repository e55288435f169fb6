import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { lenet300 } from '../models/lenet.js';
import { saveModel } from '../models/io.js';
import { trainModel } from '../training/train.js';
import { gridConfigs, loadSpace } from '../explore/space.js';
import { trialKey } from '../explore/trial-key.js';
import { startRedis, type TestRedis } from '../explore/redis-server.test-util.js';
import { runCli } from './run-cli.test-util.js';

let dir: string;
let model: string;
let space: string;
let redis: TestRedis;
const children: ChildProcess[] = [];

/** `smallnets worker` in its own process (from the TypeScript sources), with its stderr collected. */
function startWorker(args: string[]): { child: ChildProcess; stderr: () => string } {
  const entry = new URL('./main.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [
    '--import', 'tsx', '--input-type=module', '-e',
    `const { main } = await import(${JSON.stringify(entry)}); process.exitCode = await main(process.argv.slice(1));`,
    '--', 'worker', '--queue', redis.url, ...args,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let text = '';
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  return { child, stderr: () => text };
}

async function until(what: string, condition: () => boolean, seconds = 60): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('explore --queue and smallnets worker (real redis-server)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    redis = await startRedis();
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-queue-'));
    const m = lenet300(2);
    trainModel(m, head(loadMnist().train, 256), { epochs: 1, progress: false });
    model = path.join(dir, 'lenet300');
    await saveModel(m, model);
    space = path.join(dir, 'tiny.json');
    await writeFile(space, JSON.stringify({ name: 'two', knobs: { sparsity: [0, 0.9], epochs: [1], fineTuneEpochs: [1] } }));
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a worker killed mid-trial: the trial is retried by another worker, every trial stored once', async () => {
    const out = path.join(dir, 'queued');
    // Worker A holds its lock for 2 s: once killed, its trial is free again about 2 s later.
    const a = startWorker(['--workers', '0', '--lock-seconds', '2']);
    const explore = runCli(['explore', model, '--space', space, '--queue', redis.url, '--out', out, '--train-digits', '256', '--test-digits', '200', '--json']);
    await until('worker A to start a trial', () => /trial ([0-9a-f]{16}) of \S+ started/.test(a.stderr()));
    const killed = /trial ([0-9a-f]{16}) of \S+ started/.exec(a.stderr())![1]!;
    a.child.kill('SIGKILL');
    const b = startWorker(['--workers', '0', '--lock-seconds', '10']);
    const r = await explore;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ command: 'explore', trials: 2, ran: 2, failed: 0 });
    const keys = (await readFile(path.join(out, 'trials.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).key as string);
    expect(keys.length).toBe(new Set(keys).size);
    expect([...keys].sort()).toEqual(gridConfigs(await loadSpace(space)).map(trialKey).sort());
    expect(a.stderr()).not.toMatch(new RegExp(`trial ${killed} done`));
    expect(b.stderr()).toMatch(new RegExp(`trial ${killed} done`));

    // Enqueueing the same exploration again adds nothing: every trial is found finished.
    const again = await runCli(['explore', model, '--space', space, '--queue', redis.url, '--out', out, '--train-digits', '256', '--test-digits', '200', '--json']);
    expect(JSON.parse(again.stdout.trim().split('\n').pop()!)).toMatchObject({ trials: 2, ran: 0 });
    b.child.kill('SIGTERM');
    await until('worker B to stop', () => b.child.exitCode !== null, 30);
    expect(b.child.exitCode).toBe(0);
  });

  it('an unreachable Redis is a one-line runtime error within 10 s, for explore and worker', async () => {
    for (const argv of [['explore', model, '--queue', 'redis://127.0.0.1:1', '--out', path.join(dir, 'never')], ['worker', '--queue', 'redis://127.0.0.1:1']]) {
      const t0 = Date.now();
      const r = await runCli(argv);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('smallnets: cannot reach Redis at redis://127.0.0.1:1: connection refused\n');
    }
  });
});
