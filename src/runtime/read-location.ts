/**
 * A .snn file's bytes from a URL (fetch, in browsers and Node) or a local path (Node only, through a
 * dynamic `node:fs` import a browser bundle never executes), refused past a size cap before the bytes
 * are held. The runtime cannot import models/read-bytes.ts: its static `node:fs` import would break
 * the browser bundle.
 */
import { RuntimeError } from '../errors.js';

/** .snn files larger than this are refused (the zoo's largest compresses to a few MB). */
export const MAX_RUNTIME_FILE_BYTES = 1 << 30;

const isUrl = (location: string): boolean => /^(https?|blob|data):/i.test(location);

function tooLarge(location: string, bytes: number | string, max: number): RuntimeError {
  return new RuntimeError(`.snn file ${location} is ${bytes} bytes, more than the ${max.toLocaleString('en-US')} the runtime reads`);
}

async function fetchBounded(location: string, max: number): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(location);
  } catch (error) {
    throw new RuntimeError(`cannot fetch .snn file ${location}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new RuntimeError(`cannot fetch .snn file ${location}: HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel();
    throw tooLarge(location, declared, max);
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw tooLarge(location, `over ${max}`, max);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

async function readLocalFile(location: string, max: number): Promise<Uint8Array> {
  const fsName = 'node:fs/promises';
  let fs: typeof import('node:fs/promises');
  try {
    fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  } catch {
    throw new RuntimeError(`cannot read ${location}: local paths need Node; pass a URL or the file's bytes`);
  }
  try {
    const info = await fs.stat(location);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (info.size > max) throw tooLarge(location, info.size, max);
    return new Uint8Array(await fs.readFile(location));
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
    throw new RuntimeError(`cannot read .snn file ${location}: ${why}`);
  }
}

/**
 * The bytes at `location`, at most `max` of them.
 * @example const bytes = await readSnnBytes('https://example.com/lenet5.snn');
 */
export async function readSnnBytes(location: string, max = MAX_RUNTIME_FILE_BYTES): Promise<Uint8Array> {
  return isUrl(location) ? fetchBounded(location, max) : readLocalFile(location, max);
}
