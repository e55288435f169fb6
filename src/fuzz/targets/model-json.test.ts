import { fuzzTargetSuite } from '../fuzz-suite.test-util.js';
import { modelJsonTarget } from './model-json.js';

// The first 25 accepted models are also built with TF.js and their weights compared.
fuzzTargetSuite(modelJsonTarget, { deep: 25, minRefusalKinds: 60 });
