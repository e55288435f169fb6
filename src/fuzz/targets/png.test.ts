import { fuzzTargetSuite } from '../fuzz-suite.test-util.js';
import { pngTarget } from './png.js';

fuzzTargetSuite(pngTarget, { minRefusalKinds: 15 });
