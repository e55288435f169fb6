/**
 * Standalone SVG charts rendered in Node by Vega-Lite → Vega (no browser, no canvas: Vega's SVG
 * renderer estimates text widths). Two shapes cover every figure: a bubble chart (log x, area =
 * a third quantity, labels) as in the talk's "model size / performance" slide, and a scatter with
 * its Pareto front drawn as a step line. Vega is imported lazily, so commands that draw nothing
 * never load it.
 */
import type { TopLevelSpec } from 'vega-lite';

export interface ChartPoint {
  x: number;
  y: number;
  label: string;
  /** Bubble area is proportional to this (bubble charts). */
  size?: number;
  /** Legend group (colour). */
  group?: string;
  /** Draw the label next to the point. */
  labelled?: boolean;
}

export interface ChartRule {
  y: number;
  label: string;
}

export interface ChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Legend title of the bubble size. */
  sizeTitle?: string;
  xLog?: boolean;
  /** Keys (labels) of the points on the Pareto front, drawn as a step line through them. */
  front?: ChartPoint[];
  /** Horizontal reference lines (baseline accuracy, the budget). */
  rules?: ChartRule[];
  /** Format of y-axis labels (d3-format), default '.1%'. */
  yFormat?: string;
  width?: number;
  height?: number;
}

function layers(points: ChartPoint[], options: ChartOptions): TopLevelSpec {
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: options.xTitle,
    scale: options.xLog ? { type: 'log' as const, nice: false } : { zero: false },
    axis: { format: '~s', grid: true },
  };
  const y = { field: 'y', type: 'quantitative' as const, title: options.yTitle, scale: { zero: false }, axis: { format: options.yFormat ?? '.1%' } };
  const hasGroups = points.some((p) => p.group !== undefined);
  const groups = [...new Set(points.map((p) => p.group).filter((g): g is string => g !== undefined))];
  // The front in red (as its line), everything else in the default palette.
  const range = groups.map((g, i) => (g === 'Pareto front' ? '#e45756' : ['#4c78a8', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#9d755d', '#bab0ac', '#f58518'][i % 8]!));
  const color = hasGroups ? { field: 'group', type: 'nominal' as const, title: null, scale: { domain: groups, range } } : { value: '#4c78a8' };
  const bubbles = {
    data: { values: points },
    mark: { type: 'circle' as const, opacity: 0.55, stroke: '#333', strokeWidth: 0.5 },
    encoding: {
      x, y, color,
      ...(points.some((p) => p.size !== undefined)
        ? { size: { field: 'size', type: 'quantitative' as const, title: options.sizeTitle ?? 'size', scale: { range: [30, 1600] }, legend: { format: '~s' } } }
        : { size: { value: 70 } }),
      tooltip: [{ field: 'label' }, { field: 'x' }, { field: 'y' }],
    },
  };
  const labels = {
    data: { values: points.filter((p) => p.labelled !== false) },
    mark: { type: 'text' as const, align: 'left' as const, dx: 7, dy: -7, fontSize: 9 },
    encoding: { x, y, text: { field: 'label' } },
  };
  const front = options.front && options.front.length > 0
    ? [{
        data: { values: [...options.front].sort((a, b) => a.x - b.x) },
        mark: { type: 'line' as const, interpolate: 'step-after' as const, color: '#e45756', strokeWidth: 1.5, point: { color: '#e45756', size: 25 } },
        encoding: { x, y, order: { field: 'x', type: 'quantitative' as const } },
      }]
    : [];
  const rules = (options.rules ?? []).flatMap((r) => [
    { data: { values: [r] }, mark: { type: 'rule' as const, strokeDash: [4, 3], color: '#888' }, encoding: { y: { field: 'y', type: 'quantitative' as const } } },
    {
      data: { values: [r] },
      mark: { type: 'text' as const, align: 'right' as const, baseline: 'bottom' as const, dy: -2, fontSize: 9, color: '#666', x: 'width' as const },
      encoding: { y: { field: 'y', type: 'quantitative' as const }, text: { field: 'label' } },
    },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 420,
    background: 'white',
    layer: [...rules, ...front, bubbles, labels],
  } as TopLevelSpec;
}

/**
 * Render a bubble/scatter chart to a standalone SVG document.
 *
 * @example
 * const svg = await chartSvg([{ x: 569e6, y: 0.709, size: 4.2e6, label: 'MobileNet 1.0' }],
 *   { title: 'ImageNet', xTitle: 'multiply-adds', yTitle: 'top-1', xLog: true, sizeTitle: 'params' });
 */
export async function chartSvg(points: ChartPoint[], options: ChartOptions): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const quiet = { level: () => quiet, error: () => quiet, warn: () => quiet, info: () => quiet, debug: () => quiet };
  const spec = vegaLite.compile(layers(points, options), { logger: quiet as never }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.startsWith('<?xml') ? svg : `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
  } finally {
    view.finalize();
  }
}
