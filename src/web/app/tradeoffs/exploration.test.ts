import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeExplorationFixture, FIXTURE_DONE_TRIALS } from '../../exploration-fixture.test-util.js';
import { parseTrialLog } from '../../../explore/trial-record.js';
import { demoExploration, exploration, paretoKeys, parseTrialLine, parseTrials } from './exploration.js';

const METRICS = { testAccuracy: 0.5, params: 1, nonzeroParams: 1, macs: 1, snnBytes: 1, ratio: 1, energyMicrojoules: 1, latencyMs: 1, latencyEngine: 'x' };

describe('reading an exploration', () => {
  it('keeps valid trials, ignores a half-written last line, counts other bad lines, reads pareto.json', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'smallnets-explore-'));
    try {
      const { keys, bytesFront } = await writeExplorationFixture(dir);
      const data = exploration('fixture', await readFile(path.join(dir, 'trials.jsonl'), 'utf8'), await readFile(path.join(dir, 'pareto.json'), 'utf8'));
      expect(data.trials.filter((t) => t.status === 'done').map((t) => t.key)).toEqual(keys);
      expect(keys).toHaveLength(FIXTURE_DONE_TRIALS);
      expect(data.trials.filter((t) => t.status === 'failed')).toHaveLength(1);
      expect(data.skipped).toBe(1); // the record without metrics; the half-written tail is not counted
      expect(data.pareto.accuracyVsBytes).toEqual(bytesFront);
      expect(paretoKeys(data.trials, 'snnBytes').sort()).toEqual([...bytesFront].sort()); // our dominance agrees
      expect(data.axes).toEqual(['snnBytes', 'macs', 'latencyMs']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses lines that break the contract (explore\'s parser: fields, ranges, hex keys)', () => {
    const failed = { key: 'ab12cd34', config: {}, status: 'failed', error: 'boom', seconds: 1, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z' };
    expect(parseTrialLine(JSON.stringify(failed))).toMatchObject({ key: 'ab12cd34', status: 'failed', error: 'boom' });
    expect(parseTrialLine(JSON.stringify({ ...failed, status: 'done', metrics: { ...METRICS, testAccuracy: 1.5 } }))).toBeUndefined();
    expect(parseTrialLine(JSON.stringify({ ...failed, status: 'running' }))).toBeUndefined();
    expect(parseTrialLine(JSON.stringify({ ...failed, key: 'not-hex' }))).toBeUndefined();
    expect(parseTrialLine(JSON.stringify({ ...failed, artifact: '../../etc/passwd' }))).toBeUndefined();
    expect(parseTrialLine('[1,2]')).toBeUndefined();
    expect(parseTrials('not json\n').skipped).toBe(1);
  });

  it('the first line of a key is kept and a repeat is counted as skipped, as the trial store reads its log', () => {
    const line = (acc: number) => JSON.stringify({ key: 'ab12cd34', config: {}, status: 'done', metrics: { ...METRICS, testAccuracy: acc }, seconds: 1, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z' });
    const text = `${line(0.5)}\n${line(0.75)}\n`;
    expect(parseTrials(text).trials.map((t) => t.metrics!.testAccuracy)).toEqual([0.5]);
    expect(parseTrials(text).skipped).toBe(1);
    expect(parseTrialLog(text).records.map((r) => r.metrics!.testAccuracy)).toEqual([0.5]); // the store agrees
  });

  it('reads `smallnets demo --json` rows as points on the bytes axis with a computed front', () => {
    const demo = JSON.stringify({ command: 'demo', rows: [
      { variant: 'dense', params: 431080, nonzeroParams: 431080, testAccuracy: 0.987, bytes: 1724320 },
      { variant: 'pruned', params: 431080, nonzeroParams: 34486, testAccuracy: 0.988, bytes: 200000 },
      { variant: 'worse', params: 431080, nonzeroParams: 34486, testAccuracy: 0.95, bytes: 300000 },
    ] });
    const data = demoExploration('demo.json', `progress on stdout\n${demo}\n`);
    expect(data.axes).toEqual(['snnBytes']);
    expect(data.pareto.accuracyVsBytes).toEqual(['pruned']);
    expect(() => demoExploration('x.json', '{"rows": 3}')).toThrow(/neither an exploration's trials.jsonl nor/);
  });
});
