import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../engine/backend.js';
import * as tfl from '@tensorflow/tfjs-layers';
import { saveModel } from '../models/io.js';
import { parseTrialLog } from '../explore/trial-record.js';
import { cliProcess, waitForStderr } from './cli-process.test-util.js';
import { runCli } from './run-cli.test-util.js';

let root: string;
let model: string;
let space: string;
// Tiny data and model: a trial takes a fraction of a second; six of them, so the signal lands while some run.
const DIGITS = ['--train-digits', '64', '--test-digits', '50'];

/** What an interrupted exploration directory may hold: results, never a temporary file or a lock. */
const RESULT_FILES = new Set(['space.json', 'trials.jsonl', 'artifacts', 'pareto.json', 'trials.csv', 'bubble.svg', 'accuracy-vs-bytes.svg', 'accuracy-vs-latency.svg']);

/**
 * Start `explore` on `workers` threads, send `signal` once its first trial is stored (the others
 * are running), and check what a user would: it ends within 2 s by that signal (the shell reports
 * 130/143), nothing but results is left in --out, and every line of the log is a whole record whose
 * artifact is in place. Returns how many trials were kept.
 */
async function interruptExplore(name: string, workers: string, signal: 'SIGINT' | 'SIGTERM'): Promise<number> {
  const out = path.join(root, name);
  const run = cliProcess(['explore', model, '--space', space, '--workers', workers, '--out', out, ...DIGITS]);
  await waitForStderr(run, /\ntrial [0-9a-f]{16} /);
  const sent = performance.now();
  run.child.kill(signal);
  const { code, signal: endedBy, at } = await run.exited;
  expect({ code, endedBy }, run.stderr().slice(-400)).toEqual({ code: null, endedBy: signal });
  expect(at - sent).toBeLessThan(2000);
  expect((await readdir(out)).filter((n) => !RESULT_FILES.has(n))).toEqual([]);
  const log = parseTrialLog(await readFile(path.join(out, 'trials.jsonl'), 'utf8'));
  expect({ skipped: log.skipped, tornTail: log.tornTail }).toEqual({ skipped: 0, tornTail: false });
  expect(log.records.length).toBeGreaterThanOrEqual(1);
  expect(log.records.length).toBeLessThan(6);
  for (const r of log.records) expect((await stat(path.join(out, r.artifact!))).size).toBeGreaterThan(0);
  expect((await readdir(path.join(out, 'artifacts'))).sort()).toEqual(log.records.map((r) => `${r.key}.snn`).sort());
  return log.records.length;
}

describe('Ctrl-C and SIGTERM during smallnets explore', () => {
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'smallnets-explore-interrupt-'));
    await initBackend('cpu');
    // A digit model small enough that a trial takes a fraction of a second.
    const tiny = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [28, 28, 1] }), tfl.layers.dense({ units: 16, activation: 'relu' }), tfl.layers.dense({ units: 10, activation: 'softmax' })] });
    model = path.join(root, 'tiny');
    await saveModel(tiny, model);
    tiny.dispose();
    space = path.join(root, 'space.json');
    await writeFile(space, JSON.stringify({ name: 'six', knobs: { sparsity: [0, 0.3, 0.5, 0.7, 0.8, 0.9], epochs: [1], fineTuneEpochs: [1] } }));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('on 2 threads (SIGINT) and 1 thread (SIGTERM): ends within 2 s, leaves a valid log and no temporary file or lock; a rerun resumes', async () => {
    const [kept] = await Promise.all([interruptExplore('two-threads', '2', 'SIGINT'), interruptExplore('one-thread', '1', 'SIGTERM')]);
    const r = await runCli(['explore', model, '--space', space, '--workers', '0', '--out', path.join(root, 'two-threads'), ...DIGITS, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`resuming .*: ${kept} finished trials? kept`));
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ trials: 6, ran: 6 - kept!, failed: 0 });
  });
});
