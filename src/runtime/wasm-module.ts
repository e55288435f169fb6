/**
 * Finding, compiling and instantiating smallnets-runtime.wasm. The module is compiled once per process
 * (or page); each model instantiates it over its own memory. The file sits next to the JS that loads
 * it (dist/runtime/, or dist/browser/ beside the bundle); from the TypeScript sources (tests, tsx) it is
 * the built copy in dist/runtime/. A bundler that moves this code into its own chunks (the web app) passes
 * the file's URL explicitly (`wasmUrl`), since "beside this module" is then a chunk it did not copy. SIMD support is probed with WebAssembly.validate, so an engine
 * without SIMD128 falls back to the JS kernels instead of failing.
 */
import { RuntimeError, UsageError } from '../errors.js';
import { KERNEL_NAMES, type Kernels } from './kernels/api.js';

export const WASM_FILE = 'smallnets-runtime.wasm';

/** The relaxed-SIMD build's file name beside a plain one: `x.wasm` → `x-relaxed.wasm`. */
export function relaxedWasmName(name: string): string {
  return name.replace(/(\.wasm)?$/, '-relaxed.wasm');
}

/** Where the .wasm is expected, relative to this module. */
export function defaultWasmUrl(): URL {
  const here = import.meta.url;
  return /\.ts$/.test(new URL(here).pathname) ? new URL(`../../dist/runtime/${WASM_FILE}`, here) : new URL(`./${WASM_FILE}`, here);
}

// (module (func (result v128) v128.const 0 …)): validates only where SIMD128 is supported.
const SIMD_PROBE = Uint8Array.of(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b,
);

// (module (func (result v128) v128.const 0 ×3 f32x4.relaxed_madd)): validates only where relaxed SIMD is supported.
const zeros16 = (): number[] => new Array<number>(16).fill(0);
const RELAXED_SIMD_PROBE = Uint8Array.of(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
  0x0a, 0x3d, 0x01, 0x3b, 0x00, 0xfd, 0x0c, ...zeros16(), 0xfd, 0x0c, ...zeros16(), 0xfd, 0x0c, ...zeros16(), 0xfd, 0x85, 0x02, 0x0b,
);

/** Whether this JavaScript engine runs relaxed SIMD (f32x4.relaxed_madd: a fused multiply-add where the CPU has one). */
export function relaxedSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_SIMD_PROBE);
  } catch {
    return false;
  }
}

/** Whether this JavaScript engine runs WebAssembly SIMD128. */
export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

async function readWasmBytes(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    const fsName = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
    try {
      return new Uint8Array(await fs.readFile(url));
    } catch {
      throw new RuntimeError(`cannot read the runtime's kernels ${url.pathname} (run \`npm run build\`)`);
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new RuntimeError(`cannot fetch the runtime's kernels ${url.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The module's bytes with its memory import declared shared (limits flag 0x01 → 0x03), so that worker
 * threads can instantiate it over one SharedArrayBuffer. The import section is walked, not searched.
 */
export function withSharedMemory(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  let p = 8;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = out[p++]!;
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  };
  while (p < out.length) {
    const id = out[p++]!;
    const size = leb();
    const end = p + size;
    if (id === 2) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        // (`p += leb()` would read p before leb() advances it.)
        const moduleName = leb();
        p += moduleName;
        const fieldName = leb();
        p += fieldName;
        const kind = out[p++]!;
        if (kind === 0x02) {
          if (out[p] !== 0x01) throw new RuntimeError('kernels.wasm: memory import has no maximum, cannot share it');
          out[p] = 0x03;
          return out;
        }
        if (kind === 0x00) leb();
        else if (kind === 0x01) { p++; const f = out[p++]!; leb(); if (f & 1) leb(); }
        else if (kind === 0x03) p += 2;
        else throw new RuntimeError(`kernels.wasm: unknown import kind ${kind}`);
      }
    }
    p = end;
  }
  throw new RuntimeError('kernels.wasm imports no memory');
}

interface CompiledKernels {
  plain: WebAssembly.Module;
  bytes: Uint8Array;
  /** Built with relaxed SIMD (fused multiply-adds). */
  relaxed: boolean;
  shared?: WebAssembly.Module;
}

/** Compiled modules by the URL they came from (one entry in practice: a page or process uses one file). */
const compiled = new Map<string, Promise<CompiledKernels>>();

/** `url` (default: beside this module) as a URL; a relative string resolves against the page (browsers). */
export function kernelsUrl(url?: string | URL): URL {
  if (url === undefined) return defaultWasmUrl();
  if (url instanceof URL) return url;
  const base = (globalThis as { document?: { baseURI?: string } }).document?.baseURI;
  try {
    return base === undefined ? new URL(url) : new URL(url, base);
  } catch {
    throw new UsageError(`\`wasmUrl\` must be an absolute URL${base === undefined ? '' : ' or a path relative to the page'}, got ${JSON.stringify(url)}`);
  }
}

/** The relaxed-SIMD twin of a kernels URL (same directory, `-relaxed.wasm`). */
function relaxedUrl(url: URL): URL {
  const u = new URL(url.href);
  u.pathname = relaxedWasmName(u.pathname.replace(/\.wasm$/, ''));
  return u;
}

/**
 * Compile the kernels once per URL and variant (later calls share the promise; a failed load is retried next
 * time). With `relaxed` (default: when the engine supports relaxed SIMD) the `-relaxed.wasm` twin is tried first
 * and the plain file is the fallback when it is missing.
 */
export function compileKernels(url: URL = defaultWasmUrl(), relaxed = relaxedSimdSupported()): Promise<CompiledKernels> {
  const useRelaxed = relaxed && relaxedSimdSupported();
  const key = `${useRelaxed ? 'relaxed:' : ''}${url.href}`;
  let entry = compiled.get(key);
  if (entry === undefined) {
    const plain = (): Promise<CompiledKernels> => readWasmBytes(url).then(async (bytes) => ({ plain: await WebAssembly.compile(bytes as BufferSource), bytes, relaxed: false }));
    entry = useRelaxed
      ? readWasmBytes(relaxedUrl(url)).then(async (bytes) => ({ plain: await WebAssembly.compile(bytes as BufferSource), bytes, relaxed: true }), plain)
      : plain();
    compiled.set(key, entry);
    entry.catch(() => compiled.delete(key));
  }
  return entry;
}

/** The module variant whose memory import is shared (for worker threads). */
export async function sharedKernelModule(url: URL = defaultWasmUrl(), relaxed = relaxedSimdSupported()): Promise<WebAssembly.Module> {
  const kernels = await compileKernels(url, relaxed);
  kernels.shared ??= await WebAssembly.compile(withSharedMemory(kernels.bytes) as BufferSource);
  return kernels.shared;
}

/** Instantiate a compiled kernel module over `memory`; the exports are the Kernels. */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernels {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as Record<string, unknown>;
  for (const name of KERNEL_NAMES) {
    if (typeof exports[name] !== 'function') throw new RuntimeError(`kernels.wasm lacks the kernel ${name} (rebuild it)`);
  }
  return exports as unknown as Kernels;
}
