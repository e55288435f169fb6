import { fuzzTargetSuite } from '../fuzz-suite.test-util.js';
import { runtimePlanTarget } from './runtime-plan.js';

fuzzTargetSuite(runtimePlanTarget, { minRefusalKinds: 40 });
