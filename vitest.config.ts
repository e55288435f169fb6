import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * `smallnets` and its subpaths resolve to the sources, as package.json's exports map them to the
 * build: the README's examples (src/readme.test.ts) import the package by name and run as written.
 */
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { exports: Record<string, string | { import: string }> };
const alias = Object.entries(pkg.exports).flatMap(([subpath, target]) => {
  if (typeof target === 'string') return [];
  const source = target.import.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts');
  return [{ find: new RegExp(`^smallnets${subpath.slice(1).replace(/\//g, '\\/')}$`), replacement: path.resolve(source) }];
});

/** V8 before 11.4 (Node 20) has relaxed SIMD behind a flag: turn it on so the runtime's relaxed kernels are tested too. */
const [v8Major = 0, v8Minor = 0] = process.versions.v8.split('.').map(Number);
const relaxedSimdFlag = v8Major < 11 || (v8Major === 11 && v8Minor < 4) ? ['--experimental-wasm-relaxed-simd'] : [];

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['src/**/*.test.ts'],
    // Kernel and training tests do real numerical work on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one fork per core minus one: a single fork on a 2-core machine. Two forks keep
    // both cores busy while single-threaded files run (the README test alone is over a minute).
    maxWorkers: 2,
    execArgv: relaxedSimdFlag,
    // The runtime's .wasm is a build product (dist/runtime); build it when stale so `vitest` alone works.
    globalSetup: ['./vitest.setup.ts'],
  },
});
