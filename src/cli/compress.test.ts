import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { saveModel } from '../models/io.js';
import { loadSnnModel } from '../models/snn-model.js';
import { runCli } from './run-cli.test-util.js';
import { recipeFromFlags } from './compress.js';

let dir: string;
let modelDir: string;

describe('smallnets compress', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-compress-'));
    modelDir = path.join(dir, 'lenet300');
    await saveModel(lenet300(1), modelDir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('data-free default recipe: ≥ 50× smaller, says it is data-free, file decodes to the compressed model', async () => {
    const out = path.join(dir, 'l300.snn');
    const r = await runCli(['compress', '--model', modelDir, '--data', 'none', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/data-free/);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ command: 'compress', bytesOriginal: 266_610 * 4, testAccuracyBefore: null, testAccuracyAfter: null, out });
    expect(result.ratio).toBeGreaterThan(50);
    const stageBytes = result.stages.map((s: { bytes: number }) => s.bytes) as number[];
    expect(stageBytes[0]).toBeGreaterThan(stageBytes[1]!); // pruning shrinks fp32
    expect(stageBytes[1]).toBeGreaterThan(stageBytes[2]!); // shared weights shrink it again
    expect(stageBytes[2]).toBeGreaterThanOrEqual(stageBytes[3]!); // Huffman never grows it
    expect(stageBytes[4]).toBe(result.bytesCompressed);
    const model = await loadSnnModel(out);
    const kernel = model.getLayer('fc1').getWeights()[0]!.dataSync();
    expect(new Set(kernel).size).toBeLessThanOrEqual(8 + 1); // dense:8 shared values and the pruned zeros
    const zeros = Array.from(kernel).filter((v) => v === 0).length;
    expect(zeros / kernel.length).toBeGreaterThan(0.9);
    const y = model.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor;
    expect(y.shape).toEqual([1, 10]);
  });

  it('per-layer flags: --remove-filters shrinks fc1, --sparsity sets each layer its own sparsity, --clusters by layer name; the recipe line says so', async () => {
    const out = path.join(dir, 'per-layer.snn');
    const r = await runCli(['compress', modelDir, '--data', 'none', '--remove-filters', 'fc1:0.5', '--sparsity', 'fc1:0.9,fc2:0.5',
      '--clusters', 'fc1:4,fc2:8,fc3:16', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(`recipe: remove filters/units fc1 50% (L1 norm, no retraining) → prune fc1 90%, fc2 50% (per-layer magnitude, other layers unpruned, no retraining) → cluster fc1:4, fc2:8, fc3:16 (no centroid fine-tuning) → Huffman → ${out}`);
    expect(r.stderr).toMatch(/fc1: 300 → 150 units/);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(result.bytesOriginal).toBe(266_610 * 4); // the input's fp32 bytes, not the smaller model's
    expect(result.ratio).toBeCloseTo((266_610 * 4) / result.bytesCompressed, 1);
    const model = await loadSnnModel(out);
    const kernel = (name: string) => model.getLayer(name).getWeights()[0]!;
    expect(kernel('fc1').shape).toEqual([784, 150]);
    expect(kernel('fc2').shape).toEqual([150, 100]);
    const zeros = (name: string) => Array.from(kernel(name).dataSync()).filter((v) => v === 0).length / kernel(name).size;
    expect(zeros('fc1')).toBeCloseTo(0.9, 2);
    expect(zeros('fc2')).toBeCloseTo(0.5, 2);
    expect(new Set(kernel('fc1').dataSync()).size).toBeLessThanOrEqual(4 + 1);
    expect(new Set(kernel('fc3').dataSync()).size).toBeLessThanOrEqual(16 + 1);
  });

  it('a flag overrides only its own stage of the default recipe, and the recipe is the first line', async () => {
    expect(recipeFromFlags({ prune: 0.5, huffman: true })).toMatchObject({ prune: 0.5, clusters: { conv: 16, dense: 8 }, bits: null });
    expect(recipeFromFlags({ bits: 4, huffman: true })).toMatchObject({ prune: 0.92, clusters: null, bits: 4 });
    expect(recipeFromFlags({ clusters: 'none', huffman: true })).toMatchObject({ prune: 0.92, clusters: null, bits: null });
    expect(recipeFromFlags({ prune: 0, clusters: 'dense:4', huffman: false })).toMatchObject({ prune: null, clusters: { dense: 4 }, huffman: false });
    expect(recipeFromFlags({ sparsity: { fc1: 0.97 }, huffman: true })).toMatchObject({ prune: { fc1: 0.97 }, removeFilters: null, clusters: { conv: 16, dense: 8 } });
    expect(recipeFromFlags({ removeFilters: { fc1: 0.3 }, huffman: true })).toMatchObject({ prune: 0.92, removeFilters: { fc1: 0.3 } });
    const out = path.join(dir, 'p50.snn');
    const r = await runCli(['compress', '--model', modelDir, '--data', 'none', '--prune', '0.5', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(`recipe: prune 50% (global magnitude, no retraining) → cluster conv:16, dense:8 (no centroid fine-tuning) → Huffman → ${out}`);
  });

  it("an input's zeros are kept: --prune 0 clusters around them, a --prune below the input's sparsity skips pruning", async () => {
    // A 90%-sparse input, as `smallnets prune` would leave it.
    const sparse = lenet300(2);
    for (const layer of sparse.layers) {
      const weights = layer.getWeights();
      if (weights.length === 0) continue;
      const kernel = weights[0]!.dataSync() as Float32Array;
      weights[0] = tf.tensor(kernel.map((v, i) => (i % 10 === 0 ? v : 0)), weights[0]!.shape);
      layer.setWeights(weights);
    }
    const sparseDir = path.join(dir, 'sparse300');
    await saveModel(sparse, sparseDir);
    const zerosBefore = (name: string) => sparse.getLayer(name).getWeights()[0]!.dataSync();
    for (const [flags, note] of [[['--prune', '0'], /no pruning/], [['--prune', '0.5'], /already 90% sparse .*pruning skipped/]] as const) {
      const out = path.join(dir, `kept-${flags[1]}.snn`);
      const r = await runCli(['compress', '--model', sparseDir, '--data', 'none', ...flags, '--clusters', 'dense:8', '--out', out, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(note);
      const model = await loadSnnModel(out);
      for (const name of ['fc1', 'fc2', 'fc3']) {
        const before = zerosBefore(name);
        const after = model.getLayer(name).getWeights()[0]!.dataSync();
        const lost = Array.from(before).filter((v, i) => v === 0 && after[i] !== 0).length;
        expect(lost, `${name} ${flags.join(' ')}`).toBe(0);
      }
      const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
      const fc1 = result.layers.find((l: { name: string }) => l.name === 'fc1/kernel');
      expect(fc1.nonzero).toBeLessThanOrEqual(fc1.params / 10); // the table counts real nonzeros
    }
  });

  it('decompress detects by content: a directory is named as a TF.js model, a renamed .snn still decodes', async () => {
    const dirInput = await runCli(['decompress', modelDir, '--out', path.join(dir, 'never-dc')]);
    expect(dirInput.code).toBe(2);
    expect(dirInput.stderr.trim()).toBe(`smallnets: ${modelDir} is a TF.js model, not a .snn file; decompress turns .snn files into TF.js (to convert other formats, use export)`);
    const snn = path.join(dir, 'l300.snn');
    const renamed = path.join(dir, 'renamed.onnx');
    await writeFile(renamed, await readFile(snn));
    const r = await runCli(['decompress', renamed, '--out', path.join(dir, 'dc')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/266,610 params/);
  });

  it('bad flags are usage errors (exit 2) and nothing is written', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--prune', '1'], /--prune must be in \[0, 1\)/],
      [['--sparsity', 'fc1:0.9,fc1:0.8'], /--sparsity names layer fc1 twice/],
      [['--sparsity', 'fc9:0.9'], /--sparsity names no prunable layer fc9/],
      [['--remove-filters', 'fc1:1'], /--remove-filters must be in \[0, 0.99\)/],
      [['--bits', '9'], /--bits must be an integer in \[2, 8\]/],
      [['--bits', '4', '--clusters', '16'], /either --clusters or --bits/],
      [['--clusters', 'conv:1'], /must be an integer in \[2/],
    ];
    for (const [flags, message] of cases) {
      const out = path.join(dir, 'never.snn');
      const r = await runCli(['compress', '--model', modelDir, '--out', out, '--data', 'none', ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect((await readdir(dir)).filter((n) => n.startsWith('never'))).toEqual([]);
  });

  it('--data names a folder when it is not a keyword: a missing one is a runtime error naming it', async () => {
    const r = await runCli(['compress', '--model', modelDir, '--out', path.join(dir, 'never.snn'), '--data', path.join(dir, 'imagenet')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read data folder .*imagenet: no such directory/);
  });

  it('an existing --out needs --force; a missing model is a runtime error', async () => {
    const out = path.join(dir, 'exists.snn');
    await writeFile(out, 'x');
    expect((await runCli(['compress', '--model', modelDir, '--data', 'none', '--out', out])).code).toBe(2);
    expect((await runCli(['compress', '--model', path.join(dir, 'nope'), '--data', 'none', '--out', path.join(dir, 'n.snn')])).code).toBe(1);
  });
});
