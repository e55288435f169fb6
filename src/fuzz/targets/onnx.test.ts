import { fuzzTargetSuite } from '../fuzz-suite.test-util.js';
import { onnxTarget } from './onnx.js';

fuzzTargetSuite(onnxTarget, { minRefusalKinds: 10 });
