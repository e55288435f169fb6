import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { encodeModel } from '../models/snn-model.js';
import { runCli } from './run-cli.test-util.js';

let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('smallnets evaluate', () => {
  it('a .snn file: --engine runtime (the default) and --engine tfjs give the same MNIST accuracy', async () => {
    await initBackend('cpu'); // builds the model; the CLI runs TF.js on its default (wasm) backend
    dir = await mkdtemp(path.join(tmpdir(), 'smallnets-evaluate-'));
    const file = path.join(dir, 'lenet300.snn');
    await writeFile(file, (await encodeModel(lenet300(3))).bytes);
    const runtime = await runCli(['evaluate', file, '--json']);
    const tfjs = await runCli(['evaluate', file, '--engine', 'tfjs', '--json']);
    expect(runtime.code, runtime.stderr).toBe(0);
    const a = JSON.parse(runtime.stdout.trim().split('\n').at(-1)!) as { testAccuracy: number; engine: string };
    const b = JSON.parse(tfjs.stdout.trim().split('\n').at(-1)!) as { testAccuracy: number; engine: string };
    expect([a.engine, b.engine]).toEqual(['runtime', 'tfjs']);
    expect(a.testAccuracy).toBeGreaterThan(0);
    expect(a.testAccuracy).toBe(b.testAccuracy);
  });
});
