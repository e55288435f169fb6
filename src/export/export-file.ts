/**
 * File-level export (what `smallnets export` runs): a model (with its decoded .snn when it came
 * from one, see openLayersModel) written as TF.js or ONNX, atomically.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import type { SnnModel } from '../format/index.js';
import { checkOutDir, checkOutFile, writeDirAtomic, writeFileAtomic } from '../models/atomic-write.js';
import { exportOnnx } from './onnx.js';
import type { WeightQuantizationMap } from './onnx-quant.js';
import { snnWeightQuantization, type SnnOnnxMapping } from './snn-model.js';
import { exportTfjs } from './tfjs.js';
import { TFJS_QUANTIZATIONS, type TfjsQuantization } from './tfjs-quantize.js';

import { EXPORT_FORMATS, EXPORT_QUANTIZE, type ExportFormat } from './formats.js';

export { EXPORT_FORMATS, EXPORT_QUANTIZE, type ExportFormat };

export interface ExportSource {
  model: tfl.LayersModel;
  /** The decoded .snn when the source was one (its quantized tensors carry over to ONNX). */
  snn: SnnModel | null;
}

export interface ExportFileOptions {
  format: ExportFormat;
  /** tfjs: uint8 | uint16 | float16; onnx: int8 (every kernel). Default: none (an .snn's int8-exact tensors still become DequantizeLinear in ONNX). */
  quantize?: string;
  out: string;
  force?: boolean;
}

export interface ExportFileResult {
  bytes: number;
  /** ONNX from .snn: how each tensor was stored. */
  mapping: SnnOnnxMapping[] | null;
}

/** Validate format/quantize/out before any work (UsageError on a bad value). */
export async function checkExportOptions(options: ExportFileOptions): Promise<void> {
  if (!EXPORT_FORMATS.includes(options.format)) {
    throw new UsageError(`\`format\` must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(options.format)}`, { option: 'format' });
  }
  const allowed = EXPORT_QUANTIZE[options.format];
  if (options.quantize !== undefined && !allowed.includes(options.quantize)) {
    throw new UsageError(`\`quantize\` for \`format\` ${options.format} must be one of ${allowed.join(', ')}, got ${JSON.stringify(options.quantize)}`, { option: 'quantize' });
  }
  if (options.format === 'tfjs') await checkOutDir(options.out, options.force);
  else await checkOutFile(options.out, options.force);
}

/**
 * Export `source` as options.format to options.out (atomically).
 * @example
 * const { layers, snn } = await openLayersModel('lenet5.snn');
 * await exportToFile({ model: layers, snn }, { format: 'onnx', out: 'lenet5.onnx' });
 */
export async function exportToFile(source: ExportSource, options: ExportFileOptions): Promise<ExportFileResult> {
  await checkExportOptions(options);
  if (options.format === 'tfjs') {
    const files = await exportTfjs(source.model, options.quantize ? { quantize: options.quantize as TfjsQuantization } : {});
    await writeDirAtomic(options.out, files, options.force);
    return { bytes: Buffer.byteLength(files['model.json']) + files['weights.bin'].byteLength, mapping: null };
  }
  let weightQuantization: WeightQuantizationMap | 'int8' | undefined;
  let mapping: SnnOnnxMapping[] | null = null;
  if (options.quantize === 'int8') weightQuantization = 'int8';
  else if (source.snn) {
    const fromSnn = snnWeightQuantization(source.snn);
    weightQuantization = fromSnn.quantization;
    mapping = fromSnn.mapping;
  }
  const bytes = exportOnnx(source.model, weightQuantization ? { weightQuantization } : {});
  await mkdir(path.dirname(path.resolve(options.out)), { recursive: true });
  await writeFileAtomic(options.out, bytes, { force: options.force ?? false });
  return { bytes: bytes.byteLength, mapping };
}
