/**
 * `smallnets zoo [--chart FILE.svg] [--family NAME] [--json]`: the ImageNet models the zoo builds
 * (MobileNet v1 α × resolution, MobileNetV2 α, SqueezeNet 1.0/1.1) with params and multiply-adds
 * counted on the built model and the published top-1 of the released checkpoints, plus the classic
 * reference points; as a markdown table and, with --chart, the talk's bubble chart.
 */
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { log } from './output.js';
import { UsageError } from '../errors.js';
import { checkOutFile, writeFileAtomic } from '../models/atomic-write.js';
import { zooChartSvg, zooMarkdown, zooPoints } from '../explore/zoo-chart.js';

interface ZooFlags {
  chart?: string;
  family?: string;
  force?: boolean;
}

const FAMILIES = ['mobilenet_v1', 'mobilenet_v2', 'squeezenet'];

export function register(program: Command): void {
  addCommand<ZooFlags>(
    program,
    'zoo',
    (cmd) =>
      cmd
        .description('ImageNet zoo models: counted params and multiply-adds next to published top-1; --chart draws accuracy vs multiply-adds')
        .option('--chart <file.svg>', 'write the bubble chart (x: multiply-adds, log; y: top-1; area: parameters)')
        .option('--family <name>', `only this zoo family (${FAMILIES.join(', ')}); reference points are always shown`)
        .option('--force', 'replace an existing --chart file')
        .addHelpText('after', `
Examples:
  smallnets zoo --chart zoo.svg
  smallnets zoo --family squeezenet --json`),
    async (_args, flags) => {
      if (flags.family !== undefined && !FAMILIES.includes(flags.family)) {
        throw new UsageError(`--family must be one of ${FAMILIES.join(', ')}, got ${JSON.stringify(flags.family)}`);
      }
      if (flags.chart !== undefined) {
        if (!flags.chart.endsWith('.svg')) throw new UsageError(`--chart must name a .svg file, got ${JSON.stringify(flags.chart)}`);
        await checkOutFile(flags.chart, flags.force);
      }
      const points = zooPoints((spec) => flags.family === undefined || spec.startsWith(`${flags.family}:`));
      log(zooMarkdown(points));
      if (flags.chart !== undefined) {
        await writeFileAtomic(flags.chart, await zooChartSvg(points));
        log(`wrote ${flags.chart}`);
      }
      return { command: 'zoo', models: points, ...(flags.chart === undefined ? {} : { chart: flags.chart }) };
    },
  );
}
