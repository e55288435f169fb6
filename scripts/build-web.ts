/**
 * `npm run build` (after tsc): bundles the web playground (src/web/app) with esbuild into
 * dist/web/app — everything local, no CDN — and writes its data files:
 *   digits.bin       20 MNIST test digits (2 per class) for the filter view (15 KB)
 *   mnist-train.bin  the 8,000 training digits, fetched only to train in the page
 *   mnist-test.bin   the 2,000 test digits, fetched only to measure accuracy in the page
 *   tfjs-backend-wasm*.wasm  TF.js's wasm backend, for the training worker
 *   smallnets-runtime.wasm   the smallnets runtime's kernels, for the compressed digit engine
 *   build.json       byte sizes: what the first load costs, what each digit engine costs
 *   *.gz             gzip copies of the files that compress, for browsers that accept gzip
 * Code splitting keeps TF.js out of the first load: the model views import it lazily. The compressed
 * digit engine bundles the smallnets runtime (no TF.js; the build fails if a TF.js module reaches it).
 */
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { loadMnist, PIXELS } from '../src/data/mnist.js';
import type { Split } from '../src/data/split.js';
import { WASM_FILE as RUNTIME_WASM } from '../src/runtime/wasm-module.js';
import { encodeDigits } from '../src/web/app/digit-file.js';
import { buildWasm, WASM_OUT as RUNTIME_WASM_BUILT, wasmIsStale } from './build-wasm.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP_SRC = path.join(ROOT, 'src/web/app');
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];
export const DEFAULT_OUT = path.join(ROOT, 'dist/web/app');

/**
 * The digit engines (src/web/app/draw): the chunk whose static closure is the engine's code, the
 * files it fetches at run time, and packages it must not contain.
 */
const ENGINES = {
  dense: { entry: 'draw/dense-engine.ts', fetches: [] as string[], forbidden: [] as string[] },
  compressed: { entry: 'draw/compressed-engine.ts', fetches: [RUNTIME_WASM], forbidden: ['@tensorflow/'] },
} as const;

export interface BuildManifest {
  /** Every file of the app and its size in bytes. */
  bytes: Record<string, number>;
  /** Size of the gzip copy (file.gz) the server sends to browsers that accept it, where one exists. */
  gzipBytes: Record<string, number>;
  /** Files the first page load fetches (HTML, CSS, the main chunk and what it imports, digits). */
  firstLoad: string[];
  /** For each engine: the files it needs beyond the first load (code chunks, and the runtime's .wasm). */
  engines: Record<keyof typeof ENGINES, string[]>;
  /** For each engine: the npm packages bundled into its files, by name. */
  enginePackages: Record<keyof typeof ENGINES, string[]>;
}

function subset(split: Split, indexes: number[]): Split {
  const images = new Float32Array(indexes.length * PIXELS);
  const labels = new Uint8Array(indexes.length);
  indexes.forEach((from, i) => {
    images.set(split.images.subarray(from * PIXELS, (from + 1) * PIXELS), i * PIXELS);
    labels[i] = split.labels[from]!;
  });
  return { images, labels, count: indexes.length };
}

/** The first two test digits of each class, in class order. */
function sampleDigits(test: Split): Split {
  const picked: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const of = [...test.labels.keys()].filter((i) => test.labels[i] === digit).slice(0, 2);
    picked.push(...of);
  }
  return subset(test, picked);
}

/** Static-import closure of an output file in esbuild's metafile. */
function closure(meta: esbuild.Metafile, start: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of meta.outputs[file]?.imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(start);
  return [...seen];
}

/** npm packages whose modules esbuild placed in `files` (output paths of the metafile), sorted. */
function bundledPackages(meta: esbuild.Metafile, files: string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    for (const input of Object.keys(meta.outputs[file]?.inputs ?? {})) {
      const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      if (match) names.add(match[1]!);
    }
  }
  return [...names].sort();
}

