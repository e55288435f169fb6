/**
 * The README's library examples, run exactly as written: every ```ts block is written to a module
 * and imported in order (they build on each other's files under out/), in a scratch directory, with
 * SMALLNETS_QUICK=1 — the switch the README shows — so each trains one epoch on 500 digits.
 * `smallnets/…` imports resolve to the sources (vitest.config.ts).
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SCRATCH = path.join(ROOT, '.doctest');

/** The ```ts blocks of a Markdown text, in order. */
export function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

let work: string;
let cwd: string;
const logged: string[][] = [];

beforeAll(async () => {
  cwd = process.cwd();
  work = await mkdtemp(path.join(os.tmpdir(), 'smallnets-readme-'));
  process.chdir(work);
  process.env['SMALLNETS_QUICK'] = '1';
  await mkdir(SCRATCH, { recursive: true });
});
afterAll(async () => {
  process.chdir(cwd);
  delete process.env['SMALLNETS_QUICK'];
  await rm(work, { recursive: true, force: true });
});

describe('README library examples', async () => {
  const blocks = typescriptBlocks(await readFile(path.join(ROOT, 'README.md'), 'utf8'));

  it('there are examples for training and every move', () => {
    const text = blocks.join('\n');
    for (const call of ['trainModel(', 'prune(', 'quantizeAware(', 'clusterWeights(', 'restructure(', 'compress(', 'openLayersModel(', 'predictImages(']) {
      expect(text).toContain(call);
    }
  });

  blocks.forEach((code, i) => {
    const firstLine = code.split('\n').find((l) => l.startsWith('import') && l.includes("'smallnets"))!;
    it(`example ${i + 1} runs as written (${firstLine.slice(0, 90)})`, async () => {
      const file = path.join(SCRATCH, `readme-${i + 1}.ts`);
      await writeFile(file, code);
      const lines: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      });
      try {
        await import(/* @vite-ignore */ `${file}?run=${Date.now()}`);
      } finally {
        spy.mockRestore();
      }
      expect(lines.length, 'each example prints its result').toBeGreaterThan(0);
      logged[i] = lines;
    });
  });

  it('the examples did what they say: a saved model, 92% sparsity, a .snn file that predicts the digit', async () => {
    const all = logged.flat().join('\n');
    expect((await stat(path.join(work, 'out/lenet5/model.json'))).isFile()).toBe(true);
    expect(all).toMatch(/sparsity 0\.92\d* test accuracy 0\.\d+/);
    expect(all).toMatch(/conv1: 4 bits/);
    expect(all).toMatch(/fc2: 4 values/);
    const snn = await stat(path.join(work, 'out/lenet5.snn'));
    expect(snn.size).toBeGreaterThan(1000);
    expect(snn.size).toBeLessThan(431_080 * 4 / 20);
    expect(all).toMatch(/digit \d predicted \[\{"index":\d,"label":"\d","probability":/);
  });
});
