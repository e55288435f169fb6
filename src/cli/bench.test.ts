import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.test-util.js';

describe('smallnets bench', () => {
  it('lenet300 on the runtime and onnxruntime: a table on stderr, the issue\'s JSON fields on stdout', async () => {
    const { code, stdout, stderr } = await runCli(['bench', 'lenet300', '--batch', '1,2', '--engines', 'runtime,onnxruntime', '--json']);
    expect(code, stderr).toBe(0);
    // Which kernel build the runtime row timed (relaxed SIMD only where the engine has it).
    expect(stderr).toMatch(/runtime kernels: wasm (relaxed SIMD \(fused multiply-add\)|SIMD128)/);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual(['bundleBytes', 'command', 'model', 'results']);
    const rows = result['results'] as Array<Record<string, unknown>>;
    expect(rows.map((r) => `${r['engine']} ${r['batch']}`)).toEqual(['runtime 1', 'runtime 2', 'onnxruntime 1', 'onnxruntime 2']);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['batch', 'engine', 'medianMs', 'p90Ms', 'threads']);
      expect(r['medianMs']).toBeGreaterThan(0);
      expect(r['p90Ms']).toBeGreaterThanOrEqual(r['medianMs'] as number);
    }
  });

  it('a bad --batch or --engines is a usage error naming the flag', async () => {
    const bad = await runCli(['bench', 'lenet300', '--batch', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--batch/);
    const engine = await runCli(['bench', 'lenet300', '--engines', 'tensorrt']);
    expect(engine.code).toBe(2);
    expect(engine.stderr).toMatch(/--engines must be one of runtime, tfjs-wasm, onnxruntime/);
  });
});
