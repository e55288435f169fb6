import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './run-cli.test-util.js';

let dir: string;

describe('smallnets CLI conventions', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('--help works for the program and for each command', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    const train = await runCli(['train', '--help']);
    expect(train.code).toBe(0);
  });

  const usageErrors: Array<[string[], RegExp]> = [
    [['train', 'lenet7'], /model must be one of lenet5, lenet300, got "lenet7"/],
    [['train', 'lenet5', '--epochs', '0'], /--epochs must be a positive integer, got "0"/],
    [['train', 'lenet5', '--lr', '-0.1'], /--lr must be a positive number, got "-0.1"/],
    [['train', 'lenet5', '--lr', 'fast'], /--lr must be a positive number, got "fast"/],
    [['train', 'lenet5', '--batch-size', '2.5'], /--batch-size must be a positive integer, got "2.5"/],
    [['train', 'lenet5', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [argv, message] of usageErrors) {
    it(`usage error: ${argv.join(' ')} → exit 2, one line`, async () => {
      const r = await runCli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')[0]).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }

  it('an existing non-empty --out without --force is refused before training, nothing written', async () => {
    const out = path.join(dir, 'busy');
    await mkdir(out);
    await writeFile(path.join(out, 'keep.txt'), 'x');
    const r = await runCli(['train', 'lenet300', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*busy exists and is not empty/);
    expect(await readdir(out)).toEqual(['keep.txt']);
  });

  it('an unwritable --out is refused with exit 2', async () => {
    const r = await runCli(['train', 'lenet300', '--out', '/proc/smallnets-cannot-write']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not writable/);
  });

  it('evaluate on a directory missing files is a runtime error: exit 1, one line, no stack', async () => {
    const r = await runCli(['evaluate', path.join(dir, 'nothing-here')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/does not exist/);
  });

  it('train --json writes a loadable model and ends stdout with the result object; evaluate agrees', async () => {
    const out = path.join(dir, 'l300');
    const r = await runCli(['train', 'lenet300', '--epochs', '1', '--out', out, '--json', '--seed', '3']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ command: 'train', model: 'lenet300', params: 266_610, epochs: 1, out });
    expect(result.testAccuracy).toBeGreaterThan(0.85);
    expect(result.imagesPerSecond).toBeGreaterThan(0);
    const e = await runCli(['evaluate', out, '--json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout.trim().split('\n').pop()!)).toMatchObject({ command: 'evaluate', testAccuracy: result.testAccuracy });
  });
});
