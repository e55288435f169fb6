/** Test helpers for crafted .snn files: a sealed file around a hand-written body, and the rejection check. */
import { expect } from 'vitest';
import { ByteWriter } from './bytes.js';
import { SnnFormatError } from './errors.js';
import { resealSnn } from './fuzz-harness.js';
import { decodeSnn } from './reader.js';
import { SNN_MAGIC, type DecodeOptions } from './spec.js';

/**
 * A file with a `version` header, then `body` (topology and metadata sections, tensor count,
 * records), then length and CRC fixed up, so a defect in the body reaches the parser.
 */
export function sealedFile(body: (w: ByteWriter) => void, version = 1): Uint8Array {
  const w = new ByteWriter();
  w.bytes(SNN_MAGIC);
  w.u16(version);
  w.u16(0);
  w.u32(0);
  body(w);
  w.u32(0);
  return resealSnn(w.finish());
}

/** Asserts a one-line SnnFormatError whose message matches `pattern`. */
export function rejects(bytes: Uint8Array, pattern: RegExp, options: DecodeOptions = {}): void {
  let error: unknown = null;
  try {
    decodeSnn(bytes, options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SnnFormatError);
  const message = (error as Error).message;
  expect(message).toMatch(pattern);
  expect(message).not.toContain('\n');
}
