/** The tables of docs/results.md: for each, the exact commands and which JSON fields become columns. */

export interface ResultRow {
  command: string;
  label?: string;
}

export interface ResultColumn {
  header: string;
  value(result: Record<string, unknown>, row: ResultRow): string;
}

export interface ResultSection {
  name: string;
  title: string;
  intro: string;
  /** Commands run first whose output is not tabulated (e.g. training the baselines). */
  setup?: string[];
  columns: ResultColumn[];
  rows: ResultRow[];
}

const pct = (key: string) => (r: Record<string, unknown>) => (typeof r[key] === 'number' ? `${((r[key] as number) * 100).toFixed(2)}%` : '–');
const num = (key: string, digits = 0) => (r: Record<string, unknown>) =>
  typeof r[key] === 'number' ? (r[key] as number).toLocaleString('en-US', { maximumFractionDigits: digits }) : '–';
const label = (_r: Record<string, unknown>, row: ResultRow) => row.label ?? '';

export const RESULT_SECTIONS: ResultSection[] = [
  {
    name: 'train',
    title: 'Training the LeNets (issue 2)',
    intro: 'Dense baselines every other table compares against. Wall-clock seconds include evaluation and saving.',
    columns: [
      { header: 'model', value: (r) => String(r['model']) },
      { header: 'params', value: num('params') },
      { header: 'epochs', value: num('epochs') },
      { header: 'test accuracy', value: pct('testAccuracy') },
      { header: 'seconds', value: num('seconds', 1) },
      { header: 'images/s', value: num('imagesPerSecond') },
    ],
    rows: [
      { command: 'smallnets train lenet5 --out out/lenet5 --force --json' },
      { command: 'smallnets train lenet300 --out out/lenet300 --force --json' },
    ],
  },
  {
    name: 'bench-train',
    title: 'Training speed vs peers (issue 2)',
    intro: 'LeNet-5, batch 64, median step time after warm-up, all runtimes measured in the same run on the same machine.',
    columns: [
      { header: 'smallnets images/s', value: num('smallnetsImagesPerSecond') },
      { header: 'PyTorch CPU (2 threads) images/s', value: num('pytorchImagesPerSecond') },
      { header: 'ratio vs PyTorch', value: num('ratioVsPytorch', 2) },
      { header: 'stock tfjs cpu images/s', value: num('tfjsCpuImagesPerSecond', 2) },
      { header: 'speed-up vs tfjs cpu', value: num('ratioVsTfjsCpu', 0) },
    ],
    rows: [{ command: 'npx tsx bench/train.ts --json' }],
  },
];

export { label };
