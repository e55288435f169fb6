import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { loadModel, saveModel } from '../models/io.js';
import { decodeOnnx } from '../export/onnx-builder.js';
import { smallConvNet, toSnnBytes } from '../export/snn.test-util.js';
import { main } from './main.js';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

describe('smallnets export', () => {
  let dir: string;
  let snnFile: string;

  beforeAll(async () => {
    await initBackend('cpu');
    dir = await mkdtemp(path.join(tmpdir(), 'smallnets-export-'));
    snnFile = path.join(dir, 'small.snn');
    await writeFile(snnFile, await toSnnBytes(smallConvNet(4)));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('FILE.snn --format onnx writes an ONNX file with DequantizeLinear that `evaluate` accepts', async () => {
    const out = path.join(dir, 'small.onnx');
    const { code, stdout, stderr } = await run(['export', snnFile, '--format', 'onnx', '--out', out, '--json', '--backend', 'cpu']);
    // Kernels (affine, affine, evenly spaced codebook) and fc2's all-zero bias, whose one-centroid codebook is a grid too.
    expect(stderr).toContain('4 of 6 tensors stored as int8 + DequantizeLinear');
    expect(code).toBe(0);
    expect(lastJson(stdout)).toEqual({ command: 'export', format: 'onnx', bytes: (await stat(out)).size, out });
    expect(decodeOnnx(new Uint8Array(await readFile(out))).graph!.node!.some((n) => n.opType === 'DequantizeLinear')).toBe(true);
    const evaluated = await run(['evaluate', out, '--json', '--backend', 'cpu']);
    expect(evaluated.code).toBe(0);
    expect(lastJson(evaluated.stdout)).toMatchObject({ command: 'evaluate', path: out });
    expect(lastJson(evaluated.stdout)['testAccuracy']).toBeGreaterThanOrEqual(0);
  });

  it('FILE.snn --format tfjs --quantize uint8 writes a directory stock TF.js loads', async () => {
    const out = path.join(dir, 'small-uint8');
    const { code, stdout } = await run(['export', snnFile, '--format', 'tfjs', '--quantize', 'uint8', '--out', out, '--json', '--backend', 'cpu']);
    expect(code).toBe(0);
    expect(lastJson(stdout)).toMatchObject({ command: 'export', format: 'tfjs', out });
    expect((await readdir(out)).sort()).toEqual(['model.json', 'weights.bin']);
    const model = await loadModel(out);
    expect((model.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor).shape).toEqual([1, 10]);
  });

  it('a TF.js model directory is accepted as input too (--quantize int8 for ONNX)', async () => {
    const src = path.join(dir, 'tfjs-src');
    await saveModel(smallConvNet(5), src);
    const out = path.join(dir, 'from-tfjs.onnx');
    const { code } = await run(['export', src, '--format', 'onnx', '--quantize', 'int8', '--out', out, '--backend', 'cpu']);
    expect(code).toBe(0);
    expect((await stat(out)).size).toBeGreaterThan(0);
  });

  it('bad --format, a --quantize the format lacks, and an existing --out are usage errors (exit 2) that write nothing', async () => {
    const out = path.join(dir, 'never.onnx');
    const badFormat = await run(['export', snnFile, '--format', 'tflite', '--out', out, '--backend', 'cpu']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/--format must be one of tfjs, onnx, got "tflite"/);
    const badQuantize = await run(['export', snnFile, '--format', 'onnx', '--quantize', 'uint8', '--out', out, '--backend', 'cpu']);
    expect(badQuantize.code).toBe(2);
    expect(badQuantize.stderr).toMatch(/--quantize for --format onnx must be one of int8/);
    await expect(stat(out)).rejects.toThrow();
    const existing = path.join(dir, 'small.onnx');
    const again = await run(['export', snnFile, '--format', 'onnx', '--out', existing, '--backend', 'cpu']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists \(pass --force/);
  });

  it('a corrupt .snn is a runtime error (exit 1)', async () => {
    const bad = path.join(dir, 'bad.snn');
    await writeFile(bad, new Uint8Array(40));
    const { code, stderr } = await run(['export', bad, '--format', 'onnx', '--out', path.join(dir, 'bad.onnx'), '--backend', 'cpu']);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
