/** `smallnets decompress FILE.snn --out DIR`: a .snn file back to a TF.js LayersModel directory. */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { ModelFormat } from '../pipeline/open-model.js';

const FORMAT_NAMES: Readonly<Record<ModelFormat, string>> = {
  tfjs: 'a TF.js model', snn: 'a .snn file', onnx: 'an ONNX model', zoo: 'a zoo spec',
};
import { addCommand, examples } from './command.js';
import { checkOutDir, writeDirAtomic } from '../models/atomic-write.js';
import { log, printResult } from './output.js';

export function register(program: Command): void {
  addCommand<{ model: string; out: string; force?: boolean }>(
    program,
    'decompress',
    (cmd) =>
      examples(cmd, [
        'decompress out/lenet5.snn --out out/lenet5-dc',
      ])
        .description('decode a .snn file into a TF.js LayersModel directory (model.json + weights.bin)')
        .requiredOption('--out <dir>', 'output directory')
        .option('--force', 'replace a non-empty --out directory'),
    async (_args, flags) => {
      const { snnToArtifacts } = await import('../models/snn-model.js');
      const { artifactsToFiles } = await import('../models/io.js');
      const { openModel } = await import('../pipeline/open-model.js');
      await checkOutDir(flags.out, flags.force);
      // Detected by content (size-capped, checksummed), so a directory or another format is named, not misread.
      const opened = await openModel(flags.model);
      if (opened.format !== 'snn' || !opened.snn || !opened.layers) {
        opened.dispose();
        throw new UsageError(`${flags.model} is ${FORMAT_NAMES[opened.format]}, not a .snn file; decompress turns .snn files into TF.js (to convert other formats, use export)`);
      }
      const { snn, layers: model } = opened;
      const files = artifactsToFiles(snnToArtifacts(snn));
      await writeDirAtomic(flags.out, files, flags.force);
      const bytes = Object.values(files).reduce((s, f) => s + (typeof f === 'string' ? Buffer.byteLength(f) : f.byteLength), 0);
      printResult(`${flags.model}: ${snn.tensors.length} tensors, ${model.countParams().toLocaleString('en-US')} params → ${flags.out} (${bytes.toLocaleString('en-US')} bytes)`);
      return { command: 'decompress', params: model.countParams(), bytes, out: flags.out };
    },
    { model: '.snn file' },
  );
}
