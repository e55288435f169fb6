import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.test-util.js';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { encodeModel } from '../models/snn-model.js';
import { decodeSnn } from '../format/reader.js';
import type { SnnEncoding } from '../format/spec.js';
import { describeModel } from './describe.js';
import { storagePlanFromSnn, tensorStorageOf, arithmeticOf } from './snn-storage.js';
import { summarizeDescription } from './summary.js';

const LEVELS = new Float32Array([-0.1, -0.05, 0, 0.05]);

/** LeNet-300-100 with fc1 90% zeros on a 4-level codebook, fc2 affine 6-bit, fc3 float16. */
async function compressedLenet300() {
  const model = lenet300(3);
  const fc1 = model.getLayer('fc1');
  const [kernel, bias] = fc1.getWeights();
  const values = kernel!.dataSync().map((_, i) => (i % 10 === 0 ? LEVELS[i % 3 === 0 ? 0 : 3]! : 0));
  fc1.setWeights([tf.tensor(values, kernel!.shape), bias!]);
  const { bytes, report } = await encodeModel(model, {
    'fc1/kernel': { codebook: LEVELS, sparse: true },
    'fc2/kernel': { bits: 6 },
    'fc3/kernel': { float16: true },
  });
  // Read back, as summary does: the reader measures each tensor record.
  return { model, bytes, report, snn: decodeSnn(bytes) };
}

describe('storagePlanFromSnn', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('each layer is sized by its own tensor records, so the total is the file minus topology, metadata and envelope', async () => {
    const { model, snn, report } = await compressedLenet300();
    const description = describeModel(model);
    const summary = summarizeDescription(description, { storage: storagePlanFromSnn(snn, description) });
    const record = (name: string) => report.tensors.find((t) => t.name === name)!.recordBytes;
    const bytes = Object.fromEntries(summary.layers.map((l) => [l.name, l.bytes]));
    expect(bytes).toEqual({
      flatten: 0,
      fc1: record('fc1/kernel') + record('fc1/bias'),
      fc2: record('fc2/kernel') + record('fc2/bias'),
      fc3: record('fc3/kernel') + record('fc3/bias'),
    });
    expect(summary.bytes).toBeLessThan(report.fileBytes - report.topologyBytes);
  });

  it('sparse kernels skip the MACs of zeros, so the stored model costs less energy than a dense one of the same size', async () => {
    const { model, snn } = await compressedLenet300();
    const description = describeModel(model);
    const plan = storagePlanFromSnn(snn, description);
    expect(plan.layers!['fc1']!.kernel).toEqual({ bits: 2, overheadBits: 128, indexBits: expect.any(Number) });
    const dense = { ...plan, layers: { ...plan.layers, fc1: { ...plan.layers!['fc1']!, kernel: { bits: 2, overheadBits: 128 } } } };
    const sparseEnergy = summarizeDescription(description, { storage: plan }).layers.find((l) => l.name === 'fc1')!.energyMicrojoules;
    const denseEnergy = summarizeDescription(description, { storage: dense }).layers.find((l) => l.name === 'fc1')!.energyMicrojoules;
    expect(sparseEnergy).toBeLessThan(denseEnergy / 5);
  });

  it('maps every stored value form to its width and arithmetic', () => {
    const enc = (values: SnnEncoding['values'], gapBits?: number): SnnEncoding => ({
      values, sparse: gapBits === undefined ? null : { gapBits }, huffmanValues: false, huffmanGaps: false,
    });
    expect(tensorStorageOf(enc({ kind: 'float32' }))).toEqual({ bits: 32 });
    expect(tensorStorageOf(enc({ kind: 'float16' }, 5))).toEqual({ bits: 16, indexBits: 5 });
    const affine = { kind: 'affine' as const, bits: 6, perChannel: true, scales: new Float32Array(3), zeroPoints: new Int32Array(3) };
    expect(tensorStorageOf(enc(affine))).toEqual({ bits: 6, overheadBits: 192 });
    expect(tensorStorageOf(enc({ kind: 'codebook', centroids: new Float32Array(16) }))).toEqual({ bits: 4, overheadBits: 512 });
    expect(tensorStorageOf(enc({ kind: 'codebook', centroids: new Float32Array(1) }))).toEqual({ bits: 1, overheadBits: 32 });
    expect(arithmeticOf(enc(affine))).toEqual({ type: 'int', bits: 6 });
    expect(arithmeticOf(enc({ kind: 'float16' }))).toEqual({ type: 'float', bits: 16 });
    expect(arithmeticOf(enc({ kind: 'codebook', centroids: new Float32Array(4) }))).toEqual({ type: 'float', bits: 32 });
  });
});

describe('smallnets summary FILE.snn', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-snn-summary-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports the stored bytes of a compressed file, in SRAM, far below the float32 model', async () => {
    await initBackend('cpu');
    const { bytes, report } = await compressedLenet300();
    const file = path.join(dir, 'l300.snn');
    await writeFile(file, bytes);
    const r = await runCli(['summary', file, '--json', '--backend', 'cpu']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    const records = report.tensors.reduce((s, t) => s + t.recordBytes, 0);
    expect(result).toMatchObject({ command: 'summary', params: 266_610, macs: 266_200, bytes: records, weightMemory: 'sram' });
    expect(r.stderr).toContain('fc1 (Dense)');
  });
});
