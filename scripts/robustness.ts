/**
 * The robustness checks of issue 12 for results.md: `npx tsx scripts/robustness.ts --check NAME --json`
 * runs that check's test file with vitest (real processes signalled mid-run, two writers at once,
 * leak tests) and prints what it verified and whether it passed: the last stdout line is one JSON
 * object. The tests are the measurement — the same ones `npm test` runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface Check {
  file: string;
  /** What the check establishes, for the table. */
  what: string;
}

export const ROBUSTNESS_CHECKS: Readonly<Record<string, Check>> = {
  'interrupt-train-prune-compress': { file: 'src/cli/interrupt.test.ts', what: 'SIGINT/SIGTERM mid-epoch: train, prune, compress' },
  'interrupt-explore': { file: 'src/cli/explore-interrupt.test.ts', what: 'SIGINT/SIGTERM during explore on 2 threads and 1 thread, then resume' },
  'two-writers': { file: 'src/models/atomic-write-processes.test.ts', what: 'two processes writing one --out; SIGTERM at every moment of a write' },
  'leak-predict': { file: 'src/pipeline/predict-leak.test.ts', what: '1,000 predictions; 50 open/predict/dispose cycles' },
  'leak-explore': { file: 'src/explore/explore-leak.test.ts', what: 'a 3-trial exploration in-process' },
};

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const name = args[args.indexOf('--check') + 1] ?? '';
const check = ROBUSTNESS_CHECKS[name];
if (!args.includes('--check') || !check) {
  process.stderr.write(`--check must be one of ${Object.keys(ROBUSTNESS_CHECKS).join(', ')}, got ${name || 'nothing'}\n`);
  process.exit(2);
}

interface VitestReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ assertionResults: Array<{ title: string; status: string; duration?: number | null }> }>;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'smallnets-robustness-'));
try {
  const output = path.join(dir, 'report.json');
  const started = performance.now();
  const run = spawnSync('npx', ['vitest', 'run', check.file, '--reporter=json', `--outputFile=${output}`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = (performance.now() - started) / 1000;
  const report = JSON.parse(readFileSync(output, 'utf8')) as VitestReport;
  const tests = report.testResults.flatMap((f) => f.assertionResults);
  const result = {
    check: name,
    what: check.what,
    file: check.file,
    tests: report.numTotalTests,
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    testSeconds: Number((tests.reduce((s, t) => s + (t.duration ?? 0), 0) / 1000).toFixed(1)),
    seconds: Number(seconds.toFixed(1)),
    titles: tests.map((t) => `${t.status === 'passed' ? '✓' : '✗'} ${t.title}`),
  };
  process.stdout.write(`${result.titles.join('\n')}\n${JSON.stringify(result)}\n`);
  process.exitCode = run.status === 0 && result.failed === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
