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
    [['trian'], /unknown command 'trian' \(Did you mean train\?\)/],
    [['train', 'lenet5', '--epoch', '2'], /unknown option '--epoch' \(Did you mean --epochs\?\)/],
    [['summary', 'lenet5', '--backend', 'gpu'], /--backend must be one of wasm, cpu, got "gpu"/],
    [['summary', 'lenet5', '--format', 'xml'], /--format must be one of table, markdown, csv, got "xml"/],
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

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help marks required options, lists choices and shows defaults in one style', async () => {
    const r = await runCli(['quantize', '--help']);
    expect(r.stdout).toMatch(/--bits <n>\s+weight bits[^\n]*\(required\)/);
    expect(r.stdout).toMatch(/--range <method>.*minmax\s+\(choices: minmax, mse; default: mse\)/);
    expect(r.stdout).toMatch(/--backend <name>\s+TF\.js backend \(choices: wasm, cpu; default: wasm\)/);
    expect(r.stdout).not.toMatch(/\(default \d/); // never "(default 10)" without the colon
  });

  it('every command has --help with at least one example', async () => {
    const top = await runCli(['--help']);
    const names = [...top.stdout.matchAll(/^  (\w+) /gm)].map((m) => m[1]!).filter((n) => n !== 'help');
    expect(names.length).toBeGreaterThanOrEqual(13);
    for (const name of names) {
      const r = await runCli([name, '--help']);
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toMatch(new RegExp(`Examples:\\n  \\$ smallnets ${name}\\b`));
    }
  });

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
    // Streams: with --json stdout is exactly the JSON line; without, the result is on stdout (`> acc.txt` keeps it).
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(e.stdout.trim().split('\n')).toHaveLength(1);
    const plain = await runCli(['evaluate', out]);
    expect(plain.stdout).toMatch(/test accuracy \d+\.\d\d% on 2,000 digits/);
    expect(plain.stderr).not.toMatch(/test accuracy/);
  });
});

describe('one grammar', () => {
  it('the model is the first argument of every command that reads one; --model is an alias', async () => {
    const { takeModel } = await import('./command.js');
    expect(takeModel(['out/lenet5', 'a.png'], undefined)).toEqual({ model: 'out/lenet5', rest: ['a.png'] });
    expect(takeModel(['a.png', 'b.png'], 'out/lenet5')).toEqual({ model: 'out/lenet5', rest: ['a.png', 'b.png'] });
    expect(() => takeModel([], undefined)).toThrow(/missing model/);
    for (const name of ['evaluate', 'summary', 'compress', 'decompress', 'export', 'prune', 'sensitivity', 'restructure', 'predict', 'quantize', 'cluster']) {
      const help = (await runCli([name, '--help'])).stdout;
      expect(help, name).toMatch(new RegExp(`^Usage: smallnets ${name} \\[options\\] \\[model\\]`, 'm'));
      expect(help, name).toMatch(/--model <path>/);
    }
  });

  it('one name per concept: compress --sparsity as prune, restructure --teacher-weight beside --width (old names still parse)', async () => {
    const { recipeFromFlags } = await import('./compress.js');
    expect(recipeFromFlags({ sparsity: 0.5, huffman: true }).prune).toBe(0.5);
    expect(recipeFromFlags({ prune: 0.6, huffman: true }).prune).toBe(0.6);
    expect((await runCli(['compress', '--help'])).stdout).toMatch(/--sparsity <x>/);
    const restructure = (await runCli(['restructure', '--help'])).stdout;
    expect(restructure).toMatch(/--teacher-weight <w>/);
    expect(restructure).not.toMatch(/--alpha/);
    const { defaultOut } = await import('./prune.js');
    expect(defaultOut('out/lenet5', { kind: 'unstructured' }, 0.92)).toBe('out/lenet5-p92');
    expect(defaultOut('out/lenet5', { kind: 'nm', n: 2, m: 4 }, undefined)).toBe('out/lenet5-2of4');
  });
});

describe('accuracy drop warning', () => {
  it('warns only beyond 2 points, and only when both accuracies are known', async () => {
    const { accuracyDropWarning } = await import('./output.js');
    expect(accuracyDropWarning(0.9635, 0.4235, 'hint')).toBe('test accuracy fell 54.00 points (96.35% → 42.35%), more than 2; hint');
    expect(accuracyDropWarning(0.9635, 0.945, 'hint')).toBeUndefined();
    expect(accuracyDropWarning(null, 0.1, 'hint')).toBeUndefined();
  });
});