/** Build the app into `outDir` (replaced); returns the size manifest. */
export async function buildWebApp(outDir = DEFAULT_OUT, options: { log?: (line: string) => void } = {}): Promise<BuildManifest> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: path.join(APP_SRC, 'main.ts'), 'train-worker': path.join(APP_SRC, 'learned/train-worker.ts') },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    metafile: true,
    chunkNames: 'chunks/[name]-[hash]',
    define: { 'process.env.NODE_ENV': '"production"' },
    // The runtime's Node-only paths (worker threads for batches) import these lazily; a page never reaches them.
    external: ['node:*'],
    logLevel: 'warning',
  });
  const meta = result.metafile;
  for (const file of ['index.html', 'style.css']) await copyFile(path.join(APP_SRC, file), path.join(outDir, file));
  // TF.js's wasm binaries, for the training worker (SIMD, and plain for browsers without SIMD).
  for (const file of WASM_FILES) await copyFile(path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist', file), path.join(outDir, file));
  // The runtime's kernels, beside index.html: compressed-engine.ts passes their URL relative to the page.
  if (await wasmIsStale()) await buildWasm();
  await copyFile(RUNTIME_WASM_BUILT, path.join(outDir, RUNTIME_WASM));

  const { train, test } = loadMnist();
  await writeFile(path.join(outDir, 'digits.bin'), encodeDigits(sampleDigits(test)));
  await writeFile(path.join(outDir, 'mnist-train.bin'), encodeDigits(train));
  await writeFile(path.join(outDir, 'mnist-test.bin'), encodeDigits(test));

  const relative = (file: string) => path.relative(outDir, path.resolve(ROOT, file)).split(path.sep).join('/');
  const outputOf = (entry: string) => {
    const found = Object.entries(meta.outputs).find(([, o]) => o.entryPoint && path.resolve(ROOT, o.entryPoint) === path.join(APP_SRC, entry));
    if (!found) throw new Error(`esbuild produced no chunk for ${entry}`);
    return found[0];
  };
  const firstLoad = ['index.html', 'style.css', ...closure(meta, outputOf('main.ts')).map(relative), 'digits.bin'];
  const engines = {} as BuildManifest['engines'];
  const enginePackages = {} as BuildManifest['enginePackages'];
  for (const [name, engine] of Object.entries(ENGINES) as Array<[keyof typeof ENGINES, (typeof ENGINES)[keyof typeof ENGINES]]>) {
    const chunks = closure(meta, outputOf(engine.entry)).filter((f) => !firstLoad.includes(relative(f)));
    engines[name] = [...chunks.map(relative), ...engine.fetches];
    enginePackages[name] = bundledPackages(meta, chunks);
    const bad = enginePackages[name].filter((p) => engine.forbidden.some((prefix) => p.startsWith(prefix)));
    if (bad.length > 0) throw new Error(`the ${name} digit engine must not bundle ${bad.join(', ')} (imported from ${engine.entry})`);
  }

  const bytes: Record<string, number> = {};
  const gzipBytes: Record<string, number> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else bytes[path.relative(outDir, full).split(path.sep).join('/')] = (await stat(full)).size;
    }
  };
  await walk(outDir);
  // Precompressed copies: the server sends file.gz to browsers that accept gzip (kept only when smaller).
  for (const file of Object.keys(bytes)) {
    // Level 9 for the code (every byte of the first load counts), 6 for the big digit files (seconds faster).
    const zipped = gzipSync(await readFile(path.join(outDir, file)), { level: bytes[file]! > 1_000_000 ? 6 : 9 });
    if (zipped.length < bytes[file]! * 0.9) {
      await writeFile(path.join(outDir, `${file}.gz`), zipped);
      gzipBytes[file] = zipped.length;
    }
  }
  const manifest: BuildManifest = { bytes, gzipBytes, firstLoad, engines, enginePackages };
  await writeFile(path.join(outDir, 'build.json'), JSON.stringify(manifest, null, 1));
  const total = (files: string[]) => `${files.reduce((sum, f) => sum + (gzipBytes[f] ?? bytes[f] ?? 0), 0).toLocaleString('en-US')} bytes gzipped (${files.reduce((sum, f) => sum + (bytes[f] ?? 0), 0).toLocaleString('en-US')} raw)`;
  options.log?.(`web app → ${path.relative(ROOT, outDir)}: first load ${total(firstLoad)}; ` + Object.entries(engines).map(([name, files]) => `${name} engine ${total(files)}`).join(', '));
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWebApp(process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUT, { log: (line) => process.stderr.write(`${line}\n`) });
}
