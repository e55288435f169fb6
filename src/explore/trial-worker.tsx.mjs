// The pool thread's module when smallnets runs from its TypeScript sources (tests, tsx): it loads
// trial-worker.ts through tsx's ESM API, resolved from this package rather than the working
// directory. The compiled package's threads load dist/explore/trial-worker.js instead. A file in
// the source tree, so no bootstrap is written anywhere at run time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const api = pathToFileURL(path.join(path.dirname(manifestPath), manifest.exports['./esm/api'].import.default)).href;
const { tsImport } = await import(api);
const mod = await tsImport('./trial-worker.ts', import.meta.url);
export default typeof mod.default === 'function' ? mod.default : mod.default.default;
