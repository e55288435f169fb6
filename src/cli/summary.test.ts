import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseStorageSpec } from '../analysis/storage.js';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { saveModel } from '../models/io.js';
import { main } from './main.js';
import { summaryOf } from '../pipeline/summary.js';

/** Run the CLI, capturing stdout and stderr. */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('smallnets summary', () => {
  let dir: string;

  beforeAll(async () => {
    await initBackend('cpu');
    dir = await mkdtemp(path.join(tmpdir(), 'smallnets-summary-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('summarizes a zoo spec as JSON with a per-layer table on stderr', async () => {
    const { code, stdout, stderr } = await run(['summary', 'lenet5', '--json', '--backend', 'cpu']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ command: 'summary', model: 'lenet5', params: 431_080, macs: 2_293_000, bytes: 1_724_320, weightMemory: 'dram' });
    expect(result.layers.map((l: { name: string }) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'fc1', 'fc2']);
    expect(stderr).toContain('conv2 (Conv2D)');
  });

  it('--storage deep:32:5 on a pruned saved model fits it in SRAM', async () => {
    const model = lenet300(1);
    for (const layer of model.layers) {
      const weights = layer.getWeights();
      if (weights.length === 0) continue;
      // Keep ~10% of each kernel: zero all but every tenth value.
      const kernel = weights[0]!;
      const mask = tf.tensor(Array.from({ length: kernel.size }, (_, i) => (i % 10 === 0 ? 1 : 0)), kernel.shape);
      layer.setWeights([tf.mul(kernel, mask), ...weights.slice(1)]);
    }
    const out = path.join(dir, 'pruned');
    await saveModel(model, out);
    const stored = await summaryOf(out);
    expect(stored.bytes).toBe(266_610 * 4); // TF.js stores the zeros
    const deep = await summaryOf(out, { storage: parseStorageSpec('deep:32:5') });
    expect(deep.weightMemory).toBe('sram');
    expect(deep.bytes).toBeLessThan(stored.bytes / 10);
  });

  it('bad specs and storage names exit 2 with one line; a missing path exits 1', async () => {
    const alpha = await run(['summary', 'mobilenet_v1:0.3:224', '--backend', 'cpu']);
    expect(alpha.code).toBe(2);
    expect(alpha.stderr.trim()).toBe('smallnets: mobilenet_v1 alpha must be one of 0.25, 0.5, 0.75, 1, got 0.3');
    const storage = await run(['summary', 'lenet5', '--storage', 'bf16', '--backend', 'cpu']);
    expect(storage.code).toBe(2);
    const missing = await run(['summary', path.join(dir, 'nope'), '--backend', 'cpu']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
  });
});
