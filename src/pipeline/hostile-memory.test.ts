import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HOSTILE_CASES, writeHostileFiles } from './hostile-files.test-util.js';

/** Peak resident memory allowed while opening any hostile file (the child's baseline with TF.js and wasm is ~200 MB). */
const PEAK_MB = 300;

interface Outcome {
  name: string;
  error: { name: string; message: string } | null;
  ms: number;
  baselineMb: number;
  peakMb: number;
}

let dir: string;
let outcomes: Outcome[];

describe('hostile files are refused within a memory bound, measured in a child process', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-hostile-'));
    const locations = await writeHostileFiles(dir);
    const cases = HOSTILE_CASES.map((c, i) => ({ name: c.name, kind: c.kind, location: locations[i] }));
    const child = path.join(path.dirname(new URL(import.meta.url).pathname), 'hostile-memory-child.test-util.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', child, JSON.stringify(cases)], {
      maxBuffer: 1 << 20,
      timeout: 120_000,
    });
    outcomes = stdout.trim().split('\n').map((line) => JSON.parse(line) as Outcome);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('every case ran', () => {
    expect(outcomes.map((o) => o.name)).toEqual(HOSTILE_CASES.map((c) => c.name));
  });

  it.each(HOSTILE_CASES.map((c, i) => [c.name, i] as const))(`%s: a one-line RuntimeError, peak RSS < ${PEAK_MB} MB, < 2 s`, (_name, i) => {
    const c = HOSTILE_CASES[i]!;
    const o = outcomes[i]!;
    expect(o.error?.name, `${c.name}: ${JSON.stringify(o.error)}`).toBe('RuntimeError');
    expect(o.error!.message).toMatch(c.refusal);
    expect(o.error!.message).not.toContain('\n');
    expect(o.peakMb, `${c.name}: peak ${o.peakMb.toFixed(0)} MB from ${o.baselineMb.toFixed(0)} MB`).toBeLessThan(PEAK_MB);
    expect(o.ms).toBeLessThan(2000);
  });
});
