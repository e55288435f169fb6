import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { lenet300, lenet5 } from '../models/lenet.js';
import { saveModel } from '../models/io.js';
import { main } from './main.js';

let dir: string;
let lenet5Dir: string;
let lenet300Dir: string;
let stderr: string[];
let stdout: string[];

beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(path.join(tmpdir(), 'smallnets-prune-cli-'));
  lenet5Dir = path.join(dir, 'lenet5');
  lenet300Dir = path.join(dir, 'lenet300');
  await saveModel(lenet5(1), lenet5Dir);
  await saveModel(lenet300(1), lenet300Dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(): void {
  stderr = [];
  stdout = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

async function run(args: string[]): Promise<number> {
  capture();
  try {
    return await main(args);
  } finally {
    vi.restoreAllMocks();
  }
}

describe('smallnets prune: bad flags exit 2 with one line, before any work', () => {
  const out = () => path.join(dir, 'never');
  const cases: Array<[string, () => string[], RegExp]> = [
    ['sparsity 1.5', () => ['prune', '--model', lenet300Dir, '--sparsity', '1.5', '--out', out()], /--sparsity must be in \[0, 1\), got "1.5"/],
    ['sparsity -0.1', () => ['prune', '--model', lenet300Dir, '--sparsity=-0.1', '--out', out()], /--sparsity must be in \[0, 1\)/],
    ['unknown granularity', () => ['prune', '--model', lenet300Dir, '--sparsity', '0.9', '--granularity', 'rows'], /unknown granularity "rows"/],
    ['unknown schedule', () => ['prune', '--model', lenet300Dir, '--sparsity', '0.9', '--schedule', 'cosine'], /--schedule must be one of polynomial, constant/],
    ['epochs 0', () => ['prune', '--model', lenet300Dir, '--sparsity', '0.9', '--epochs', '0'], /--epochs must be a positive integer/],
    ['missing model', () => ['prune', '--sparsity', '0.9'], /missing model: give it as the first argument \(or --model\)/],
    ['missing --sparsity', () => ['prune', '--model', lenet300Dir, '--out', out()], /--sparsity is required for unstructured pruning/],
    ['sparsity that 2:4 cannot have', () => ['prune', '--model', lenet5Dir, '--granularity', '2:4', '--sparsity', '0.9', '--out', out()], /does not apply to 2:4/],
    ['--global with filters', () => ['prune', '--model', lenet5Dir, '--granularity', 'filters', '--sparsity', '0.5', '--global', '--out', out()], /global thresholds apply to unstructured pruning only/],
    ['N:M that does not divide conv1', () => ['prune', '--model', lenet5Dir, '--granularity', '2:4', '--layers', 'conv1', '--out', out()], /M \(4\) to divide the input-channel axis \(1\)/],
    ['a layer that is not prunable', () => ['prune', '--model', lenet5Dir, '--sparsity', '0.5', '--layers', 'pool1', '--out', out()], /pool1 is a MaxPooling2D, which cannot be pruned/],
    ['sensitivity sparsity 1.2', () => ['sensitivity', '--model', lenet300Dir, '--sparsities', '0.5,1.2'], /--sparsities must be in \[0, 1\), got "1.2"/],
    ['sensitivity duplicate sparsity', () => ['sensitivity', '--model', lenet300Dir, '--sparsities', '0.5,0.5'], /listed twice/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    expect(await run(args())).toBe(2);
    const text = stderr.join('');
    expect(text).toMatch(message);
    // One line naming the problem (commander may add its "(add --help for usage)" hint).
    expect(text.trim().split('\n').filter((l) => !l.includes('--help'))).toHaveLength(1);
    expect(stdout.join('')).toBe('');
  });

  it('nothing was written for the failed runs', async () => {
    await expect(readdir(path.join(dir, 'never'))).rejects.toThrow();
  });

  it('a missing model is a runtime error (exit 1)', async () => {
    expect(await run(['prune', '--model', path.join(dir, 'nope'), '--sparsity', '0.9', '--out', path.join(dir, 'o')])).toBe(1);
    expect(stderr.join('')).toMatch(/does not exist/);
  });
});

describe('smallnets prune: a short real run', () => {
  it('prunes LeNet-300-100 to 50% in one epoch and prints the JSON the issue specifies', async () => {
    const out = path.join(dir, 'pruned300');
    const code = await run(['prune', '--model', lenet300Dir, '--sparsity', '0.5', '--epochs', '1', '--out', out, '--json']);
    expect(code, stderr.join('')).toBe(0);
    const result = JSON.parse(stdout.join('').trim().split('\n').pop()!);
    expect(result).toMatchObject({ command: 'prune', params: 266_610, out, granularity: 'unstructured', global: true }); // global is the default for unstructured
    for (const key of ['testAccuracyBefore', 'testAccuracyAfter', 'sparsity', 'nonzeroParams']) expect(typeof result[key]).toBe('number');
    expect(result.sparsity).toBeCloseTo(0.5, 3);
    expect(result.layers.map((l: { name: string }) => l.name)).toEqual(['fc1', 'fc2', 'fc3']);
    expect(Object.keys(result.layers[0]).sort()).toEqual(['name', 'nonzero', 'params', 'sparsity']);
    expect((await readdir(out)).sort()).toEqual(['model.json', 'weights.bin']);
    expect(stderr.join('')).toMatch(/sparsity %/);
    expect(result.threads).toBe(2); // both cores: --threads defaults to 2
  }, 60_000);

  it('warns on stderr when the run ends more than 2 points below its input', async () => {
    const trained = path.join(dir, 'trained300');
    expect(await run(['train', 'lenet300', '--epochs', '1', '--out', trained])).toBe(0);
    const code = await run(['prune', '--model', trained, '--sparsity', '0.995', '--schedule', 'constant', '--epochs', '1', '--lr', '1e-5', '--out', path.join(dir, 'over-pruned')]);
    expect(code).toBe(0);
    expect(stderr.join('')).toMatch(/^warning: test accuracy fell \d+\.\d\d points \(\d+\.\d\d% → \d+\.\d\d%\), more than 2; try more --epochs/m);
  }, 60_000);

  it('sensitivity reports progress on stderr while it measures', async () => {
    expect(await run(['sensitivity', '--model', lenet300Dir, '--sparsities', '0.5,0.9'])).toBe(0);
    const lines = stderr.join('').split('\n').filter((l) => l.startsWith('sensitivity '));
    expect(lines).toHaveLength(6); // 3 layers × 2 sparsities
    expect(lines[0]).toMatch(/^sensitivity 1\/6: fc1 at 50%: \d+\.\d\d%$/);
    expect(stdout.join('')).toMatch(/fc3/); // the table is the result: stdout
  }, 60_000);
});
