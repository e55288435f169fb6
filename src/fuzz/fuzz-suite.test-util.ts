/**
 * The CI test every fuzz target gets (one line in its test file): its seeds decode, 10,000 seeded
 * mutated inputs are each accepted or refused in one line (no other error, no hang, no memory
 * blow-up) and reach many different refusals (the mutations get deep into the decoder), and every
 * input saved in test/fuzz-corpus/NAME/ replays without a crash.
 */
import { describe, expect, it } from 'vitest';
import { corpusInputs } from './corpus.js';
import { judge, runFuzzTarget, targetSeeds } from './engine.js';
import type { FuzzTarget } from './target.js';

export interface SuiteOptions {
  /** Mutated cases (default 10,000; 0 when another test already runs them). */
  cases?: number;
  seed?: number;
  /** Accepted cases to check deeply (target.deep). */
  deep?: number;
  /** Seeds the decoder refuses on purpose (e.g. a JPEG with arithmetic coding). */
  refusedSeeds?: number;
  /** Distinct refusal messages the run must reach. */
  minRefusalKinds: number;
}

export function fuzzTargetSuite(target: FuzzTarget, options: SuiteOptions): void {
  const cases = options.cases ?? 10_000;
  describe(`fuzz target ${target.name}`, () => {
    it('its seeds decode', async () => {
      const verdicts = await Promise.all((await targetSeeds(target)).map((s) => judge(target, s)));
      expect(verdicts.filter((v) => v.status === 'crash')).toEqual([]);
      expect(verdicts.filter((v) => v.status === 'accepted').length).toBe(verdicts.length - (options.refusedSeeds ?? 0));
    });

    if (cases > 0) {
      it(`${cases.toLocaleString('en-US')} mutated inputs are each accepted or refused in one line: no other error, no hang, no memory blow-up`, async () => {
        const report = await runFuzzTarget(target, { cases, seed: options.seed ?? 0x5eed, deep: options.deep ?? 0 });
        expect(report.crashes.map((c) => `case ${c.index} (${c.kind}) ${c.reason}: ${c.error}`)).toEqual([]);
        expect(report.accepted + report.refused).toBe(cases);
        expect(report.accepted).toBeGreaterThan(cases / 100);
        expect(report.refusals.size).toBeGreaterThanOrEqual(options.minRefusalKinds);
        if (options.deep) expect(report.deepChecked).toBe(Math.min(options.deep, report.accepted));
      });
    }

    it(`every input in test/fuzz-corpus/${target.name}/ replays without a crash`, async () => {
      for (const { file, bytes } of await corpusInputs(target.name)) {
        const verdict = await judge(target, bytes);
        expect(verdict.status === 'crash' ? `${file}: ${verdict.error}` : 'ok').toBe('ok');
        // Some crashes were in what follows acceptance (model-json: building the model with TF.js).
        if (verdict.status === 'accepted') await target.deep?.(bytes);
      }
    });
  });
}
