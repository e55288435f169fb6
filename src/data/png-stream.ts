/**
 * A PNG's compressed image data inflated once, in pure JavaScript (fflate), before pngjs sees it:
 * the zlib stream must be well-formed, carry a correct Adler-32, and inflate to exactly the
 * scanline bytes the header implies, every scanline with a known filter type (0–4). Why not leave
 * it to pngjs: it inflates interlaced images with Node's zlib.inflateSync and no output limit (a
 * DEFLATE bomb), and that call leaks on every failure (a plain Node 20 process held 390 MB after
 * 25,000 failed inflateSync calls); fuzzing pngjs directly grew the process to 1.7 GB over 1.6
 * million cases; and pngjs accepts some damaged streams, differently from one call to the next (it
 * decodes into memory it never set). Here the input goes in 4 KB slices, so no slice can expand past
 * ~4 MB, and inflation stops as soon as the output passes what the image needs.
 */
import { Unzlib } from 'fflate';
import { RuntimeError } from '../errors.js';
import type { PngStream } from './image-headers.js';

const SLICE = 4096;

class TooLong extends Error {}

class BadFilter extends Error {
  constructor(readonly filter: number) {
    super(`filter type ${filter}`);
  }
}

function adler32(state: { a: number; b: number }, chunk: Uint8Array): void {
  let { a, b } = state;
  for (let i = 0; i < chunk.length; ) {
    const end = Math.min(chunk.length, i + 3800); // keeps the sums exact between reductions
    for (; i < end; i++) {
      a += chunk[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  state.a = a;
  state.b = b;
}

/**
 * Refuse a PNG whose image data does not inflate, fails its checksum, or inflates to more or fewer
 * bytes than its size needs.
 * @example
 * checkPngStream(checkImage(bytes, 50e6, 'cat.png').png!, 'cat.png');
 */
export function checkPngStream(stream: PngStream, name: string): void {
  const need = stream.scanlines.reduce((sum, p) => sum + p.rows * p.bytes, 0);
  // Where each row starts in the inflated data, so its filter byte (0–4) can be checked as it passes.
  const rowStarts = (function* () {
    let at = 0;
    for (const p of stream.scanlines) for (let r = 0; r < p.rows; r++, at += p.bytes) yield at;
  })();
  let nextRow = rowStarts.next();
  const data = new Uint8Array(stream.chunks.reduce((n, c) => n + c.length, 0));
  stream.chunks.reduce((at, c) => (data.set(c, at), at + c.length), 0);
  const sum = { a: 1, b: 0 };
  let inflated = 0;
  let ended = false;
  const unzlib = new Unzlib((chunk, final) => {
    if (inflated + chunk.length > need) throw new TooLong();
    for (; !nextRow.done && nextRow.value < inflated + chunk.length; nextRow = rowStarts.next()) {
      const filter = chunk[nextRow.value - inflated]!;
      if (filter > 4) throw new BadFilter(filter);
    }
    inflated += chunk.length;
    adler32(sum, chunk);
    if (final) ended = true;
  });
  try {
    for (let at = 0; at === 0 || at < data.length; at += SLICE) unzlib.push(data.subarray(at, at + SLICE), at + SLICE >= data.length);
  } catch (error) {
    if (error instanceof TooLong) throw new RuntimeError(`${name}'s image data inflates to more than the ${need} bytes its size needs (a decompression bomb)`);
    if (error instanceof BadFilter) throw new RuntimeError(`${name} is a corrupt PNG (a scanline with unknown filter type ${error.filter})`);
    throw new RuntimeError(`${name} is a corrupt PNG (its image data does not inflate: ${(error as Error).message})`);
  }
  if (!ended || inflated !== need) throw new RuntimeError(`${name} is a corrupt PNG (its image data inflates to ${inflated} bytes, not the ${need} its size needs)`);
  // The zlib stream ends with the Adler-32 of what it inflates to (fflate does not check it; Node's zlib would, and fail leaking).
  const at = data.length - 4;
  const stored = at >= 0 ? ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0 : -1;
  if (stored !== (((sum.b << 16) | sum.a) >>> 0)) throw new RuntimeError(`${name} is a corrupt PNG (the checksum of its image data does not match)`);
}
