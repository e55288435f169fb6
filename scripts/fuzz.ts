/**
 * Long fuzz runs: `npm run fuzz -- --target NAME [--minutes M | --cases N] [--seed S] [--record] [--json]`.
 *
 * NAME is one of src/fuzz/targets/index.ts (model-json, png, jpeg, onnx, snn) or `all`. Cases run in
 * a watched worker thread (src/fuzz/long-run.ts): a hang is terminated and counted, every crashing
 * input is saved under test/fuzz-corpus/NAME/ (where the CI test replays it). Prints a summary per
 * target, the most common refusals, and the crashes with what reproduces them; exits 1 on any crash.
 *
 * --record appends the run to test/fuzz-runs.jsonl (the runs results.md reports); --history prints,
 * per target, the longest recorded run instead of fuzzing. --json: the last stdout line is one JSON
 * object (an array of them for `all`).
 */
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CORPUS_ROOT } from '../src/fuzz/corpus.js';
import { longRun, type LongRunReport } from '../src/fuzz/long-run.js';
import { FUZZ_TARGETS } from '../src/fuzz/targets/index.js';

const RUNS = path.join(path.dirname(CORPUS_ROOT), 'fuzz-runs.jsonl');
const args = process.argv.slice(2);
const has = (flag: string): boolean => args.includes(`--${flag}`);

function value(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
}

function number(name: string, check: (n: number) => boolean, what: string): number | undefined {
  const raw = value(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!check(n)) {
    process.stderr.write(`--${name} must be ${what}, got ${raw}\n`);
    process.exit(2);
  }
  return n;
}

const positiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;
const target = value('target') ?? 'all';
const names = target === 'all' ? Object.keys(FUZZ_TARGETS) : [target];
if (!names.every((n) => n in FUZZ_TARGETS)) {
  process.stderr.write(`--target must be one of ${Object.keys(FUZZ_TARGETS).join(', ')} or all, got ${target}\n`);
  process.exit(2);
}
// --iterations is the old name of --cases (the .snn fuzzer's flag).
const cases = number('cases', positiveInt, 'a positive integer') ?? number('iterations', positiveInt, 'a positive integer');
const minutes = number('minutes', (n) => Number.isFinite(n) && n > 0, 'a positive number of minutes');
const seed = number('seed', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer') ?? Date.now() % 2 ** 31;
const deep = number('deep', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer');

interface RunRecord {
  target: string;
  seed: number;
  cases: number;
  seconds: number;
  casesPerSecond: number;
  accepted: number;
  refused: number;
  crashes: number;
  hangs: number;
  peakRssMb: number;
  date: string;
}

function summary(r: LongRunReport): RunRecord {
  return {
    target: r.target, seed: r.seed, cases: r.cases, seconds: Math.round(r.seconds * 10) / 10, casesPerSecond: Math.round(r.casesPerSecond),
    accepted: r.accepted, refused: r.refused, crashes: r.crashes.length, hangs: r.hangs, peakRssMb: Math.round(r.peakRssMb), date: new Date().toISOString(),
  };
}

async function history(): Promise<void> {
  const lines = (await readFile(RUNS, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunRecord);
  const longest = names.map((name) => {
    const runs = lines.filter((r) => r.target === name);
    const best = runs.reduce<RunRecord | undefined>((a, r) => (!a || r.cases > a.cases ? r : a), undefined);
    return { target: name, runs: runs.length, totalCases: runs.reduce((s, r) => s + r.cases, 0), totalCrashes: runs.reduce((s, r) => s + r.crashes, 0), longest: best ?? null };
  });
  for (const l of longest) process.stderr.write(`${l.target}: ${l.runs} recorded runs, ${l.totalCases.toLocaleString('en-US')} cases, longest ${l.longest?.cases.toLocaleString('en-US') ?? '–'}\n`);
  if (has('json')) console.log(JSON.stringify(longest.length === 1 ? longest[0] : longest));
}

if (has('history')) {
  await history();
  process.exit(0);
}

const results: RunRecord[] = [];
let failed = false;
for (const name of names) {
  const report = await longRun(name, {
    seed,
    ...(cases !== undefined ? { cases } : minutes === undefined ? { cases: 10_000 } : {}),
    ...(minutes !== undefined ? { minutes } : {}),
    ...(deep !== undefined ? { deep } : {}),
    // A live counter on a terminal; logs get only the summary.
    ...(process.stderr.isTTY ? { onProgress: (done: number, crashes: number) => process.stderr.write(`\r${name}: ${done.toLocaleString('en-US')} cases, ${crashes} crashes`) } : {}),
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const record = summary(report);
  results.push(record);
  process.stderr.write(
    `${name} (seed ${seed}): ${record.cases.toLocaleString('en-US')} cases in ${record.seconds} s (${record.casesPerSecond}/s) — ` +
      `${record.accepted} accepted, ${record.refused} refused, ${record.crashes} crashes (${record.hangs} hangs), slowest ${report.slowestMs.toFixed(1)} ms, peak RSS ${record.peakRssMb} MB\n`,
  );
  for (const [m, k] of [...report.refusals].sort((a, b) => b[1] - a[1]).slice(0, 10)) process.stderr.write(`  ${String(k).padStart(8)}  ${m}\n`);
  for (const c of report.crashes.slice(0, 20)) {
    process.stderr.write(`  CRASH case ${c.index} (${c.kind}) ${c.reason}: ${c.error.split('\n')[0]}\n    saved ${c.file}\n`);
  }
  if (report.crashes.length > 0) failed = true;
  if (has('record')) await appendFile(RUNS, `${JSON.stringify(record)}\n`);
}
if (has('json')) console.log(JSON.stringify(results.length === 1 ? results[0] : results));
process.exit(failed ? 1 : 0);
