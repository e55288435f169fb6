/** `smallnets export MODEL --format tfjs|onnx --out PATH`: write a model as TF.js or ONNX. */
import type { Command } from 'commander';
import { choiceOption } from './options.js';
import { addCommand, examples } from './command.js';
import { log, printResult } from './output.js';
import { EXPORT_FORMATS, EXPORT_QUANTIZE, type ExportFormat } from '../export/formats.js';

interface ExportFlags {
  model: string;
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
      examples(cmd, [
        'export out/lenet5.snn --format onnx --out out/lenet5.onnx',
        'export out/lenet5 --format tfjs --quantize uint8 --out out/lenet5-u8',
      ])
        .description('export a .snn file or TF.js model as TF.js (optionally converter-quantized) or ONNX (opset 13)')
        .addOption(choiceOption('--format <format>', 'output format', EXPORT_FORMATS).makeOptionMandatory())
        .option('--quantize <dtype>', `weight quantization: tfjs ${EXPORT_QUANTIZE.tfjs.join(' | ')}; onnx ${EXPORT_QUANTIZE.onnx.join(' | ')}`)
        .requiredOption('--out <path>', 'output directory (tfjs) or file (onnx)')
        .option('--force', 'replace an existing output'),
    async (_args, flags) => {
      const { checkExportOptions, exportToFile } = await import('../export/export-file.js');
      const { openLayersModel } = await import('../pipeline/open-model.js');
      const options = { format: flags.format, out: flags.out, force: flags.force, ...(flags.quantize ? { quantize: flags.quantize } : {}) };
      await checkExportOptions(options);
      const { layers, snn } = await openLayersModel(flags.model);
      const result = await exportToFile({ model: layers, snn }, options);
      if (result.mapping) {
        const int8 = result.mapping.filter((m) => m.onnx !== 'float32').length;
        log(`${int8} of ${result.mapping.length} tensors stored as int8 + DequantizeLinear, the rest as float32`);
      }
      printResult(`wrote ${flags.format}${flags.quantize ? ` (${flags.quantize})` : ''}: ${result.bytes.toLocaleString('en-US')} bytes to ${flags.out}`);
      return { command: 'export', format: flags.format, bytes: result.bytes, out: flags.out };
    },
    { model: '.snn file, TF.js model directory, model.json or URL' },
  );
}
