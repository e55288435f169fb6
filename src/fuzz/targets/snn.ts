/**
 * Fuzz target `snn`: the .snn container reader (format/reader.ts decodeSnn), through the harness
 * that has fuzzed it since the format landed (format/fuzz-harness.ts: seeds covering every encoding,
 * its mutations, reseal of length and CRC). Accepted files must re-encode to the same values.
 */
import { decodeSnn, encodeSnn, SnnFormatError } from '../../format/index.js';
import { fuzzSeeds, mutate, resealSnn } from '../../format/fuzz-harness.js';
import type { FuzzTarget } from '../target.js';

function run(input: Uint8Array): void {
  const model = decodeSnn(input);
  // Whatever the reader accepts, the writer accepts too, and it decodes to the same values.
  const again = decodeSnn(encodeSnn(model));
  model.tensors.forEach((t, i) => {
    const a = new Uint32Array(t.values.buffer, t.values.byteOffset, t.values.length);
    const b = again.tensors[i]!.values;
    const bb = new Uint32Array(b.buffer, b.byteOffset, b.length);
    if (a.length !== bb.length || a.some((v, k) => v !== bb[k] && !(t.values[k] === 0 && b[k] === 0) && !(Number.isNaN(t.values[k]) && Number.isNaN(b[k])))) {
      throw new Error(`tensor ${t.name} re-encodes to different values`);
    }
  });
}

export const snnTarget: FuzzTarget = {
  name: 'snn',
  description: '.snn container reader (format/reader.ts decodeSnn) with re-encode consistency',
  seeds: fuzzSeeds,
  mutate,
  finish: (input, random) => (random() < 0.75 ? resealSnn(input) : input),
  run,
  isRefusal: (error) => error instanceof SnnFormatError,
};
