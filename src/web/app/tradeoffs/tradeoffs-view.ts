/**
 * "Size vs accuracy": an exploration (a directory the server offers, or trials.jsonl [+
 * pareto.json] the user opens) or a `smallnets demo --json` result, as an interactive bubble chart
 * with the Pareto front marked; hovering a trial shows its configuration and per-layer summary.
 * Chart.js arrives with this view's chunk, never on the first load.
 */
import type { Chart } from 'chart.js';
import { formatBytes, h } from '../dom.js';
import { clearError, reported } from '../error-banner.js';
import { servedExplorations } from '../models/model-sources.js';
import { AXIS_LABELS, configLine, drawBubbleChart, formatAxis } from './bubble-chart.js';
import { demoExploration, exploration, FRONT_OF, type Axis, type Exploration, type TrialRecord } from './exploration.js';

const FRONT_NAMES: Record<string, string> = { accuracyVsBytes: 'accuracy vs size', accuracyVsMacs: 'accuracy vs multiply-adds', accuracyVsLatency: 'accuracy vs latency' };

/** Text of a served exploration file (null when it does not exist, e.g. no pareto.json yet). */
async function fetchText(url: string): Promise<string | null> {
  const response = await fetch(url);
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

function layerTable(trial: TrialRecord): HTMLElement {
  if (!trial.layers?.length) return h('p', { class: 'hint' }, 'This trial has no per-layer summary.');
  const row = (cells: string[], tag: 'td' | 'th') => h('tr', {}, ...cells.map((c) => h(tag, {}, c)));
  return h(
    'table',
    {},
    h('thead', {}, row(['layer', 'type', 'weights', 'non-zero', 'multiply-adds', 'bytes'], 'th')),
    h('tbody', {}, ...trial.layers.map((l) => row([l.name, l.className, l.params.toLocaleString('en-US'), l.nonzero.toLocaleString('en-US'), l.macs.toLocaleString('en-US'), formatBytes(l.bytes)], 'td'))),
  );
}

export async function mountTradeoffsView(root: HTMLElement): Promise<void> {
  let data: Exploration | undefined;
  let chart: Chart | undefined;
  let pinned: TrialRecord | null = null;
  const canvas = h('canvas', { id: 'bubble-chart', role: 'img', 'aria-label': 'Bubble chart of test accuracy against model cost, one bubble per trial' });
  const axisSelect = h('select', { id: 'chart-axis', 'aria-label': 'Cost axis' });
  const summary = h('p', { class: 'hint', id: 'exploration-summary' });
  const details = h('div', { class: 'trial-details', id: 'trial-details' }, 'Point at a bubble to see its configuration and layers; click to keep it here.');
  const failures = h('details', { hidden: true });
  const list = h('details', { id: 'trial-list' });

  const showTrial = (trial: TrialRecord | null) => {
    const shown = trial ?? pinned;
    if (!shown || !data) return;
    const m = shown.metrics!;
    const front = Object.entries(data.pareto).filter(([, keys]) => keys?.includes(shown.key)).map(([name]) => FRONT_NAMES[name] ?? name);
    details.replaceChildren(
      h('p', {}, h('strong', {}, configLine(shown.config) || shown.key)),
      h('p', {}, `Accuracy ${(m.testAccuracy * 100).toFixed(2)}% · ${formatBytes(m.snnBytes)}${m.ratio ? ` (${m.ratio.toFixed(1)}× smaller)` : ''} · ${m.nonzeroParams.toLocaleString('en-US')} of ${m.params.toLocaleString('en-US')} weights non-zero${m.macs ? ` · ${formatAxis('macs', m.macs)} multiply-adds` : ''}${m.latencyMs ? ` · ${m.latencyMs.toFixed(2)} ms on ${m.latencyEngine}` : ''}${front.length ? ` · on the Pareto front (${front.join(', ')})` : ''}`),
      ...(shown.recipe ? [h('p', {}, 'Reproduce: ', h('code', {}, shown.recipe))] : []),
      layerTable(shown),
    );
  };

  const render = () => {
    if (!data) return;
    const axis = axisSelect.value as Axis;
    const drawn = drawBubbleChart(canvas, data, axis, showTrial, chart);
    chart = drawn.chart;
    canvas.onclick = (event) => {
      const hit = chart!.getElementsAtEventForMode(event, 'nearest', { intersect: true }, false).find((e) => e.datasetIndex === 0);
      pinned = hit ? drawn.points[hit.index]!.trial : null;
      showTrial(pinned);
    };
    const failed = data.trials.filter((t) => t.status === 'failed');
    summary.textContent = `${data.name}: ${drawn.points.length} finished trial${drawn.points.length === 1 ? '' : 's'}, ${drawn.front.length} on the Pareto front for ${AXIS_LABELS[axis].replace(/ \(.*$/, '')}${failed.length ? `, ${failed.length} failed` : ''}${data.skipped ? `, ${data.skipped} unreadable line${data.skipped === 1 ? '' : 's'} skipped` : ''}.`;
    failures.hidden = failed.length === 0;
    failures.replaceChildren(h('summary', {}, `${failed.length} failed trial${failed.length === 1 ? '' : 's'} (not plotted)`), h('ul', {}, ...failed.map((t) => h('li', {}, `${configLine(t.config) || t.key}: ${t.error ?? 'no error recorded'}`))));
    root.dataset.marks = String(drawn.points.length);
    // The same trials as a table (keyboard and screen-reader friendly, handy on a phone): a row shows its details.
    const byAccuracy = [...drawn.points].sort((a, b) => b.y - a.y);
    const frontKeys = new Set(drawn.front.map((p) => p.trial.key));
    list.replaceChildren(
      h('summary', {}, `All ${byAccuracy.length} trials as a table`),
      h('table', {},
        h('thead', {}, h('tr', {}, ...['configuration', 'accuracy', AXIS_LABELS[axis].replace(/ \(.*$/, ''), 'front'].map((c) => h('th', {}, c)))),
        h('tbody', {}, ...byAccuracy.map((p) => {
          const button = h('button', { type: 'button', 'data-key': p.trial.key }, configLine(p.trial.config) || p.trial.key);
          button.addEventListener('click', () => {
            pinned = p.trial;
            showTrial(pinned);
          });
          return h('tr', {}, h('td', {}, button), h('td', {}, `${p.y.toFixed(2)}%`), h('td', {}, formatAxis(axis, p.x)), h('td', {}, frontKeys.has(p.trial.key) ? '●' : ''));
        })),
      ),
    );
  };

  const show = (next: Exploration) => {
    if (next.trials.every((t) => t.status !== 'done')) throw new Error(`${next.name} has no finished trials to plot`);
    data = next;
    pinned = null;
    axisSelect.replaceChildren(...next.axes.map((a) => h('option', { value: a }, `${AXIS_LABELS[a].replace(/ \(.*$/, '')}`)));
    axisSelect.value = next.axes[0]!;
    render();
  };
  axisSelect.addEventListener('change', render);

  const served = await servedExplorations();
  const sourceSelect = h('select', { id: 'exploration-source', 'aria-label': 'Exploration' }, ...served.map((e, i) => h('option', { value: String(i) }, `${e.name} (from the server)`)));
  if (served.length === 0) sourceSelect.append(h('option', { value: '' }, 'no exploration from the server: open files'));
  sourceSelect.disabled = served.length === 0;
  const openServed = (index: number) =>
    reported(`Could not open ${served[index]!.name}`, async () => {
      clearError();
      const base = new URL(served[index]!.url, location.href);
      const trials = await fetchText(new URL('trials.jsonl', base).href);
      if (trials === null) throw new Error('trials.jsonl is missing');
      show(exploration(served[index]!.name, trials, await fetchText(new URL('pareto.json', base).href)));
    });
  sourceSelect.addEventListener('change', () => void openServed(Number(sourceSelect.value)));

  const file = h('input', { type: 'file', multiple: true, accept: '.jsonl,.json', id: 'exploration-file', class: 'visually-hidden' });
  file.addEventListener('change', () => {
    const files = Array.from(file.files ?? []);
    file.value = '';
    void reported(`Could not open ${files.map((f) => f.name).join(', ')}`, async () => {
      clearError();
      const trials = files.find((f) => f.name.endsWith('.jsonl'));
      const pareto = files.find((f) => f.name === 'pareto.json');
      if (trials) show(exploration(trials.name, await trials.text(), pareto ? await pareto.text() : null));
      else if (files.length === 1) show(demoExploration(files[0]!.name, await files[0]!.text()));
      else throw new Error('choose trials.jsonl (and pareto.json) from an exploration, or one `smallnets demo --json` output');
    });
  });

  root.append(
    h('h2', {}, 'Size vs accuracy'),
    h('p', { class: 'lead' }, 'Each bubble is one way of making the network smaller (narrower layers, pruning, fewer bits, shared values …) trained and measured. Up is more accurate, left is cheaper; the orange line is the Pareto front, where nothing else is both cheaper and more accurate. Bubble area shows the work per image (multiply-adds).'),
    h('div', { class: 'row' }, h('label', { for: 'exploration-source' }, 'Exploration '), sourceSelect, h('label', { for: 'exploration-file', class: 'button' }, 'Open files…'), file, h('label', { for: 'chart-axis' }, ' Cost '), axisSelect),
    h('p', { class: 'hint' }, 'Files: trials.jsonl and pareto.json from `smallnets explore --out DIR`, or the output of `smallnets demo --json`.'),
    summary,
    h('div', { class: 'chart-box' }, canvas),
    details,
    list,
    failures,
  );
  if (served.length > 0) await openServed(0);
}
