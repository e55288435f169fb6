import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { rejects, sealedFile } from './crafted.test-util.js';
import { decodeSnn } from './reader.js';
import { MAX_JSON_BYTES, SNN_VERSION } from './spec.js';
import { encodeSnn, encodeSnnWithReport } from './writer.js';

const TOPOLOGY = {
  class_name: 'Sequential',
  config: { layers: Array.from({ length: 8 }, (_, i) => ({ class_name: 'Dense', config: { name: `fc${i}`, units: 10 * i, use_bias: true } })) },
};

/** A version-`version` file whose topology section holds `section` verbatim, with no metadata or tensors. */
function withTopologySection(section: Uint8Array, version = 2): Uint8Array {
  return sealedFile((w) => {
    w.u32(section.length);
    w.bytes(section);
    w.u32(0);
    w.u32(0);
  }, version);
}

/** A version-2 topology section: declared JSON length, then the DEFLATE stream. */
function section(declared: number, stream: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + stream.length);
  new DataView(out.buffer).setUint32(0, declared, true);
  out.set(stream, 4);
  return out;
}

describe('JSON sections (topology, metadata)', () => {
  it('the writer deflates them (version 2) and the reader gives back the same objects', () => {
    const model = { topology: TOPOLOGY, metadata: { recipe: 'x'.repeat(500) }, tensors: [] };
    const { bytes, report } = encodeSnnWithReport(model);
    expect(new DataView(bytes.buffer).getUint16(8, true)).toBe(SNN_VERSION);
    expect(SNN_VERSION).toBe(2);
    const plain = new TextEncoder().encode(JSON.stringify(TOPOLOGY)).length;
    expect(report.topologyBytes).toBeLessThan(plain / 2);
    expect(report.metadataBytes).toBeLessThan(100);
    expect(decodeSnn(bytes)).toMatchObject({ topology: TOPOLOGY, metadata: { recipe: 'x'.repeat(500) } });
    expect(decodeSnn(encodeSnn({ topology: null, metadata: null, tensors: [] }))).toMatchObject({ topology: null, metadata: null });
  });

  it('version-1 files, with plain JSON sections, still read', () => {
    const json = new TextEncoder().encode(JSON.stringify(TOPOLOGY));
    expect(decodeSnn(withTopologySection(json, 1)).topology).toEqual(TOPOLOGY);
  });

  it('a declared length above the JSON limit or beyond what DEFLATE can expand to is refused before inflating', () => {
    const tiny = deflateSync(new TextEncoder().encode('{}'));
    rejects(withTopologySection(section(MAX_JSON_BYTES + 1, tiny)), /topology declares 16777217 bytes of JSON; must be in \[1, 16777216\]/);
    rejects(withTopologySection(section(0, tiny)), /declares 0 bytes/);
    rejects(withTopologySection(section(tiny.length * 1032 + 1, tiny)), /more than \d+ DEFLATE bytes can hold/);
  });

  it('a bomb (16 MiB of zeros in a few KB) declared small inflates no further than its declaration', () => {
    const bomb = deflateSync(new Uint8Array(MAX_JSON_BYTES), { level: 9 });
    expect(bomb.length).toBeLessThan(20_000);
    const start = performance.now();
    rejects(withTopologySection(section(1000, bomb)), /topology inflates to more than 1000 bytes, but declares 1000/);
    expect(performance.now() - start).toBeLessThan(5000); // inflating 16 MiB would be seconds on a busy machine, stopping early is milliseconds
  });

  it('a stream shorter than declared, a corrupt stream and a too-short section are rejected', () => {
    const json = new TextEncoder().encode(JSON.stringify(TOPOLOGY));
    const stream = deflateSync(json);
    rejects(withTopologySection(section(json.length + 5, stream)), new RegExp(`inflates to ${json.length} bytes, but declares ${json.length + 5}`));
    rejects(withTopologySection(section(json.length, stream.subarray(0, stream.length - 8))), /topology is not a valid DEFLATE stream/);
    rejects(withTopologySection(section(json.length, Uint8Array.of(0xff, 0xff, 0xff, 0xff))), /not a valid DEFLATE stream|inflates to/);
    rejects(withTopologySection(Uint8Array.of(1, 0, 0)), /too short for a length and a DEFLATE stream/);
  });

  it('inflated bytes must still be a UTF-8 JSON object', () => {
    const arr = new TextEncoder().encode('[1,2]');
    rejects(withTopologySection(section(arr.length, deflateSync(arr))), /topology must be a JSON object/);
    const bad = Uint8Array.of(0x7b, 0xff, 0x7d);
    rejects(withTopologySection(section(bad.length, deflateSync(bad))), /topology is not valid UTF-8 JSON/);
  });
});
