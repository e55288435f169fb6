/** docs/format.md §11 byte for byte: the specification's example is what the writer produces and the reader reads. */
import { describe, expect, it } from 'vitest';
import { decodeSnn } from './reader.js';
import type { SnnModel } from './spec.js';
import { encodeSnn } from './writer.js';

const DOCUMENTED = `
  89 53 4e 4e 0d 0a 1a 0a  02 00 00 00 5f 00 00 00
  0d 00 00 00  07 00 00 00 ab 56 ca 56 b2 32 ac 05 00  00 00 00 00  01 00 00 00
  01 00 77  00 02 02 00 00 00 04 00 00 00  03 01
  03 00 00 00 00 00 00 bf 00 00 80 3e 00 00 80 3f
  02 02 00 00 00 03 00 00 00  01 00 00 00 2d  01 00 00 00 01  72 52 6a 48`;

const MODEL: SnnModel = {
  topology: { k: 1 },
  metadata: null,
  tensors: [{
    name: 'w', shape: [2, 4], dtype: 'float32', values: new Float32Array([0, 0.25, 0, 0, 0, 0, 0, -0.5]),
    encoding: { values: { kind: 'codebook', centroids: new Float32Array([-0.5, 0.25, 1]) }, sparse: { gapBits: 2 }, huffmanValues: false, huffmanGaps: false },
  }],
};

describe('docs/format.md worked example', () => {
  const documented = Uint8Array.from(DOCUMENTED.trim().split(/\s+/), (h) => parseInt(h, 16));

  it('the writer produces the documented 95 bytes', () => {
    expect(documented.length).toBe(95);
    expect(Buffer.from(encodeSnn(MODEL)).toString('hex')).toBe(Buffer.from(documented).toString('hex'));
  });

  it('the reader decodes them to the documented tensor', () => {
    const snn = decodeSnn(documented);
    expect(snn.topology).toEqual({ k: 1 });
    expect(snn.metadata).toBeNull();
    expect(Array.from(snn.tensors[0]!.values)).toEqual([0, 0.25, 0, 0, 0, 0, 0, -0.5]);
    expect(Array.from(snn.tensors[0]!.positions!)).toEqual([1, 7]);
    expect(Array.from(snn.tensors[0]!.indexes!)).toEqual([1, 0]);
    expect(snn.tensors[0]!.recordBytes).toBe(91 - 41); // offsets 41..90: name length to the index stream's last byte
  });
});
