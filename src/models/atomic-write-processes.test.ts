import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const CHILD = path.join(path.dirname(new URL(import.meta.url).pathname), 'write-out-child.test-util.ts');

interface Outcome {
  ok: boolean;
  name?: string;
  error?: string;
}

interface Run {
  pid: number;
  outcome: Promise<{ result: Outcome | null; signal: NodeJS.Signals | null; code: number | null }>;
  writing: Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

function writer(target: string, tag: string, count: number, startAt: number, force: boolean, kind: 'dir' | 'file' = 'dir'): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target, tag, String(count), String(startAt), force ? '1' : '0', kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  let announce: () => void = () => undefined;
  const writing = new Promise<void>((resolve) => (announce = resolve));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes('writing\n')) announce();
  });
  const outcome = new Promise<{ result: Outcome | null; signal: NodeJS.Signals | null; code: number | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      resolve({ result: line.startsWith('{') ? (JSON.parse(line) as Outcome) : null, signal, code });
    }),
  );
  return { pid: child.pid!, outcome, writing, kill: (signal) => child.kill(signal) };
}

/** Tags found in the output's files: exactly one when the output is whole. */
async function tagsIn(target: string): Promise<Set<string>> {
  const tags = new Set<string>();
  for (const name of await readdir(target)) for (const line of new Set((await readFile(path.join(target, name), 'utf8')).split('\n'))) if (line) tags.add(line);
  return tags;
}

/** Everything in `dir` but the output itself: temporary siblings, moved-aside outputs, locks. */
async function leftovers(dir: string, output: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n !== output);
}

let root: string;

describe.concurrent('outputs written by real processes', () => {
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'smallnets-writers-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('two processes writing the same --out at once: one wins whole, the other fails naming it, nothing is mixed or left behind', async () => {
    const dir = path.join(root, 'race');
    await mkdir(dir);
    const target = path.join(dir, 'out');
    const startAt = Date.now() + 2500; // both are usually started by then (tsx start-up); a late one writes after the other
    const runs = [writer(target, 'A', 300, startAt, false), writer(target, 'B', 300, startAt, false)];
    const outcomes = await Promise.all(runs.map((r) => r.outcome));
    const winners = outcomes.filter((o) => o.result?.ok);
    const losers = outcomes.filter((o) => o.result && !o.result.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const loser = losers[0]!.result!;
    const winnerPid = runs[outcomes.findIndex((o) => o.result?.ok)]!.pid;
    // Overlapping writes meet the lock; a late one finds the output written without --force.
    expect(loser.error).toMatch(new RegExp(`being written by process ${winnerPid} right now|was written by another process while this one ran|exists and is not empty`));
    expect(loser.error).not.toContain('\n');
    expect((await tagsIn(target)).size).toBe(1);
    expect(await readdir(target)).toHaveLength(300);
    expect(await leftovers(dir, 'out')).toEqual([]);
  });

  it('with --force both may write, one after the other: the result is always one of them whole', async () => {
    const dir = path.join(root, 'race-force');
    await mkdir(dir);
    const target = path.join(dir, 'out.bin');
    const startAt = Date.now() + 2500;
    const outcomes = await Promise.all([writer(target, 'A', 300, startAt, true, 'file'), writer(target, 'B', 300, startAt, true, 'file')].map((r) => r.outcome));
    expect(outcomes.some((o) => o.result?.ok)).toBe(true);
    for (const o of outcomes) if (!o.result!.ok) expect(o.result!.error).toMatch(/being written by process \d+ right now/);
    expect(new Set((await readFile(target, 'utf8')).split('\n').filter(Boolean)).size).toBe(1);
    expect(await leftovers(dir, 'out.bin')).toEqual([]);
  });

  it('SIGTERM at any moment of a write leaves the old output or the new one whole, and no temporary file', async () => {
    const dir = path.join(root, 'signal');
    await mkdir(dir);
    const target = path.join(dir, 'out');
    await mkdir(target);
    await writeFile(path.join(target, 'old.txt'), 'OLD\n');
    const seen = new Set<string>();
    let previous = { tag: 'OLD', files: 1 };
    for (const delay of [0, 30, 120]) {
      const run = writer(target, `NEW${delay}`, 400, 0, true);
      await run.writing;
      await new Promise((r) => setTimeout(r, delay));
      run.kill('SIGTERM');
      const { signal, result } = await run.outcome;
      // Killed by SIGTERM mid-write, or the write had already finished.
      expect(signal === 'SIGTERM' || result?.ok === true).toBe(true);
      const tags = [...(await tagsIn(target))];
      expect(tags).toHaveLength(1);
      const files = (await readdir(target)).length;
      // Either the output from before this run, untouched, or this run's, whole.
      if (tags[0] === previous.tag) expect(files).toBe(previous.files);
      else {
        expect([tags[0], files]).toEqual([`NEW${delay}`, 400]);
        previous = { tag: tags[0]!, files };
      }
      seen.add(signal ?? 'finished');
      expect(await leftovers(dir, 'out')).toEqual([]);
    }
    expect(seen.has('SIGTERM')).toBe(true);
  });
});
