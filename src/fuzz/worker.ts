/**
 * Worker-thread side of a long fuzz run (./long-run.ts): runs cases of one target from `start`,
 * writing each case's index and start time into shared memory before it runs — so the main thread
 * can terminate this worker when a case hangs and name the case — and posting crashes as they happen
 * and a report at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runFuzzTarget } from './engine.js';
import { FUZZ_TARGETS } from './targets/index.js';
import type { WorkerRequest, WorkerMessage } from './long-run-protocol.js';
import type { FuzzTarget } from './target.js';

const request = workerData as WorkerRequest;
const heartbeat = new Float64Array(request.heartbeat);
const target = request.module ? ((await import(request.module)) as { fuzzTarget: FuzzTarget }).fuzzTarget : FUZZ_TARGETS[request.target]!;
const post = (message: WorkerMessage): void => parentPort!.postMessage(message);

const tally = { cases: 0, accepted: 0, refused: 0, seconds: 0 };
const began = performance.now();
const report = await runFuzzTarget(target, {
  cases: request.cases,
  seed: request.seed,
  start: request.start,
  caseTimeoutMs: request.caseTimeoutMs,
  memoryBoundMb: request.memoryBoundMb,
  deep: request.deep,
  until: request.until,
  onCaseStart: (index) => {
    heartbeat[0] = index;
    heartbeat[1] = Date.now();
  },
  onCaseEnd: (_index, status) => {
    tally.cases++;
    if (status === 'accepted') tally.accepted++;
    if (status === 'refused') tally.refused++;
    // Counts survive a later hang that terminates this worker.
    if (tally.cases % 500 === 0) post({ type: 'tally', ...tally, seconds: (performance.now() - began) / 1000 });
  },
  onCrash: (c) => post({ type: 'crash', index: c.index, kind: c.kind, reason: c.reason, error: c.error }),
});
post({
  type: 'done',
  cases: report.cases,
  accepted: report.accepted,
  refused: report.refused,
  deepChecked: report.deepChecked,
  slowestMs: report.slowestMs,
  seconds: report.seconds,
  refusals: [...report.refusals],
});
