import { fuzzTargetSuite } from '../fuzz-suite.test-util.js';
import { snnTarget } from './snn.js';

// src/format/fuzz.test.ts already runs 10,000 mutated .snn files in CI: here, seeds and the corpus.
fuzzTargetSuite(snnTarget, { cases: 0, minRefusalKinds: 0 });
