import { describe, expect, it } from 'vitest';
import { lenet300, lenet5 } from '../models/lenet.js';
import { maxRelativeError } from '../engine/backends.test-util.js';
import { CHUNKS, GRAIN, JOB_SLOTS, NEXT, STAGE_IN, STAGE_OUT, TOTAL, chunkSamples, runChunks } from './batch-chunks.js';
import { loadRuntimeModel } from './index.js';
import { referenceCase } from './reference.test-util.js';

describe('chunkSamples', () => {
  it('gives a conv net about four chunks per thread and an MLP at least 32 rows per chunk', async () => {
    const conv = await loadRuntimeModel((await referenceCase(() => lenet5(), 1, 1)).bytes, { engine: 'wasm' });
    const mlp = await loadRuntimeModel((await referenceCase(() => lenet300(), 1, 1)).bytes, { engine: 'wasm' });
    expect(chunkSamples(conv.plan, 64, 2)).toBe(8);
    expect(chunkSamples(mlp.plan, 64, 2)).toBe(32);
    expect(chunkSamples(mlp.plan, 20, 2)).toBe(20);
    conv.dispose();
    mlp.dispose();
  });
});

describe('runChunks', () => {
  it('one thread alone takes every chunk of a staged batch, in place, and matches predict', async () => {
    const batch = 21;
    const { bytes, input, expected } = await referenceCase(() => lenet5(), batch, 5);
    const net = await loadRuntimeModel(bytes, { engine: 'wasm' });
    const grain = 4;
    const layout = net.reserve(grain);
    const stageIn = net.arenaBase + layout.bytes;
    const stageOut = stageIn + 4 * batch * net.inputSize;
    net.reserve(grain, 1, stageOut + 4 * batch * net.outputSize - net.arenaBase);
    const mem = net.memory;
    mem.f32.set(input, stageIn >> 2);
    const job = new Int32Array(JOB_SLOTS);
    job[CHUNKS] = Math.ceil(batch / grain);
    job[GRAIN] = grain;
    job[TOTAL] = batch;
    job[STAGE_IN] = stageIn;
    job[STAGE_OUT] = stageOut;
    expect(runChunks(mem.kernels, net.plan, layout, mem.f32, net.arenaBase, job, 0)).toBe(6);
    expect(job[NEXT]).toBeGreaterThanOrEqual(6);
    const y = mem.f32.slice(stageOut >> 2, (stageOut >> 2) + batch * net.outputSize);
    expect(maxRelativeError(y, expected)).toBeLessThan(1e-4);
    // The staged inputs are read, never written.
    expect(mem.f32.subarray(stageIn >> 2, (stageIn >> 2) + input.length)).toEqual(input);
    // (predict lays out an arena for the whole batch over the staging area: compare last.)
    expect(maxRelativeError(y, net.predict(input, batch))).toBeLessThan(1e-6);
    net.dispose();
  });
});
