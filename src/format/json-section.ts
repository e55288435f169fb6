/**
 * The topology and metadata sections of an .snn file: a JSON object (or null), stored since version 2
 * as raw DEFLATE (RFC 1951). Keras topologies repeat the same keys for every layer, so they shrink
 * about 5× — for the LeNets that is 1–2 KB, several percent of a Deep-Compressed file.
 *
 * Layout (docs/format.md §3): `u32 S` then S section bytes; S = 0 means null. Version 1: the section
 * is the UTF-8 JSON text. Version 2: `u32 U` (the JSON text's length) then a DEFLATE stream that
 * inflates to exactly U bytes. U is bounded before anything is allocated (MAX_JSON_BYTES, and
 * DEFLATE's own ceiling of 1032:1), so a hostile section cannot make the reader inflate a bomb.
 */
import { deflateSync, inflateSync } from 'fflate';
import type { ByteReader, ByteWriter } from './bytes.js';
import { SnnFormatError } from './errors.js';
import { MAX_JSON_BYTES, type JsonObject } from './spec.js';

/** DEFLATE cannot expand data by more than 1032:1 (258-byte matches coded in 2 bits). */
const MAX_DEFLATE_RATIO = 1032;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Writes a version-2 JSON section; returns the bytes it took, length field included. */
export function writeJsonSection(w: ByteWriter, value: JsonObject | null, what: string): number {
  if (value === null || value === undefined) {
    w.u32(0);
    return 4;
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new SnnFormatError(`${what} must be a JSON object or null`);
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new SnnFormatError(`${what} is not serializable as JSON: ${(e as Error).message}`);
  }
  const json = utf8Encoder.encode(text);
  if (json.length > MAX_JSON_BYTES) throw new SnnFormatError(`${what} is ${json.length} bytes of JSON; at most ${MAX_JSON_BYTES} are stored`);
  const deflated = deflateSync(json, { level: 9 });
  w.u32(4 + deflated.length);
  w.u32(json.length);
  w.bytes(deflated);
  return 8 + deflated.length;
}

/** Reads a JSON section of a file of `version` (1: plain text, 2: DEFLATE). */
export function readJsonSection(r: ByteReader, what: string, version: number): JsonObject | null {
  const length = r.u32(`${what} length`);
  if (length === 0) return null;
  const section = r.take(length, what);
  const text = version === 1 ? section : inflateSection(section, what);
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8Decoder.decode(text));
  } catch (e) {
    throw new SnnFormatError(`${what} is not valid UTF-8 JSON (${String((e as Error).message).split('\n')[0]})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SnnFormatError(`${what} must be a JSON object`);
  }
  return parsed as JsonObject;
}

function inflateSection(section: Uint8Array, what: string): Uint8Array {
  if (section.length < 5) throw new SnnFormatError(`${what} section of ${section.length} bytes is too short for a length and a DEFLATE stream`);
  const declared = new DataView(section.buffer, section.byteOffset, 4).getUint32(0, true);
  const stream = section.subarray(4);
  if (declared === 0 || declared > MAX_JSON_BYTES) {
    throw new SnnFormatError(`${what} declares ${declared} bytes of JSON; must be in [1, ${MAX_JSON_BYTES}]`);
  }
  if (declared > stream.length * MAX_DEFLATE_RATIO) {
    throw new SnnFormatError(`${what} declares ${declared} bytes of JSON, more than ${stream.length} DEFLATE bytes can hold`);
  }
  // One spare byte: a stream that inflates past the declared length fills it and is caught below,
  // while inflation itself can never write more than declared + 1 bytes.
  const out = new Uint8Array(declared + 1);
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(stream, { out });
  } catch (e) {
    throw new SnnFormatError(`${what} is not a valid DEFLATE stream (${(e as Error).message})`);
  }
  if (inflated.length !== declared) {
    const got = inflated.length > declared ? `more than ${declared}` : `${inflated.length}`;
    throw new SnnFormatError(`${what} inflates to ${got} bytes, but declares ${declared}`);
  }
  return inflated;
}
