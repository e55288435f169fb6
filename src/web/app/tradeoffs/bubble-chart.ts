/**
 * The trade-off bubble chart (Chart.js, tree-shaken to the bubble and line parts): one bubble per
 * finished trial, accuracy up, cost along a log x axis, bubble area ∝ multiply-adds (or non-zero
 * weights when the trials have no MACs), the Pareto front as a line through its trials. Hovering a
 * bubble shows its configuration in the tooltip and calls `onHover` for the per-layer panel.
 */
import { BubbleController, Chart, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip, type ChartConfiguration, type TooltipItem } from 'chart.js';
import { formatBytes } from '../dom.js';
import { FRONT_OF, type Axis, type Exploration, type TrialRecord } from './exploration.js';

Chart.register(BubbleController, LineController, LinearScale, LogarithmicScale, PointElement, LineElement, Tooltip);

export const AXIS_LABELS: Record<Axis, string> = { snnBytes: '.snn file size (bytes, log scale)', macs: 'multiply-adds per image (log scale)', latencyMs: 'latency per image (ms, log scale)' };

interface Point {
  x: number;
  y: number;
  r: number;
  trial: TrialRecord;
}

/** A trial's knobs as one short line: "width=0.5 sparsity=0.9 bits=4". */
export function configLine(config: Record<string, unknown>): string {
  return Object.entries(config)
    .filter(([, v]) => v !== undefined && v !== null && v !== false)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

export function formatAxis(axis: Axis, value: number): string {
  if (axis === 'snnBytes') return formatBytes(value);
  if (axis === 'macs') return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M` : value.toLocaleString('en-US');
  return `${value.toFixed(2)} ms`;
}

export interface BubbleChart {
  chart: Chart;
  points: Point[];
  front: Point[];
}

export function drawBubbleChart(canvas: HTMLCanvasElement, data: Exploration, axis: Axis, onHover: (trial: TrialRecord | null) => void, previous?: Chart): BubbleChart {
  previous?.destroy();
  const done = data.trials.filter((t) => t.status === 'done' && t.metrics && t.metrics[axis] > 0);
  const sizeOf = (t: TrialRecord) => (done.every((d) => d.metrics!.macs > 0) ? t.metrics!.macs : t.metrics!.nonzeroParams);
  const largest = Math.max(1, ...done.map(sizeOf));
  const frontKeys = new Set(data.pareto[FRONT_OF[axis]] ?? []);
  const points: Point[] = done.map((t) => ({ x: t.metrics![axis], y: t.metrics!.testAccuracy * 100, r: 4 + 14 * Math.sqrt(sizeOf(t) / largest), trial: t }));
  const front = points.filter((p) => frontKeys.has(p.trial.key)).sort((a, b) => a.x - b.x);
  const config = {
    type: 'bubble',
    data: {
      datasets: [
        {
          type: 'bubble',
          label: 'trials',
          data: points,
          backgroundColor: points.map((p) => (frontKeys.has(p.trial.key) ? 'rgba(230, 120, 0, 0.55)' : 'rgba(11, 99, 197, 0.35)')),
          borderColor: points.map((p) => (frontKeys.has(p.trial.key) ? 'rgb(200, 95, 0)' : 'rgb(11, 99, 197)')),
          borderWidth: 1,
        },
        {
          type: 'line',
          label: 'Pareto front',
          data: front.map((p) => ({ x: p.x, y: p.y })),
          borderColor: 'rgb(200, 95, 0)',
          borderWidth: 2,
          pointRadius: 0,
          pointHitRadius: 0,
          stepped: 'before',
          fill: false,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { type: 'logarithmic', title: { display: true, text: AXIS_LABELS[axis] }, ticks: { callback: (v: string | number) => formatAxis(axis, Number(v)), maxTicksLimit: 6 } },
        y: { type: 'linear', title: { display: true, text: 'test accuracy (%)' } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          filter: (item: TooltipItem<'bubble'>) => item.datasetIndex === 0,
          callbacks: {
            title: (items: Array<TooltipItem<'bubble'>>) => configLine(points[items[0]!.dataIndex]!.trial.config) || points[items[0]!.dataIndex]!.trial.key,
            label: (item: TooltipItem<'bubble'>) => {
              const t = points[item.dataIndex]!.trial;
              return [`accuracy ${(t.metrics!.testAccuracy * 100).toFixed(2)}%`, `${AXIS_LABELS[axis].replace(/ \(.*$/, '')}: ${formatAxis(axis, t.metrics![axis])}`, `${t.metrics!.nonzeroParams.toLocaleString('en-US')} non-zero of ${t.metrics!.params.toLocaleString('en-US')} weights`, frontKeys.has(t.key) ? 'on the Pareto front' : ''].filter(Boolean);
            },
          },
        },
      },
      onHover: (_event: unknown, elements: Array<{ datasetIndex: number; index: number }>) => {
        const hit = elements.find((e) => e.datasetIndex === 0);
        onHover(hit ? points[hit.index]!.trial : null);
      },
    },
  };
  const chart = new Chart(canvas, config as unknown as ChartConfiguration);
  canvas.dataset.marks = String(chart.getDatasetMeta(0).data.length);
  canvas.dataset.front = String(front.length);
  return { chart, points, front };
}
