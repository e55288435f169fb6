import { fuzzTargetSuite } from '../fuzz-suite.test-util.js';
import { imageFolderTarget } from './image-folder.js';

// Each case writes and reads a small tree on disk (/dev/shm when present): ~2–5 ms a case, so CI runs
// 2,000 and long runs (npm run fuzz -- --target image-folder) do the volume.
fuzzTargetSuite(imageFolderTarget, { cases: 2000, minRefusalKinds: 15 });
