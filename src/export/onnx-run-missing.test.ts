import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { exportOnnx } from './onnx.js';
import { runOnnx } from './onnx-run.js';

// Simulate an install without the onnxruntime-node dev dependency.
vi.mock('onnxruntime-node', () => {
  throw new Error("Cannot find package 'onnxruntime-node'");
});

describe('without onnxruntime-node', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('exporting still works, running fails with a one-line RuntimeError', async () => {
    const bytes = exportOnnx(lenet300(1));
    expect(bytes.byteLength).toBeGreaterThan(1_000_000);
    await expect(runOnnx(bytes, new Float32Array(784), [1, 28, 28, 1])).rejects.toMatchObject({
      name: 'RuntimeError',
      message: 'running .onnx models needs onnxruntime-node, which is not installed (npm install --save-dev onnxruntime-node)',
    });
  });
});
