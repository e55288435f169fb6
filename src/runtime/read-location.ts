/**
 * A .snn file's bytes from a URL (fetch, in browsers and Node) or a local path (Node only, through a
 * dynamic `node:fs` import a browser bundle never executes), refused past a size cap before the bytes
 * are held. The runtime cannot import models/read-bytes.ts: its static `node:fs` import would break
 * the browser bundle; the URL path is format/bounded-fetch.ts, shared with it.
 */
import { RuntimeError } from '../errors.js';
import { fetchBounded, tooLargeError } from '../format/bounded-fetch.js';

/** .snn files larger than this are refused (the zoo's largest compresses to a few MB). */
export const MAX_RUNTIME_FILE_BYTES = 1 << 30;

const isUrl = (location: string): boolean => /^(https?|blob|data):/i.test(location);

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
    if (info.size > max) throw tooLargeError('.snn file', location, info.size, max, 'the runtime');
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
  return isUrl(location) ? fetchBounded(location, '.snn file', max, 'the runtime') : readLocalFile(location, max);
}
