import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { longRun, type LongRunReport } from './long-run.js';
import { makeCase } from './engine.js';
import { fuzzTarget } from './misbehaving-target.test-util.js';

let corpusRoot: string;
let report: LongRunReport;

describe('long fuzz runs in a watched worker thread', () => {
  beforeAll(async () => {
    corpusRoot = await mkdtemp(path.join(os.tmpdir(), 'smallnets-corpus-'));
    const module = new URL('./misbehaving-target.test-util.ts', import.meta.url).href;
    report = await longRun('misbehaving', { seed: 3, cases: 40, caseTimeoutMs: 300, corpusRoot, module });
  }, 120_000);
  afterAll(() => rm(corpusRoot, { recursive: true, force: true }));

  it('an endless loop is a hang: the worker is terminated and the run goes on at the next case', () => {
    const hangs = report.crashes.filter((c) => c.reason === 'hang');
    expect(hangs.length).toBeGreaterThan(0);
    expect(report.hangs).toBe(hangs.length);
    for (const h of hangs) expect(makeCase(fuzzTarget, [Uint8Array.of(0, 0, 0, 0)], 3, h.index).bytes[0]).toBe(1);
    expect(report.cases).toBe(40);
  });

  it('a foreign exception and a multi-line refusal are crashes; proper refusals are not', () => {
    expect(report.crashes.some((c) => c.reason === 'error' && c.error === 'TypeError: not a refusal')).toBe(true);
    expect(report.crashes.some((c) => c.reason === 'multi-line')).toBe(true);
    expect(report.refused).toBeGreaterThan(0);
    expect(report.accepted).toBeGreaterThan(0);
  });

  it('every crashing input is saved to the corpus, and is the input of its case', async () => {
    const files = await readdir(path.join(corpusRoot, 'misbehaving'));
    expect(files.length).toBe(new Set(report.crashes.map((c) => c.file)).size);
    for (const c of report.crashes) {
      const saved = new Uint8Array(await readFile(c.file));
      expect(saved[0]).toBe({ hang: 1, error: 2, 'multi-line': 3 }[c.reason as string]);
    }
  });
});
