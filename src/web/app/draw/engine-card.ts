/**
 * One engine's column in the draw view: its top-3 classes as bars, the latency of its last
 * prediction (and the median so far), and what it cost to download: model + engine code.
 */
import { formatBytes, h } from '../dom.js';
import { topK } from './digit-classifier.js';

export interface EngineCard {
  element: HTMLElement;
  setModel(info: { title: string; engine: string; modelBytes: number; engineBytes: number; engineRawBytes: number; note?: string }): void;
  show(probabilities: Float32Array, milliseconds: number): void;
  setAccuracy(accuracy: number, count: number): void;
  clear(message: string): void;
}

export function createEngineCard(id: string, heading: string): EngineCard {
  const title = h('h3', {}, heading);
  const bars = h('div', { class: 'bars', 'aria-live': 'polite' });
  const facts = h('dl', { class: 'facts' });
  const element = h('section', { class: 'engine', id }, title, bars, facts);
  const latencies: number[] = [];
  const fact = (name: string, value: string, key: string) => {
    let dd = facts.querySelector<HTMLElement>(`dd[data-key="${key}"]`);
    if (!dd) {
      facts.append(h('dt', {}, name));
      dd = h('dd', { 'data-key': key });
      facts.append(dd);
    }
    dd.textContent = value;
  };
  return {
    element,
    setModel(info) {
      title.textContent = `${heading}: ${info.title}`;
      facts.replaceChildren();
      latencies.length = 0;
      fact('Engine', info.engine, 'engine');
      fact('Model download', formatBytes(info.modelBytes), 'model-bytes');
      fact('Engine download', `${formatBytes(info.engineBytes)}${info.engineRawBytes > info.engineBytes ? ` (gzip; ${formatBytes(info.engineRawBytes)} unpacked)` : ''}`, 'engine-bytes');
      fact('Together', formatBytes(info.modelBytes + info.engineBytes), 'total-bytes');
      if (info.note) fact('Note', info.note, 'note');
      element.dataset.modelBytes = String(info.modelBytes);
      element.dataset.engineBytes = String(info.engineBytes);
      element.dataset.engine = info.engine;
      bars.replaceChildren(h('p', { class: 'hint' }, 'Draw a digit to see what it thinks.'));
    },
    show(probabilities, milliseconds) {
      latencies.push(milliseconds);
      const sorted = [...latencies].sort((a, b) => a - b);
      const top = topK(probabilities, 3);
      bars.replaceChildren(
        ...top.map((t) => {
          const fill = h('div', { class: 'fill' });
          fill.style.width = `${(t.probability * 100).toFixed(1)}%`;
          return h('div', { class: 'bar' }, h('strong', {}, String(t.digit)), h('div', {}, fill), `${(t.probability * 100).toFixed(1)}%`);
        }),
      );
      element.dataset.top1 = String(top[0]!.digit);
      element.dataset.medianMs = String(sorted[Math.floor(sorted.length / 2)]!);
      element.dataset.probabilities = JSON.stringify(Array.from(probabilities, (p) => Number(p.toFixed(4))));
      fact('Latency', `${milliseconds.toFixed(2)} ms (median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} ms of ${sorted.length})`, 'latency');
    },
    setAccuracy(accuracy, count) {
      fact('Test accuracy', `${(accuracy * 100).toFixed(2)}% of ${count.toLocaleString('en-US')} digits`, 'accuracy');
      element.dataset.accuracy = String(accuracy);
    },
    clear(message) {
      delete element.dataset.top1;
      bars.replaceChildren(h('p', { class: 'hint' }, message));
    },
  };
}
