/**
 * A small hand-written SVG line chart (no dependencies): numeric x and y axes with ticks, one
 * polyline + markers per series, a legend, and optional dashed horizontal reference lines. Missing
 * points (null) break a series' line.
 */

export interface ChartSeries {
  label: string;
  color: string;
  points: Array<{ x: number; y: number | null }>;
  /** Draw the line dashed. */
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Horizontal reference lines, e.g. the float baseline. */
  references?: Array<{ label: string; y: number; color: string }>;
  xTicks: number[];
  /** y range; default: padded around the data. */
  yMin?: number;
  yMax?: number;
  width?: number;
  height?: number;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Round tick step: 1, 2 or 5 × 10^n, giving about `count` ticks over `span`. */
export function niceStep(span: number, count = 6): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

export function lineChartSvg(options: LineChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 460;
  const margin = { left: 64, right: 200, top: 44, bottom: 56 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const ys = [
    ...options.series.flatMap((s) => s.points.map((p) => p.y).filter((y): y is number => y !== null)),
    ...(options.references ?? []).map((r) => r.y),
  ];
  const dataMin = Math.min(...ys);
  const dataMax = Math.max(...ys);
  const step = niceStep(Math.max(dataMax - dataMin, 1e-6));
  const yMin = options.yMin ?? Math.floor(dataMin / step) * step;
  const yMax = options.yMax ?? Math.ceil(dataMax / step) * step + (dataMax % step === 0 ? step / 2 : 0);
  const xMin = Math.min(...options.xTicks);
  const xMax = Math.max(...options.xTicks);
  const sx = (x: number) => margin.left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const sy = (y: number) => margin.top + (1 - (y - yMin) / (yMax - yMin || 1)) * plotH;
  const f = (v: number) => v.toFixed(1);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${margin.left + plotW / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escape(options.title)}</text>`);
  // Grid and ticks.
  const yStep = niceStep(yMax - yMin);
  for (let y = Math.ceil(yMin / yStep) * yStep; y <= yMax + 1e-9; y += yStep) {
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f(sy(y))}" y2="${f(sy(y))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${margin.left - 8}" y="${f(sy(y) + 4)}" text-anchor="end">${Number(y.toFixed(6))}</text>`);
  }
  for (const x of options.xTicks) {
    out.push(`<line x1="${f(sx(x))}" x2="${f(sx(x))}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${f(sx(x))}" y="${margin.top + plotH + 18}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle">${escape(options.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`);
  // Reference lines.
  for (const ref of options.references ?? []) {
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f(sy(ref.y))}" y2="${f(sy(ref.y))}" stroke="${ref.color}" stroke-dasharray="2 3"/>`);
  }
  // Series: polylines broken at missing points, then markers with their values as tooltips.
  for (const s of options.series) {
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${run.join(' ')}"/>`);
      run = [];
    };
    for (const p of s.points) {
      if (p.y === null || p.y < yMin) flush();
      else run.push(`${f(sx(p.x))},${f(sy(p.y))}`);
    }
    flush();
    for (const p of s.points) {
      if (p.y === null || p.y < yMin) continue;
      out.push(`<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="3.5" fill="${s.color}"><title>${escape(s.label)}: ${p.x} → ${p.y.toFixed(2)}</title></circle>`);
    }
  }
  // Legend.
  const legend = [...options.series.map((s) => ({ label: s.label, color: s.color, dashed: s.dashed ?? false, ref: false })), ...(options.references ?? []).map((r) => ({ label: r.label, color: r.color, dashed: true, ref: true }))];
  legend.forEach((item, i) => {
    const x = margin.left + plotW + 16;
    const y = margin.top + 10 + i * 22;
    out.push(`<line x1="${x}" x2="${x + 24}" y1="${y}" y2="${y}" stroke="${item.color}" stroke-width="${item.ref ? 1 : 2}"${item.dashed ? ` stroke-dasharray="${item.ref ? '2 3' : '6 4'}"` : ''}/>`);
    out.push(`<text x="${x + 30}" y="${y + 4}">${escape(item.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
