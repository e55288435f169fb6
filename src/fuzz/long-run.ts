/**
 * A long fuzz run (`npm run fuzz -- --target NAME --minutes M`): cases run in a worker thread
 * (./worker.ts) that writes a heartbeat before each case; a case still running after the time limit
 * is a hang — the worker is terminated (which stops even a synchronous endless loop) and restarted at
 * the next case. A worker that dies (out of memory, say) marks its current case a memory crash the
 * same way. Every crashing input is regenerated here from (seed, index) and saved to
 * test/fuzz-corpus/NAME/, where the CI test replays it.
 */
import { Worker } from 'node:worker_threads';
import { saveToCorpus } from './corpus.js';
import { makeCase, targetSeeds, type CrashReason } from './engine.js';
import type { WorkerMessage, WorkerRequest } from './long-run-protocol.js';
import { FUZZ_TARGETS } from './targets/index.js';
import type { FuzzTarget } from './target.js';

export interface LongRunOptions {
  seed: number;
  /** Stop after this many cases … */
  cases?: number;
  /** … or after this many minutes, whichever comes first. */
  minutes?: number;
  caseTimeoutMs?: number;
  memoryBoundMb?: number;
  /** Accepted cases to check deeply (default: all of them). */
  deep?: number;
  /** Where crashing inputs go (default test/fuzz-corpus). */
  corpusRoot?: string;
  /** A module (URL) exporting `fuzzTarget` to run instead of the registry's target of that name. */
  module?: string;
  onProgress?(done: number, crashes: number): void;
}

export interface LongRunCrash {
  index: number;
  kind: string;
  reason: CrashReason;
  error: string;
  file: string;
}

export interface LongRunReport {
  target: string;
  seed: number;
  cases: number;
  accepted: number;
  refused: number;
  crashes: LongRunCrash[];
  hangs: number;
  slowestMs: number;
  /** Wall-clock time of the run, worker start-ups included. */
  seconds: number;
  /** Cases per second of fuzzing (start-ups excluded). */
  casesPerSecond: number;
  peakRssMb: number;
  refusals: Map<string, number>;
}

function startWorker(request: WorkerRequest): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: Math.max(512, request.memoryBoundMb * 2) };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: request, resourceLimits });
  // Under tsx the worker registers tsx's loader in its own thread first (as training/data-parallel.ts does).
  const source = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: request, resourceLimits });
}

/**
 * Run one target for `cases` cases or `minutes` minutes in a watched worker thread.
 * @example
 * const report = await longRun('png', { seed: 7, minutes: 10 });
 */
export async function longRun(targetName: string, options: LongRunOptions): Promise<LongRunReport> {
  const target = options.module ? ((await import(options.module)) as { fuzzTarget: FuzzTarget }).fuzzTarget : FUZZ_TARGETS[targetName];
  if (!target) throw new Error(`unknown fuzz target ${targetName}`);
  const seeds = await targetSeeds(target);
  const total = options.cases ?? Number.MAX_SAFE_INTEGER;
  const until = options.minutes !== undefined ? Date.now() + options.minutes * 60_000 : Number.MAX_SAFE_INTEGER;
  const caseTimeoutMs = options.caseTimeoutMs ?? 2000;
  const report: LongRunReport = {
    target: targetName, seed: options.seed, cases: 0, accepted: 0, refused: 0, crashes: [], hangs: 0,
    slowestMs: 0, seconds: 0, casesPerSecond: 0, peakRssMb: 0, refusals: new Map(),
  };
  const began = performance.now();
  let fuzzingSeconds = 0;
  const record = async (index: number, reason: CrashReason, error: string): Promise<void> => {
    const { bytes, kind } = makeCase(target, seeds, options.seed, index);
    const file = await saveToCorpus(targetName, bytes, options.corpusRoot);
    report.crashes.push({ index, kind, reason, error, file });
    if (reason === 'hang') report.hangs++;
  };
  let start = 0;
  while (start < total && Date.now() < until) {
    const heartbeat = new SharedArrayBuffer(16);
    const beat = new Float64Array(heartbeat);
    beat[0] = start;
    beat[1] = Date.now() + 120_000; // startup (loading TF.js, building seeds) is not a case
    const request: WorkerRequest = {
      target: targetName, ...(options.module ? { module: options.module } : {}), seed: options.seed, start, cases: total - start, caseTimeoutMs,
      memoryBoundMb: options.memoryBoundMb ?? 256, deep: options.deep ?? Number.MAX_SAFE_INTEGER, until, heartbeat,
    };
    const tally = { cases: 0, accepted: 0, refused: 0, seconds: 0 };
    const pending: Array<Promise<void>> = [];
    const worker = startWorker(request);
    const outcome = await new Promise<{ next: number } | 'done'>((settle) => {
      let settled = false;
      const resolve = (value: { next: number } | 'done'): void => {
        if (!settled) (settled = true), settle(value);
      };
      const watchdog = setInterval(() => {
        report.peakRssMb = Math.max(report.peakRssMb, process.memoryUsage.rss() / 2 ** 20);
        options.onProgress?.(report.cases + tally.cases, report.crashes.length + pending.length);
        const running = Date.now() - beat[1]!;
        if (running > caseTimeoutMs * 2) {
          clearInterval(watchdog);
          const index = beat[0]!;
          pending.push(record(index, 'hang', `no result after ${running} ms (limit ${caseTimeoutMs} ms); worker terminated`));
          void worker.terminate();
          resolve({ next: index + 1 });
        }
      }, 250);
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'crash') pending.push(record(message.index, message.reason, message.error));
        else if (message.type === 'tally') Object.assign(tally, message);
        else {
          clearInterval(watchdog);
          Object.assign(tally, { cases: message.cases, accepted: message.accepted, refused: message.refused, seconds: message.seconds });
          report.slowestMs = Math.max(report.slowestMs, message.slowestMs);
          for (const [key, count] of message.refusals) report.refusals.set(key, (report.refusals.get(key) ?? 0) + count);
          resolve('done');
        }
      });
      worker.on('error', (error) => {
        clearInterval(watchdog);
        if (settled) return;
        const index = beat[0]!;
        pending.push(record(index, /memory/i.test(error.message) ? 'memory' : 'error', `worker died: ${error.message.split('\n')[0]}`));
        resolve({ next: index + 1 });
      });
      worker.on('exit', (code) => {
        clearInterval(watchdog);
        if (settled) return;
        const index = beat[0]!;
        pending.push(record(index, 'error', `worker exited with code ${code}`));
        resolve({ next: index + 1 });
      });
    });
    await Promise.all(pending);
    report.accepted += tally.accepted;
    report.refused += tally.refused;
    fuzzingSeconds += tally.seconds;
    if (outcome === 'done') {
      report.cases += tally.cases;
      break;
    }
    report.cases += outcome.next - start;
    start = outcome.next;
  }
  report.seconds = (performance.now() - began) / 1000;
  report.casesPerSecond = report.cases / Math.max(fuzzingSeconds, 1e-9);
  return report;
}
