/**
 * Where the bytes go in a compressed model, tensor by tensor and stage by stage (Deep Compression's
 * table: dense fp32 → pruned → quantized → Huffman → the whole file), with gzip of the fp32 weights
 * as the baseline a general-purpose compressor reaches.
 */
import { gzipSync } from 'node:zlib';
import type { SnnReport } from '../format/spec.js';
import type { WeightValues } from '../models/snn-model.js';
import { countNonzero } from '../analysis/nonzero.js';

export interface TensorSizes {
  name: string;
  params: number;
  /** Nonzero weights of the compressed tensor (a densely coded tensor stores its zeros too). */
  nonzero: number;
  bytesDense: number;
  bytesPruned: number;
  bytesQuantized: number;
  bytesHuffman: number;
  /** bytesDense / bytesHuffman, one decimal. */
  ratio: number;
  /** gzip -9 of the original fp32 values (null when the tensor is not in the original model). */
  bytesGzipFp32: number | null;
}

export interface CompressionSizes {
  /** fp32 bytes of the original weights. */
  bytesOriginal: number;
  /** The whole .snn file (topology, headers and checksum included). */
  bytesCompressed: number;
  /** bytesOriginal / bytesCompressed, two decimals. */
  ratio: number;
  /** Total bytes after each stage, the file last. */
  stages: Array<{ stage: string; bytes: number }>;
  layers: TensorSizes[];
  /** Sum of bytesGzipFp32. */
  bytesGzipFp32: number;
}

/**
 * The size table of an encoded model against the original's fp32 weights.
 *
 * @example
 * const sizes = compressionSizes(report, await modelWeightValues(original));
 * sizes.stages.map((s) => `${s.stage}: ${s.bytes}`);
 */
export function compressionSizes(report: SnnReport, original: readonly WeightValues[], compressed: readonly WeightValues[] = []): CompressionSizes {
  const fp32 = new Map(original.map((w) => [w.name, w.values]));
  const nonzeroOf = new Map(compressed.map((w) => [w.name, countNonzero(w.values)]));
  const layers: TensorSizes[] = report.tensors.map((t) => {
    const values = fp32.get(t.name);
    const gzip = values ? gzipSync(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), { level: 9 }).byteLength : null;
    return {
      name: t.name,
      params: t.elements,
      nonzero: nonzeroOf.get(t.name) ?? t.storedValues,
      bytesDense: t.stages.dense,
      bytesPruned: t.stages.pruned,
      bytesQuantized: t.stages.quantized,
      bytesHuffman: t.stages.huffman,
      ratio: Number((t.stages.dense / Math.max(1, t.stages.huffman)).toFixed(1)),
      bytesGzipFp32: gzip,
    };
  });
  const sum = (key: 'bytesDense' | 'bytesPruned' | 'bytesQuantized' | 'bytesHuffman') => layers.reduce((s, l) => s + l[key], 0);
  // The input's fp32 bytes: with filters removed the stored tensors are smaller than the original's.
  const bytesOriginal = original.length > 0 ? original.reduce((s, w) => s + w.values.byteLength, 0) : sum('bytesDense');
  const bytesCompressed = report.fileBytes;
  return {
    bytesOriginal,
    bytesCompressed,
    ratio: Number((bytesOriginal / bytesCompressed).toFixed(2)),
    stages: [
      { stage: 'dense fp32', bytes: bytesOriginal },
      { stage: 'pruned (sparse fp32 + gaps)', bytes: sum('bytesPruned') },
      { stage: 'quantized (indexes + codebooks)', bytes: sum('bytesQuantized') },
      { stage: 'Huffman', bytes: sum('bytesHuffman') },
      { stage: '.snn file (topology, headers, checksum)', bytes: bytesCompressed },
    ],
    layers,
    bytesGzipFp32: layers.reduce((s, l) => s + (l.bytesGzipFp32 ?? 0), 0),
  };
}
