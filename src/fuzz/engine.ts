/**
 * The fuzzing engine every target shares. Case `i` of a run with seed `s` is a pure function of
 * (target seeds, s, i): a seed input with 1–3 mutations (structure-aware three times in four,
 * generic bytes otherwise), then the target's repairs — so any crash is reproduced from two numbers,
 * and a long run can be cut into chunks or restarted after a hang at the next case.
 *
 * A case is a crash when the decoder throws anything but its documented refusal, refuses with a
 * multi-line message, takes longer than the per-case limit, or leaves the process's resident memory
 * more than a bound above where the run started. (In-process the time limit is checked after the case
 * returns; `npm run fuzz` runs cases in a worker thread and terminates one that does not return.)
 */
import { mulberry32 } from '../random.js';
import { mutateBytes, randomInt } from './mutate-bytes.js';
import type { FuzzTarget, Mutation, Random } from './target.js';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Index of the first case (default 0). */
  start?: number;
  /** A case slower than this is a hang (default 1000 ms). */
  caseTimeoutMs?: number;
  /** Resident memory growth over the run's start that counts as a crash (default 256 MB). */
  memoryBoundMb?: number;
  /** How many accepted cases also get the target's deep check (default 0). */
  deep?: number;
  /** Stop before starting a case once Date.now() passes this (long runs by time). */
  until?: number;
  /** Called before every case (a watchdog's heartbeat). */
  onCaseStart?(index: number): void;
  /** Called after every case with how it ended. */
  onCaseEnd?(index: number, status: 'accepted' | 'refused' | 'crash'): void;
  /** Called with each crash as it is found. */
  onCrash?(crash: FuzzCrash): void;
}

export type CrashReason = 'error' | 'multi-line' | 'hang' | 'memory' | 'deep';

export interface FuzzCrash {
  index: number;
  kind: string;
  reason: CrashReason;
  error: string;
  input: Uint8Array;
}

export interface FuzzReport {
  target: string;
  seed: number;
  cases: number;
  accepted: number;
  refused: number;
  deepChecked: number;
  crashes: FuzzCrash[];
  slowestMs: number;
  seconds: number;
  casesPerSecond: number;
  peakRssMb: number;
  /** Refusal messages with names and numbers stripped, and how often each occurred. */
  refusals: Map<string, number>;
}

/** The random stream of case `index` in a run seeded `seed`. */
export function caseRandom(seed: number, index: number): Random {
  return mulberry32((Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

const seedCache = new Map<string, Uint8Array[]>();

/** The target's seed inputs, built once per process. */
export async function targetSeeds(target: FuzzTarget): Promise<Uint8Array[]> {
  let seeds = seedCache.get(target.name);
  if (!seeds) {
    // Plain copies: a Node Buffer's slice() is a view, so a mutation would write into the seed.
    seeds = (await target.seeds()).map((s) => new Uint8Array(s));
    if (seeds.length === 0) throw new Error(`fuzz target ${target.name} has no seeds`);
    seedCache.set(target.name, seeds);
  }
  return seeds;
}

/** The input of case `index`: deterministic in (seeds, seed, index). */
export function makeCase(target: FuzzTarget, seeds: Uint8Array[], seed: number, index: number): Mutation {
  const random = caseRandom(seed, index);
  let bytes = seeds[randomInt(random, seeds.length)]!;
  const kinds: string[] = [];
  const rounds = 1 + randomInt(random, 3);
  for (let k = 0; k < rounds; k++) {
    const m = random() < 0.75 ? target.mutate(bytes, random) : mutateBytes(bytes, random);
    bytes = m.bytes;
    kinds.push(m.kind);
  }
  if (target.finish) bytes = target.finish(bytes, random);
  return { bytes, kind: kinds.join('+') };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `non-Error thrown: ${String(error)}`;
}

/** A refusal message with quoted names, paths and numbers replaced, so similar refusals count together. */
export function refusalKey(message: string): string {
  return message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\S*\/\S*/g, '…')
    .replace(/\d+(\.\d+)?/g, 'N')
    .slice(0, 160);
}

export type Verdict =
  | { status: 'accepted' }
  | { status: 'refused'; message: string }
  | { status: 'crash'; reason: CrashReason; error: string };

/** Run one input through the target and classify what happened (hang and memory are the caller's). */
export async function judge(target: FuzzTarget, input: Uint8Array): Promise<Verdict> {
  try {
    await target.run(input);
    return { status: 'accepted' };
  } catch (error) {
    if (!target.isRefusal(error)) return { status: 'crash', reason: 'error', error: describe(error) };
    const message = (error as Error).message;
    if (message.includes('\n')) return { status: 'crash', reason: 'multi-line', error: message };
    return { status: 'refused', message };
  }
}

const megabytes = (bytes: number): number => bytes / 2 ** 20;

/**
 * Run `options.cases` cases of `target`; deterministic for (seed, start, cases).
 * @example
 * const report = await runFuzzTarget(FUZZ_TARGETS.png, { cases: 10_000, seed: 1 });
 * report.crashes; // []
 */
export async function runFuzzTarget(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const seeds = await targetSeeds(target);
  const timeout = options.caseTimeoutMs ?? 1000;
  const bound = options.memoryBoundMb ?? 256;
  const start = options.start ?? 0;
  const report: FuzzReport = {
    target: target.name, seed: options.seed, cases: options.cases, accepted: 0, refused: 0, deepChecked: 0,
    crashes: [], slowestMs: 0, seconds: 0, casesPerSecond: 0, peakRssMb: 0, refusals: new Map(),
  };
  let baseline = megabytes(process.memoryUsage.rss());
  const began = performance.now();
  let index = start;
  for (; index < start + options.cases; index++) {
    if (options.until !== undefined && Date.now() > options.until) break;
    options.onCaseStart?.(index);
    const { bytes, kind } = makeCase(target, seeds, options.seed, index);
    const caseStart = performance.now();
    let verdict = await judge(target, bytes);
    if (verdict.status === 'accepted' && target.deep && report.deepChecked < (options.deep ?? 0)) {
      report.deepChecked++;
      try {
        await target.deep(bytes);
      } catch (error) {
        verdict = { status: 'crash', reason: 'deep', error: describe(error) };
      }
    }
    const ms = performance.now() - caseStart;
    report.slowestMs = Math.max(report.slowestMs, ms);
    const crash = (reason: CrashReason, error: string): void => {
      const found = { index, kind, reason, error, input: bytes };
      report.crashes.push(found);
      options.onCrash?.(found);
    };
    if (verdict.status === 'accepted') report.accepted++;
    else if (verdict.status === 'refused') {
      report.refused++;
      const key = refusalKey(verdict.message);
      report.refusals.set(key, (report.refusals.get(key) ?? 0) + 1);
    } else crash(verdict.reason, verdict.error);
    if (ms > timeout) crash('hang', `took ${ms.toFixed(0)} ms (limit ${timeout} ms)`);
    // Reading RSS costs tens of µs: every 16 cases, and after any slow case (where big allocations show).
    if ((index - start) % 16 === 0 || ms > 20) {
      const rss = megabytes(process.memoryUsage.rss());
      report.peakRssMb = Math.max(report.peakRssMb, rss);
      if (rss - baseline > bound) {
        crash('memory', `resident memory grew ${(rss - baseline).toFixed(0)} MB (bound ${bound} MB)`);
        baseline = rss;
      }
    }
    options.onCaseEnd?.(index, verdict.status);
  }
  report.cases = index - start;
  report.seconds = (performance.now() - began) / 1000;
  report.casesPerSecond = report.cases / Math.max(report.seconds, 1e-9);
  return report;
}
