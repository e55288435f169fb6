/**
 * The main job's report as one self-contained HTML file: the measured table and three charts
 * (accuracy vs stored bytes, compression ratio, energy per inference) drawn as inline SVG by
 * Vega-Lite at build time — no script, stylesheet or font is fetched when it is opened.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { VariantRow } from './context.js';

export interface ReportMeta {
  /** Wall-clock seconds of the whole run. */
  seconds: number;
  /** How the run was started, e.g. `npm start`. */
  command: string;
  epochs: Record<string, number>;
  machine: string;
  date: string;
  /** Training and test digits used. */
  trainCount: number;
  testCount: number;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Render a Vega-Lite spec to an SVG string (no DOM, no network). */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

interface ChartPoint {
  variant: string;
  accuracy: number;
  bytes: number;
  ratio: number;
  energy: number | null;
}

function points(rows: readonly VariantRow[]): ChartPoint[] {
  const dense = rows[0]!;
  return rows.map((r) => ({
    variant: r.variant,
    accuracy: Number((r.testAccuracy * 100).toFixed(2)),
    bytes: r.bytes,
    ratio: Number((dense.bytes / r.bytes).toFixed(2)),
    energy: r.energyMicrojoules === undefined ? null : Number(r.energyMicrojoules.toFixed(2)),
  }));
}

/** The chart specs, data inline. */
export function reportCharts(rows: readonly VariantRow[]): Array<{ title: string; spec: TopLevelSpec }> {
  const values = points(rows);
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', data: { values }, config: { font: 'sans-serif' } } as const;
  return [
    {
      title: 'Test accuracy vs stored bytes (log scale): up and to the left is better',
      spec: {
        ...base,
        width: 560,
        height: 320,
        layer: [
          {
            mark: { type: 'point', filled: true, size: 80 },
            encoding: {
              x: { field: 'bytes', type: 'quantitative', scale: { type: 'log' }, title: 'stored bytes' },
              y: { field: 'accuracy', type: 'quantitative', scale: { zero: false }, title: 'test accuracy %' },
              color: { field: 'variant', type: 'nominal', legend: null },
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 7, fontSize: 10 },
            encoding: {
              x: { field: 'bytes', type: 'quantitative', scale: { type: 'log' } },
              y: { field: 'accuracy', type: 'quantitative' },
              text: { field: 'variant', type: 'nominal' },
            },
          },
        ],
      } as TopLevelSpec,
    },
    {
      title: 'Compression: how many times smaller than the dense fp32 files',
      spec: {
        ...base,
        width: 420,
        mark: 'bar',
        encoding: {
          y: { field: 'variant', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
          x: { field: 'ratio', type: 'quantitative', title: '× smaller' },
        },
      } as TopLevelSpec,
    },
    {
      title: 'Energy per inference (45 nm table, docs/energy.md)',
      spec: {
        ...base,
        width: 420,
        transform: [{ filter: 'datum.energy !== null' }],
        mark: 'bar',
        encoding: {
          y: { field: 'variant', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
          x: { field: 'energy', type: 'quantitative', title: 'µJ per inference' },
        },
      } as TopLevelSpec,
    },
  ];
}

/** The whole report page. */
export async function renderReport(rows: readonly VariantRow[], meta: ReportMeta): Promise<string> {
  const dense = rows[0]!;
  const head = ['variant', 'params', 'nonzero', 'test acc %', 'Δ points', 'bytes', 'ratio', 'energy µJ', 'seconds', 'notes'];
  const int = (n: number) => n.toLocaleString('en-US');
  const body = rows.map((r) => {
    const cells = [
      escapeHtml(r.variant), int(r.params), int(r.nonzeroParams), (r.testAccuracy * 100).toFixed(2),
      r === dense ? '' : ((r.testAccuracy - dense.testAccuracy) * 100).toFixed(2), int(r.bytes), `${(dense.bytes / r.bytes).toFixed(1)}×`,
      r.energyMicrojoules === undefined ? '–' : r.energyMicrojoules.toFixed(1), r.seconds.toFixed(1), escapeHtml(r.notes ?? ''),
    ];
    return `<tr>${cells.map((c, i) => `<td class="${i === 0 || i === 9 ? 'text' : 'num'}">${c}</td>`).join('')}</tr>`;
  });
  const charts = await Promise.all(reportCharts(rows).map(async (c) => `<figure><figcaption>${escapeHtml(c.title)}</figcaption>${await chartSvg(c.spec)}</figure>`));
  const epochs = Object.entries(meta.epochs).map(([k, v]) => `${escapeHtml(k)} ${v}`).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>smallnets: LeNet-5 made smaller</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { text-align: left; background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { max-width: 28rem; }
figure { margin: 2rem 0; }
figcaption { font-weight: 600; margin-bottom: 0.5rem; }
.meta { color: #555; }
</style>
</head>
<body>
<h1>LeNet-5 on MNIST, made smaller</h1>
<p class="meta">Measured by <code>${escapeHtml(meta.command)}</code> on ${escapeHtml(meta.date)} (${escapeHtml(meta.machine)}) in ${meta.seconds.toFixed(1)} s.
Training epochs: ${epochs}, on ${meta.trainCount.toLocaleString('en-US')} training digits. Test accuracy is on
${meta.testCount.toLocaleString('en-US')} held-out digits of the fixed MNIST split; bytes are the files a variant ships
(TF.js model.json + weights.bin, or the .snn file); energy per inference from the 45 nm table at the stored precision.</p>
<table>
<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table>
${charts.join('\n')}
</body>
</html>
`;
}
