/**
 * PNG chunk framing: big-endian length, four-letter type, data, CRC-32 over type and data. Used to
 * write PNG files byte by byte where a decoder must see exactly what we choose (fuzz seeds, hostile
 * fixtures), which an encoder library would not produce.
 */
import { crc32 } from '../format/crc32.js';

/** One chunk of `type` holding `data`, with its CRC. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length) >>> 0);
  return out;
}
