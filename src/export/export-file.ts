/**
 * File-level export (what `smallnets export` runs): read a model (.snn, TF.js directory or
 * model.json), write TF.js or ONNX atomically.
 */
import { access, mkdir, readFile, stat } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError, UsageError } from '../cli/errors.js';
import { decodeSnn, type SnnModel } from '../format/index.js';
import { checkOutDir, checkOutFile, loadModel, writeDirAtomic, writeFileAtomic } from '../models/io.js';
import { exportOnnx } from './onnx.js';
import type { WeightQuantizationMap } from './onnx-quant.js';
import { snnToLayersModel, snnWeightQuantization, type SnnOnnxMapping } from './snn-model.js';
import { exportTfjs } from './tfjs.js';
import { TFJS_QUANTIZATIONS, type TfjsQuantization } from './tfjs-quantize.js';

export type ExportFormat = 'tfjs' | 'onnx';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['tfjs', 'onnx'];
/** --quantize values per format: the converter's dtypes for TF.js; int8 kernels for ONNX. */
export const EXPORT_QUANTIZE: Readonly<Record<ExportFormat, readonly string[]>> = { tfjs: TFJS_QUANTIZATIONS, onnx: ['int8'] };

export interface ExportSource {
  model: tfl.LayersModel;
  /** The decoded .snn when the source was one (its quantized tensors carry over to ONNX). */
  snn: SnnModel | null;
}

/** Load an export source: a .snn file, a TF.js model directory or model.json. */
export async function loadExportSource(location: string): Promise<ExportSource> {
  if (!location.toLowerCase().endsWith('.snn')) return { model: await loadModel(location), snn: null };
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(location));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RuntimeError(`cannot read ${location}${code === 'ENOENT' ? ': no such file' : `: ${code ?? (error as Error).message}`}`);
  }
  const snn = decodeSnn(bytes);
  return { model: await snnToLayersModel(snn), snn };
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
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(options.format)}`);
  }
  const allowed = EXPORT_QUANTIZE[options.format];
  if (options.quantize !== undefined && !allowed.includes(options.quantize)) {
    throw new UsageError(`--quantize for --format ${options.format} must be one of ${allowed.join(', ')}, got ${JSON.stringify(options.quantize)}`);
  }
  if (options.format === 'tfjs') await checkOutDir(options.out, options.force);
  else await checkOutFile(options.out, options.force);
}

/**
 * Export `source` as options.format to options.out (atomically).
 * @example
 * await exportToFile(await loadExportSource('lenet5.snn'), { format: 'onnx', out: 'lenet5.onnx' });
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
  await writeFileAtomic(options.out, bytes);
  return { bytes: bytes.byteLength, mapping };
}
