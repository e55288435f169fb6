/**
 * Reading a model's bytes from a path or an http(s) URL, bounded: the size is checked (file size,
 * Content-Length, then the bytes as they stream) against a cap before the bytes are held, so a
 * hostile server or a huge file fails with one line instead of exhausting memory.
 */
import { open, stat } from 'node:fs/promises';
import { RuntimeError } from '../errors.js';
import { fetchBounded, tooLargeError } from '../format/bounded-fetch.js';

/** Whether a model location is an http(s) URL (else a directory or a file path). */
export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** `cannot read X: no such file` style message from a Node fs error. */
export function readFailure(what: string, location: string, error: unknown): RuntimeError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : code ?? (error as Error).message;
  return new RuntimeError(`cannot read ${what} ${location}: ${why}`);
}

/** The first `count` bytes of a local file (fewer if it is shorter). */
export async function readHead(file: string, count: number, what = 'file'): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buffer = new Uint8Array(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw readFailure(what, file, error);
  } finally {
    await handle?.close();
  }
}

/** Size and identity (device and inode: the same for every path to one file) of a local file, or a one-line RuntimeError. */
export async function fileInfo(file: string, what = 'file'): Promise<{ size: number; identity: string }> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return { size: info.size, identity: `${info.dev}:${info.ino}` };
  } catch (error) {
    throw readFailure(what, file, error);
  }
}

/** Size of a local file, or a one-line RuntimeError. */
export async function fileSize(file: string, what = 'file'): Promise<number> {
  return (await fileInfo(file, what)).size;
}

/**
 * All bytes at `location` (a path or an http(s) URL), refusing more than `maxBytes` before holding
 * them: a local file by its size, a response by its Content-Length and then by what arrives.
 */
export async function readLocation(location: string, what: string, maxBytes: number): Promise<Uint8Array> {
  if (!isUrl(location)) {
    const size = await fileSize(location, what);
    if (size > maxBytes) throw tooLargeError(what, location, size, maxBytes, 'smallnets');
    let handle;
    try {
      handle = await open(location, 'r');
      const bytes = new Uint8Array(size);
      let filled = 0;
      while (filled < size) {
        const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
        if (bytesRead === 0) break; // the file shrank while being read
        filled += bytesRead;
      }
      return bytes.subarray(0, filled);
    } catch (error) {
      throw readFailure(what, location, error);
    } finally {
      await handle?.close();
    }
  }
  return fetchBounded(location, what, maxBytes, 'smallnets');
}
