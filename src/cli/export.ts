/** `smallnets export MODEL --format tfjs|onnx --out PATH`: write a model as TF.js or ONNX. */
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { log } from './output.js';
import { EXPORT_FORMATS, EXPORT_QUANTIZE, checkExportOptions, exportToFile, type ExportFormat } from '../export/export-file.js';
import { openLayersModel } from '../pipeline/open-model.js';

interface ExportFlags {
  format: ExportFormat;
  quantize?: string;
  out: string;
  force?: boolean;
}

export function register(program: Command): void {
  addCommand<ExportFlags>(
    program,
    'export',
    (cmd) =>
      cmd
        .description('export a .snn file or TF.js model as TF.js (optionally converter-quantized) or ONNX (opset 13)')
        .argument('<model>', '.snn file, TF.js model directory or model.json')
        .requiredOption('--format <format>', EXPORT_FORMATS.join(' | '))
        .option('--quantize <dtype>', `weight quantization: tfjs ${EXPORT_QUANTIZE.tfjs.join(' | ')}; onnx ${EXPORT_QUANTIZE.onnx.join(' | ')}`)
        .requiredOption('--out <path>', 'output directory (tfjs) or file (onnx)')
        .option('--force', 'replace an existing output'),
    async ([location], flags) => {
      const options = { format: flags.format, out: flags.out, force: flags.force, ...(flags.quantize ? { quantize: flags.quantize } : {}) };
      await checkExportOptions(options);
      const { layers, snn } = await openLayersModel(location!);
      const result = await exportToFile({ model: layers, snn }, options);
      if (result.mapping) {
        const int8 = result.mapping.filter((m) => m.onnx !== 'float32').length;
        log(`${int8} of ${result.mapping.length} tensors stored as int8 + DequantizeLinear, the rest as float32`);
      }
      log(`wrote ${flags.format}${flags.quantize ? ` (${flags.quantize})` : ''}: ${result.bytes.toLocaleString('en-US')} bytes to ${flags.out}`);
      return { command: 'export', format: flags.format, bytes: result.bytes, out: flags.out };
    },
  );
}
