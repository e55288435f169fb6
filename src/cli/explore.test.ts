import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { lenet300 } from '../models/lenet.js';
import { saveModel } from '../models/io.js';
import { trainModel } from '../training/train.js';
import { gridConfigs, loadSpace } from '../explore/space.js';
import { trialKey } from '../explore/trial-key.js';
import { runCli } from './run-cli.test-util.js';

let dir: string;
let model: string;
let space: string;
const DIGITS = ['--train-digits', '256', '--test-digits', '200'];

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

async function logKeys(out: string): Promise<string[]> {
  const text = await readFile(path.join(out, 'trials.jsonl'), 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { key: string }).key);
}

async function accuracies(out: string): Promise<Record<string, number>> {
  const text = await readFile(path.join(out, 'trials.jsonl'), 'utf8');
  const entries = text.trim().split('\n').map((l) => JSON.parse(l) as { key: string; metrics: { testAccuracy: number } });
  return Object.fromEntries(entries.map((r) => [r.key, r.metrics.testAccuracy]));
}

describe('smallnets explore', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-explore-'));
    const m = lenet300(1);
    trainModel(m, head(loadMnist().train, 256), { epochs: 1, progress: false });
    model = path.join(dir, 'lenet300');
    await saveModel(m, model);
    space = path.join(dir, 'tiny.json');
    await writeFile(space, JSON.stringify({ name: 'tiny', knobs: { sparsity: [0, 0.9], clusters: [null, 'dense:4'], epochs: [1], fineTuneEpochs: [1] } }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('kill -9 mid-sweep, restart: the trial set of an uninterrupted run, no duplicates; store, fronts, csv, charts, JSON; a third run has nothing to do', async () => {
    const out = path.join(dir, 'grid');
    const entry = new URL('./main.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, [
      '--import', 'tsx', '--input-type=module', '-e',
      `const { main } = await import(${JSON.stringify(entry)}); process.exitCode = await main(process.argv.slice(1));`,
      '--', 'explore', model, '--space', space, '--workers', '0', '--out', out, ...DIGITS,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill it as soon as two trials are stored (mid-sweep: the third is running).
    for (;;) {
      const lines = await readFile(path.join(out, 'trials.jsonl'), 'utf8').then((t) => t.split('\n').length - 1, () => 0);
      if (lines >= 2) break;
      if (child.exitCode !== null) throw new Error(`explore ended before it could be killed: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const before = await logKeys(out);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(4);

    const r = await runCli(['explore', model, '--space', space, '--workers', '0', '--out', out, ...DIGITS, '--max-drop', '100', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`resuming .*: ${before.length} finished trials kept`));
    const result = lastJson(r.stdout);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(result).toMatchObject({ command: 'explore', trials: 4, ran: 4 - before.length, failed: 0, out });
    const keys = await logKeys(out);
    expect(keys.length).toBe(new Set(keys).size);
    expect([...keys].sort()).toEqual(gridConfigs(await loadSpace(space)).map(trialKey).sort());
    expect(keys.slice(0, before.length)).toEqual(before);

    const pareto = JSON.parse(await readFile(path.join(out, 'pareto.json'), 'utf8')) as Record<string, string[]>;
    expect(Object.keys(pareto)).toEqual(['accuracyVsBytes', 'accuracyVsMacs', 'accuracyVsLatency']);
    expect(result['pareto']).toEqual(pareto['accuracyVsBytes']);
    for (const k of Object.values(pareto).flat()) expect(keys).toContain(k);
    // With a 100-point budget the best is simply the smallest file.
    const records = (await readFile(path.join(out, 'trials.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { metrics: { snnBytes: number; latencyEngine: string } });
    expect((result['best'] as { bytes: number }).bytes).toBe(Math.min(...records.map((t) => t.metrics.snnBytes)));
    expect(records.map((t) => t.metrics.latencyEngine)).toEqual(['runtime', 'runtime', 'runtime', 'runtime']);
    expect((await readFile(path.join(out, 'trials.csv'), 'utf8')).trim().split('\n')).toHaveLength(5);
    for (const chart of ['bubble.svg', 'accuracy-vs-bytes.svg', 'accuracy-vs-latency.svg']) {
      const svg = await readFile(path.join(out, chart), 'utf8');
      expect(svg, chart).toMatch(/^<\?xml[^]*<svg[^]*<\/svg>\s*$/);
      expect(svg).toMatch(/k=dense:4/);
    }
    for (const key of keys) expect((await stat(path.join(out, 'artifacts', `${key}.snn`))).size).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/Pareto front \(accuracy vs \.snn bytes\)/); // the table moves to stderr under --json

    const again = await runCli(['explore', model, '--space', space, '--workers', '0', '--out', out, ...DIGITS, '--format', 'csv']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resuming .*: 4 finished trials kept/);
    expect(again.stdout).toMatch(/^Pareto front \(accuracy vs \.snn bytes\),accuracy,/); // results on stdout, as CSV
    expect(again.stdout).toMatch(/\nbest within 0\.2 points of /);
  });

  it('two worker threads give the same trials and the same accuracies as one thread', async () => {
    const out = path.join(dir, 'threads');
    const r = await runCli(['explore', model, '--space', space, '--workers', '2', '--trials', '2', '--out', out, ...DIGITS, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/trials on 2 threads/);
    const inline = await accuracies(path.join(dir, 'grid'));
    const threads = await accuracies(out);
    expect(Object.keys(threads)).toHaveLength(2);
    for (const [key, accuracy] of Object.entries(threads)) expect(accuracy, key).toBe(inline[key]);
  });

  it('auto: profiles the layers once (cached for a resumed run), proposes per-layer trials within the --trials budget', async () => {
    const out = path.join(dir, 'auto');
    const args = ['explore', model, '--strategy', 'auto', '--trials', '2', '--space', space, '--workers', '0', '--out', out, ...DIGITS, '--max-drop', '100', '--json'];
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ command: 'explore', strategy: 'auto', space: 'auto (tiny)', trials: 2 });
    expect(r.stderr).toMatch(/profiling layers: clustering/);
    expect(r.stderr).toMatch(/auto: stopped after 2 trials \(the --trials budget\)/);
    const configs = (await readFile(path.join(out, 'trials.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).config as Record<string, unknown>);
    for (const c of configs) {
      expect(c['epochs']).toBe(1);
      expect(String(c['clusters'])).toMatch(/^fc1:\d+,fc2:\d+,fc3:\d+$/);
    }
    const again = await runCli(args);
    expect(again.stderr).toMatch(/auto: per-layer sensitivity from .*sensitivity-[0-9a-f]{12}-256\.json/);
    expect(lastJson(again.stdout)).toMatchObject({ trials: 2, ran: 0 });
  });

  it('usage errors: a malformed space names the field, another space in --out is refused, no model', async () => {
    const bad = path.join(dir, 'bad-space.json');
    await writeFile(bad, JSON.stringify({ knobs: { widht: [1, 0.5] } }));
    const r1 = await runCli(['explore', model, '--space', bad, '--out', path.join(dir, 'never')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/^smallnets: space\.knobs\.widht is not a knob \(knobs: width,/);
    const r2 = await runCli(['explore', model, '--space', 'quick', '--workers', '0', '--out', path.join(dir, 'grid'), ...DIGITS]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--out .*grid holds another exploration \(space tiny vs quick\).*--force/);
    const r3 = await runCli(['explore', 'lenet5', '--out', path.join(dir, 'never')]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/explore needs a trained model; lenet5 names an untrained builder/);
    const cases: Array<[string[], RegExp]> = [
      [['explore', '--out', path.join(dir, 'never')], /^smallnets: missing model: give it as the first argument/],
      [['explore', model, '--strategy', 'random', '--out', path.join(dir, 'never')], /^smallnets: the random strategy needs --trials/],
      [['explore', model, '--strategy', 'best', '--out', path.join(dir, 'never')], /--strategy must be one of grid, random, auto, got "best"/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    await expect(stat(path.join(dir, 'never'))).rejects.toThrow();
  });
});
