import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../engine/backend.js';
import { encodePng } from '../data/image.js';
import { lenet300 } from '../models/lenet.js';
import { saveModel } from '../models/io.js';
import { cliProcess, waitForStderr } from './cli-process.test-util.js';

let root: string;
let model: string;
let digits: string;

/** Everything in `dir` but `keep`: temporary siblings, moved-aside outputs, locks. */
async function leftovers(dir: string, keep: string[]): Promise<string[]> {
  return (await readdir(dir)).filter((n) => !keep.includes(n));
}

/**
 * Start a command whose --out already exists (and is passed with --force), wait until its first
 * epoch has finished (it is then mid-run), send `signal`, and check what a user would: it ends within
 * 2 s, of that signal (the shell reports 130/143), and the old --out is untouched with nothing beside it.
 */
async function interrupt(name: string, args: (out: string) => string[], signal: 'SIGINT' | 'SIGTERM', outIsFile: boolean): Promise<void> {
  const dir = path.join(root, name);
  await mkdir(dir);
  const out = path.join(dir, outIsFile ? 'out.snn' : 'out');
  if (outIsFile) await writeFile(out, 'the previous output\n');
  else {
    await mkdir(out);
    await writeFile(path.join(out, 'model.json'), 'the previous output\n');
  }
  const run = cliProcess(args(out));
  await waitForStderr(run, /epoch 1\/\d+:/);
  const sent = performance.now();
  run.child.kill(signal);
  const { code, signal: endedBy, at } = await run.exited;
  expect({ code, endedBy }, run.stderr().slice(-400)).toEqual({ code: null, endedBy: signal });
  expect(at - sent).toBeLessThan(2000);
  const previous = await readFile(outIsFile ? out : path.join(out, 'model.json'), 'utf8');
  expect(previous).toBe('the previous output\n');
  if (!outIsFile) expect(await readdir(out)).toEqual(['model.json']);
  expect(await leftovers(dir, [path.basename(out)])).toEqual([]);
  // The progress output never changed the terminal's modes (nothing to restore).
  expect(run.stderr()).not.toMatch(/\x1b\[\?(25l|7l)/);
}

describe('Ctrl-C and SIGTERM in the middle of a run', () => {
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'smallnets-interrupt-'));
    await initBackend('cpu');
    model = path.join(root, 'lenet300');
    await saveModel(lenet300(1), model);
    // A tiny image folder (10 classes × 4 digits): epochs take milliseconds, so many epochs keep each
    // run going until the signal, without loading MNIST.
    digits = path.join(root, 'digits');
    for (let c = 0; c < 10; c++) {
      await mkdir(path.join(digits, String(c)), { recursive: true });
      for (let i = 0; i < 4; i++) {
        const pixels = new Uint8Array(28 * 28).map((_, p) => ((p * (c + 3) + i * 17) % 97 < 30 ? 255 : 0));
        await writeFile(path.join(digits, String(c), `${i}.png`), encodePng({ width: 28, height: 28, channels: 1, data: pixels }));
      }
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('train, prune and compress end at once, leave the existing --out untouched and no temporary file', async () => {
    // Three real processes at once, each signalled once its first epoch is done.
    const data = ['--data', digits, '--validation-split', '0.25'];
    await Promise.all([
      interrupt('train', (out) => ['train', 'lenet300', ...data, '--epochs', '100000', '--threads', '1', '--out', out, '--force'], 'SIGINT', false),
      interrupt('prune', (out) => ['prune', '--model', model, ...data, '--sparsity', '0.5', '--epochs', '100000', '--out', out, '--force'], 'SIGTERM', false),
      interrupt('compress', (out) => ['compress', '--model', model, ...data, '--prune', '0.5', '--epochs', '100000', '--out', out, '--force'], 'SIGINT', true),
    ]);
  });
});
