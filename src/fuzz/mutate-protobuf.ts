/**
 * Structure-aware mutation of protobuf messages (ONNX files) on the wire format, without a schema:
 * the message is split into fields (tag, wire type, payload); length-delimited payloads that parse
 * as messages are split recursively. One field anywhere is then changed — a varint set to a value
 * that breaks size arithmetic (0, 2^31, 2^63, −1 as ten bytes …), a payload truncated, extended or
 * emptied, a field deleted, duplicated or swapped with a sibling, a wire type changed — and the
 * message is re-serialized with every enclosing length recomputed, so the change reaches the
 * decoder's field handling instead of failing the outermost length check.
 */
import { pick, randomInt } from './mutate-bytes.js';
import type { Mutation, Random } from './target.js';

interface Field {
  tag: number;
  wire: number;
  /** varint value (wire 0: a number while exact, else a bigint), or the payload bytes (wire 1, 2, 5). */
  value: number | bigint | Uint8Array;
  /** Sub-message fields, when a wire-2 payload parses as one. */
  children?: Field[];
}

const INTERESTING_VARINTS: bigint[] = [0n, 1n, 2n, 7n, 127n, 128n, 255n, 65535n, 65536n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 64n - 1n, 1_000_000n, 1_000_000_000n];

function readVarint(b: Uint8Array, at: number): { value: number | bigint; next: number } | null {
  // Fast path: up to seven bytes (49 bits) are an exact number.
  let small = 0;
  for (let i = 0; i < 7 && at + i < b.length; i++) {
    const byte = b[at + i]!;
    small += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value: small, next: at + i + 1 };
  }
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    if (at + i >= b.length) return null;
    const byte = b[at + i]!;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
  }
  return null;
}

/** A growable byte buffer. */
class Writer {
  private buffer = new Uint8Array(256);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buffer.set(b, this.length);
    this.length += b.length;
  }

  varint(value: bigint | number): void {
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff) {
      let v = value;
      while (v >= 0x80) {
        this.byte((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      return this.byte(v);
    }
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      this.byte(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Payloads larger than this are kept as bytes, not parsed as sub-messages (weights, mostly). */
const MAX_NESTED_PAYLOAD = 2048;

/** Parse a whole buffer as fields; null when it is not a well-formed message. */
function parse(b: Uint8Array, depth: number): Field[] | null {
  const fields: Field[] = [];
  let at = 0;
  while (at < b.length) {
    const key = readVarint(b, at);
    if (!key || typeof key.value !== 'number' || key.value < 8) return null;
    at = key.next;
    const tag = Math.floor(key.value / 8);
    const wire = key.value % 8;
    if (wire === 0) {
      const v = readVarint(b, at);
      if (!v) return null;
      fields.push({ tag, wire, value: v.value });
      at = v.next;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (at + size > b.length) return null;
      fields.push({ tag, wire, value: b.slice(at, at + size) });
      at += size;
    } else if (wire === 2) {
      const length = readVarint(b, at);
      if (!length || typeof length.value !== 'number' || length.next + length.value > b.length) return null;
      const payload = b.slice(length.next, length.next + Number(length.value));
      const children = depth < 8 && payload.length > 0 && payload.length <= MAX_NESTED_PAYLOAD ? parse(payload, depth + 1) ?? undefined : undefined;
      fields.push({ tag, wire, value: payload, ...(children ? { children } : {}) });
      at = length.next + Number(length.value);
    } else return null;
  }
  return fields;
}

function serialize(fields: Field[]): Uint8Array {
  const out = new Writer();
  for (const f of fields) {
    out.varint(f.tag * 8 + f.wire);
    if (f.wire === 0) out.varint(f.value as number | bigint);
    else if (f.wire === 2) {
      const payload = f.children ? serialize(f.children) : (f.value as Uint8Array);
      out.varint(payload.length);
      out.bytes(payload);
    } else out.bytes(f.value as Uint8Array);
  }
  return out.result();
}

/** Every field list in the tree, with each field in it. */
function places(fields: Field[], out: Array<{ list: Field[]; index: number }> = []): Array<{ list: Field[]; index: number }> {
  fields.forEach((f, index) => {
    out.push({ list: fields, index });
    if (f.children) places(f.children, out);
  });
  return out;
}

/** One structure-aware mutation of a protobuf message; falls back to nothing when it does not parse. */
export function mutateProtobuf(bytes: Uint8Array, random: Random): Mutation {
  const fields = parse(bytes, 0);
  if (!fields || fields.length === 0) return { bytes, kind: 'protobuf:unparsable' };
  const all = places(fields);
  const varints = all.filter((p) => p.list[p.index]!.wire === 0);
  const place = varints.length > 0 && random() < 0.5 ? pick(random, varints) : pick(random, all);
  const field = place.list[place.index]!;
  let kind: string;
  if (field.wire === 0 && random() < 0.8) {
    const v = BigInt(field.value as number | bigint);
    field.value = random() < 0.7 ? pick(random, INTERESTING_VARINTS) : BigInt.asUintN(64, v + BigInt(pick(random, [-1, 1, 1000])));
    kind = 'protobuf:varint';
  } else {
    switch (randomInt(random, 6)) {
      case 0:
        place.list.splice(place.index, 1);
        kind = 'protobuf:delete';
        break;
      case 1:
        place.list.splice(place.index, 0, structuredClone(field));
        kind = 'protobuf:duplicate';
        break;
      case 2: {
        const other = randomInt(random, place.list.length);
        [place.list[place.index], place.list[other]] = [place.list[other]!, field];
        kind = 'protobuf:swap';
        break;
      }
      case 3:
        field.wire = pick(random, [0, 1, 2, 5].filter((w) => w !== field.wire));
        field.value = field.wire === 0 ? pick(random, INTERESTING_VARINTS) : new Uint8Array(field.wire === 1 ? 8 : field.wire === 5 ? 4 : randomInt(random, 16));
        delete field.children;
        kind = 'protobuf:wire-type';
        break;
      case 4: {
        const payload = field.children ? serialize(field.children) : field.value instanceof Uint8Array ? field.value : new Uint8Array();
        delete field.children;
        field.wire = 2;
        field.value = random() < 0.5 ? payload.slice(0, randomInt(random, payload.length + 1)) : Uint8Array.from([...payload, ...payload.slice(0, 1 + randomInt(random, 16))]);
        kind = 'protobuf:payload-length';
        break;
      }
      default:
        field.tag = pick(random, [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 14, 15, 16, 100, 536870911]);
        kind = 'protobuf:tag';
    }
  }
  return { bytes: serialize(fields), kind };
}
