import { fuzzTargetSuite } from '../fuzz-suite.test-util.js';
import { jpegTarget } from './jpeg.js';

// The arithmetic-coded seed is refused (jpeg-js decodes Huffman-coded JPEGs only).
fuzzTargetSuite(jpegTarget, { refusedSeeds: 1, minRefusalKinds: 25 });
