/**
 * Little-endian byte cursors. ByteWriter grows a buffer; ByteReader reads a bounded window and turns
 * every overrun into a one-line SnnFormatError that names the field, so the parser never reads past
 * what it has checked and never allocates more than the bytes it has in hand.
 */
import { SnnFormatError } from './errors.js';

/** True on every mainstream platform; the big-endian paths exist so the format stays portable. */
export const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** One buffer holding `parts` back to back. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, at + n));
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.length = at + n;
    return at;
  }

  // reserve() may swap the buffer, so it runs before `this.buf`/`this.view` are read.
  u8(v: number): void {
    const at = this.reserve(1);
    this.buf[at] = v;
  }
  u16(v: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, v, true);
  }
  u32(v: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
  }
  /** Overwrites a u32 written earlier (e.g. the file length). */
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }
  bytes(b: Uint8Array): void {
    const at = this.reserve(b.length);
    this.buf.set(b, at);
  }
  /** Raw IEEE bits of each element (NaN payloads and −0 survive). */
  float32Array(a: Float32Array): void {
    this.u32Bits(new Uint32Array(a.buffer, a.byteOffset, a.length));
  }
  int32Array(a: Int32Array): void {
    this.u32Bits(new Uint32Array(a.buffer, a.byteOffset, a.length));
  }
  private u32Bits(a: Uint32Array): void {
    const at = this.reserve(4 * a.length);
    if (LITTLE_ENDIAN) this.buf.set(new Uint8Array(a.buffer, a.byteOffset, 4 * a.length), at);
    else for (let i = 0; i < a.length; i++) this.view.setUint32(at + 4 * i, a[i]!, true);
  }
  /** A copy of the written bytes. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export class ByteReader {
  private readonly view: DataView;
  pos: number;

  /** Reads `bytes[start, end)`. */
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `n` more bytes are available for `what`. */
  need(n: number, what: string): void {
    if (n > this.remaining) {
      throw new SnnFormatError(`truncated: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.remaining} remain`);
    }
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** A view (no copy) of the next `n` bytes. */
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** `count` float32 values, copied bit for bit. */
  float32Array(count: number, what: string): Float32Array {
    return new Float32Array(this.u32Bits(count, what).buffer);
  }
  int32Array(count: number, what: string): Int32Array {
    return new Int32Array(this.u32Bits(count, what).buffer);
  }
  private u32Bits(count: number, what: string): Uint32Array {
    const src = this.take(4 * count, what);
    if (LITTLE_ENDIAN) return new Uint32Array(src.slice().buffer);
    const out = new Uint32Array(count);
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, true);
    return out;
  }
}
