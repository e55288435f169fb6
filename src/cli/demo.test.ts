import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './run-cli.test-util.js';

let dir: string;

describe('smallnets demo (npm start)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-demo-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('--quick: the table on stdout, the compressed row reuses the pruned model, a self-contained HTML report with three charts', async () => {
    const report = path.join(dir, 'nested', 'report.html');
    const r = await runCli(['demo', '--quick', '--only', 'pruned,compressed', '--report', report]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/LeNet-5 dense \(fp32\)/);
    expect(r.stdout).toMatch(/\[2\] \.snn file: .*the pruned row's model/);
    expect(r.stdout.trim().split('\n').pop()).toBe(`3 variants in ${/([\d.]+) s/.exec(r.stdout.trim().split('\n').pop()!)![1]} s; report: ${report}`);
    expect(Math.max(...r.stdout.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(120);
    const html = await readFile(report, 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toMatch(/LeNet-5 Deep Compression \(\.snn\)/);
    // Self-contained: nothing is fetched when it opens.
    expect(html).not.toMatch(/<(script|link|img)\b/);
    expect(html).not.toMatch(/(src|href)="https?:/);
  }, 120_000);
});
