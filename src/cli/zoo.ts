/**
 * `smallnets zoo [--chart FILE.svg] [--family NAME] [--json]`: the ImageNet models the zoo builds
 * (MobileNet v1 α × resolution, MobileNetV2 α, SqueezeNet 1.0/1.1) with params and multiply-adds
 * counted on the built model and the published top-1 of the released checkpoints, plus the classic
 * reference points; as a table (--format table|markdown|csv) and, with --chart, the talk's bubble chart.
 */
import type { Command } from 'commander';
import { addCommand, examples } from './command.js';
import { choiceOption } from './options.js';
import { log, printTable } from './output.js';
import { UsageError } from '../errors.js';
import { checkOutFile, writeFileAtomic } from '../models/atomic-write.js';

interface ZooFlags {
  chart?: string;
  family?: string;
  force?: boolean;
}

const FAMILIES = ['mobilenet_v1', 'mobilenet_v2', 'squeezenet'] as const;

export function register(program: Command): void {
  addCommand<ZooFlags>(
    program,
    'zoo',
    (cmd) =>
      examples(cmd, [
        'zoo --chart zoo.svg',
        'zoo --family squeezenet --format markdown',
      ])
        .description('ImageNet zoo models: counted params and multiply-adds next to published top-1; --chart draws accuracy vs multiply-adds')
        .option('--chart <file.svg>', 'write the bubble chart (x: multiply-adds, log; y: top-1; area: parameters)')
        .addOption(choiceOption('--family <name>', 'only this zoo family; the reference points are always shown', FAMILIES))
        .option('--force', 'replace an existing --chart file'),
    async (_args, flags) => {
      const { zooChartSvg, zooPoints } = await import('../explore/zoo-chart.js');
      if (flags.chart !== undefined) {
        if (!flags.chart.endsWith('.svg')) throw new UsageError(`--chart must name a .svg file, got ${JSON.stringify(flags.chart)}`);
        await checkOutFile(flags.chart, flags.force);
      }
      const points = zooPoints((spec) => flags.family === undefined || spec.startsWith(`${flags.family}:`));
      const fmt = (n: number, counted: boolean) => `${Math.round(n).toLocaleString('en-US')}${counted ? '' : ' (published)'}`;
      printTable(
        ['model', 'zoo spec', 'top-1', 'params', 'multiply-adds', { header: 'top-1 source', footnote: true }],
        points.map((p) => [p.name, p.spec ?? '–', `${p.top1.toFixed(1)}%`, fmt(p.params, p.counted), fmt(p.macs, p.counted), p.source]),
      );
      if (flags.chart !== undefined) {
        await writeFileAtomic(flags.chart, await zooChartSvg(points));
        log(`wrote ${flags.chart}`);
      }
      return { command: 'zoo', models: points, ...(flags.chart === undefined ? {} : { chart: flags.chart }) };
    },
    { table: true },
  );
}
