import { fuzzTargetSuite } from '../fuzz-suite.test-util.js';
import { trialLogTarget } from './trial-log.js';

// About one case in eighty also opens the store on disk (/dev/shm when present), repairs and appends.
fuzzTargetSuite(trialLogTarget, { minRefusalKinds: 25 });
