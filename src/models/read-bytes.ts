/**
 * Reading a model's bytes from a path or an http(s) URL, bounded: the size is checked (file size,
 * Content-Length, then the bytes as they stream) against a cap before the bytes are held, so a
 * hostile server or a huge file fails with one line instead of exhausting memory.
 */
import { open, stat } from 'node:fs/promises';
import { RuntimeError } from '../errors.js';
import { concatBytes } from '../format/bytes.js';

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

function tooLarge(what: string, location: string, bytes: number | string, maxBytes: number): RuntimeError {
  return new RuntimeError(`${what} ${location} is ${bytes} bytes, more than the ${maxBytes.toLocaleString('en-US')} smallnets reads`);
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
    if (size > maxBytes) throw tooLarge(what, location, size, maxBytes);
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
  let response: Response;
  try {
    response = await fetch(location);
  } catch (error) {
    throw new RuntimeError(`cannot fetch ${what} ${location}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new RuntimeError(`cannot fetch ${what} ${location}: HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(what, location, declared, maxBytes);
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(what, location, `over ${maxBytes}`, maxBytes);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}
