/** The export formats and their --quantize values, without loading TF.js. */
import { TFJS_QUANTIZATIONS } from './tfjs-quantize.js';

export type ExportFormat = 'tfjs' | 'onnx';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['tfjs', 'onnx'];
/** --quantize values per format: the converter's dtypes for TF.js; int8 kernels for ONNX. */
export const EXPORT_QUANTIZE: Readonly<Record<ExportFormat, readonly string[]>> = { tfjs: TFJS_QUANTIZATIONS, onnx: ['int8'] };
