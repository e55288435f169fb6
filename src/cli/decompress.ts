/** `smallnets decompress FILE.snn --out DIR`: a .snn file back to a TF.js LayersModel directory. */
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { readSnnFile, snnToArtifacts, snnToLayersModel } from '../models/snn-model.js';
import { artifactsToFiles } from '../models/io.js';
import { checkOutDir, writeDirAtomic } from '../models/atomic-write.js';
import { log } from './output.js';

export function register(program: Command): void {
  addCommand<{ out: string; force?: boolean }>(
    program,
    'decompress',
    (cmd) =>
      cmd
        .description('decode a .snn file into a TF.js LayersModel directory (model.json + weights.bin)')
        .argument('<file>', '.snn file')
        .requiredOption('--out <dir>', 'output directory')
        .option('--force', 'replace a non-empty --out directory'),
    async ([file], flags) => {
      await checkOutDir(flags.out, flags.force);
      const snn = await readSnnFile(file!);
      // Building the model validates that topology and weights agree before anything is written.
      const model = await snnToLayersModel(snn);
      const files = artifactsToFiles(snnToArtifacts(snn));
      await writeDirAtomic(flags.out, files, flags.force);
      const bytes = Object.values(files).reduce((s, f) => s + (typeof f === 'string' ? Buffer.byteLength(f) : f.byteLength), 0);
      log(`${file}: ${snn.tensors.length} tensors, ${model.countParams().toLocaleString('en-US')} params → ${flags.out} (${bytes.toLocaleString('en-US')} bytes)`);
      return { command: 'decompress', params: model.countParams(), bytes, out: flags.out };
    },
  );
}
