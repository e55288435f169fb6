/**
 * Bytes from a URL, bounded: Content-Length is checked against the cap before the body is read, then
 * the bytes as they stream, so a hostile server fails with one line instead of exhausting memory.
 * No Node import, so the browser runtime and the Node model loaders share it.
 */
import { RuntimeError } from '../errors.js';
import { concatBytes } from './bytes.js';

/** `what location is N bytes, more than the M <reader> reads`. */
export function tooLargeError(what: string, location: string, bytes: number | string, maxBytes: number, reader: string): RuntimeError {
  return new RuntimeError(`${what} ${location} is ${bytes} bytes, more than the ${maxBytes.toLocaleString('en-US')} ${reader} reads`);
}

/**
 * All bytes at URL `location`, at most `maxBytes` of them; `what` names the file in errors and
 * `reader` names who refuses it ("smallnets", "the runtime").
 * @example const bytes = await fetchBounded('https://example.com/m.snn', '.snn file', 1 << 20, 'smallnets');
 */
export async function fetchBounded(location: string, what: string, maxBytes: number, reader: string): Promise<Uint8Array> {
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
    throw tooLargeError(what, location, declared, maxBytes, reader);
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = response.body.getReader();
  for (;;) {
    const { done, value } = await stream.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await stream.cancel();
      throw tooLargeError(what, location, `over ${maxBytes}`, maxBytes, reader);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}
