/**
 * "Draw a digit": a drawing pad, the 28×28 digit the models see (preprocessed like MNIST), and two
 * classifiers side by side — the dense model on TF.js and the compressed .snn on the smallnets
 * runtime (compressed-engine.ts, no TF.js) — each with its top 3, latency, and download cost
 * (model + engine code and wasm, from build.json). A dense model can be compressed right here
 * (prune + share values, no fine-tuning); the page-made .snn runs on the runtime too.
 */
import { drawUnit } from '../canvas-gray.js';
import { loadDigits } from '../digits.js';
import { formatBytes, h } from '../dom.js';
import { clearError, reported } from '../error-banner.js';
import { createModelPicker } from '../models/model-picker.js';
import { addSource, type ModelSource } from '../models/model-sources.js';
import { snnBytes } from '../models/read-source.js';
import { ACCURACY_BATCH, type DigitClassifier } from './digit-classifier.js';
import { createDrawingPad } from './drawing-pad.js';
import { createEngineCard } from './engine-card.js';
import { preprocessLikeMnist } from './mnist-preprocess.js';

interface BuildInfo {
  bytes: Record<string, number>;
  gzipBytes: Record<string, number>;
  engines: Record<'dense' | 'compressed', string[]>;
}

/** An engine's code as downloaded (gzip where the server has a gzip copy) and unpacked, from build.json. */
async function engineBytes(name: 'dense' | 'compressed'): Promise<{ engineBytes: number; engineRawBytes: number }> {
  try {
    const response = await fetch('build.json');
    if (!response.ok) return { engineBytes: 0, engineRawBytes: 0 };
    const info = (await response.json()) as BuildInfo;
    const files = info.engines[name];
    return { engineBytes: files.reduce((sum, f) => sum + (info.gzipBytes[f] ?? info.bytes[f] ?? 0), 0), engineRawBytes: files.reduce((sum, f) => sum + (info.bytes[f] ?? 0), 0) };
  } catch {
    return { engineBytes: 0, engineRawBytes: 0 };
  }
}

export async function mountDrawView(root: HTMLElement): Promise<void> {
  let dense: { classifier: DigitClassifier; model: import('@tensorflow/tfjs-layers').LayersModel; source: ModelSource } | undefined;
  let compressed: DigitClassifier | undefined;
  const seen = h('canvas', { id: 'seen', width: 28, height: 28 });
  const denseCard = createEngineCard('dense-engine', 'Dense');
  const compressedCard = createEngineCard('compressed-engine', 'Compressed');

  const classify = () => {
    const digit = preprocessLikeMnist(pad.read());
    if (!digit) {
      for (const card of [denseCard, compressedCard]) card.clear('Draw a digit to see what it thinks.');
      drawUnit(seen, { width: 28, height: 28, data: new Float32Array(784) });
      return;
    }
    drawUnit(seen, digit);
    for (const [classifier, card] of [[dense?.classifier, denseCard], [compressed, compressedCard]] as const) {
      if (!classifier) continue;
      const t0 = performance.now();
      const probabilities = classifier.predict(digit.data, 1);
      card.show(probabilities, performance.now() - t0);
    }
    root.dataset.classified = String(Number(root.dataset.classified ?? 0) + 1);
  };
  const pad = createDrawingPad(classify);
  const clearButton = h('button', { type: 'button', id: 'clear-pad' }, 'Clear');
  clearButton.addEventListener('click', () => {
    pad.clear();
    classify();
  });

  const openDense = (source: ModelSource) =>
    reported(`Could not open ${source.label}`, async () => {
      clearError();
      const { loadDenseClassifier } = await import('./dense-engine.js');
      const loaded = await loadDenseClassifier(source);
      dense?.classifier.dispose();
      dense = { ...loaded, source };
      denseCard.setModel({ title: source.label, engine: loaded.classifier.engine, modelBytes: loaded.bytes, ...(await engineBytes('dense')) });
      compressButton.disabled = false;
      classify();
      return true;
    });
  const openCompressed = (source: ModelSource) =>
    reported(`Could not open ${source.label}`, async () => {
      clearError();
      const bytes = await snnBytes(source);
      const { loadCompressedClassifier } = await import('./compressed-engine.js');
      const classifier = await loadCompressedClassifier(bytes, source.label);
      compressed?.dispose();
      compressed = classifier;
      const note = source.origin === 'compressed' ? 'compressed in this page: no fine-tuning, so it loses more accuracy than `smallnets compress`' : undefined;
      compressedCard.setModel({ title: source.label, engine: classifier.engine, modelBytes: bytes.length, ...(await engineBytes('compressed')), ...(note ? { note } : {}) });
      classify();
      return true;
    });

  const densePicker = await createModelPicker({ id: 'dense-model', label: 'Dense model ', accepts: (s) => s.format === 'tfjs', needs: 'a TF.js model (model.json with its weight files)', empty: 'no TF.js model yet: train one in "What a network learned" or open a file', onChoose: openDense });
  const compressedPicker = await createModelPicker({ id: 'compressed-model', label: 'Compressed model ', accepts: (s) => s.format === 'snn', needs: 'a .snn file', empty: 'no .snn file yet: compress the dense model here or open a file', onChoose: openCompressed });

  const compressButton = h('button', { type: 'button', id: 'compress-here', disabled: true }, 'Compress the dense model here');
  compressButton.addEventListener('click', () =>
    void reported('Could not compress the model', async () => {
      if (!dense) return;
      compressButton.disabled = true;
      const { compressInPage, DEFAULT_PAGE_COMPRESSION } = await import('../models/compress-in-page.js');
      const { bytes, denseWeightBytes } = await compressInPage(dense.model, DEFAULT_PAGE_COMPRESSION);
      const { sparsity, clusters } = DEFAULT_PAGE_COMPRESSION;
      const source = addSource({ label: `${dense.source.label.replace(/ \(.*\)$/, '')}, ${sparsity * 100}% pruned, ${clusters} shared values (${formatBytes(bytes.length)}, ${(denseWeightBytes / bytes.length).toFixed(0)}× smaller)`, origin: 'compressed', format: 'snn', snn: bytes, bytes: bytes.length });
      await compressedPicker.select(source.id);
      compressButton.disabled = false;
    }),
  );

  const accuracyButton = h('button', { type: 'button', id: 'measure-accuracy' }, 'Measure test accuracy');
  accuracyButton.addEventListener('click', () =>
    void reported('Could not measure accuracy', async () => {
      accuracyButton.disabled = true;
      const test = await loadDigits('mnist-test.bin');
      for (const [classifier, card] of [[dense?.classifier, denseCard], [compressed, compressedCard]] as const) {
        if (!classifier) continue;
        let correct = 0;
        for (let start = 0; start < test.count; start += ACCURACY_BATCH) {
          const count = Math.min(ACCURACY_BATCH, test.count - start);
          const p = classifier.predict(test.images.subarray(start * 784, (start + count) * 784), count);
          for (let i = 0; i < count; i++) {
            const row = p.subarray(i * 10, i * 10 + 10);
            if (row.indexOf(Math.max(...row)) === test.labels[start + i]) correct++;
          }
        }
        card.setAccuracy(correct / test.count, test.count);
      }
      accuracyButton.disabled = false;
    }),
  );

  root.append(
    h('h2', {}, 'Draw a digit'),
    h('p', { class: 'lead' }, 'Draw a digit from 0 to 9. It is cropped, scaled into a 20×20 box and centered by its center of mass in 28×28 pixels, the way MNIST digits were made, then two versions of a model classify it: the dense original and a compressed .snn file. Compare what each says, how long it takes, and how many bytes it costs to download.'),
    h('div', { class: 'draw-layout' },
      h('div', {}, pad.element, h('div', { class: 'row' }, clearButton, h('figure', { class: 'seen' }, seen, h('figcaption', {}, 'what the models see')))),
      h('div', {}, densePicker.element, compressedPicker.element, h('div', { class: 'row' }, compressButton, accuracyButton), h('div', { class: 'engines' }, denseCard.element, compressedCard.element)),
    ),
  );
  drawUnit(seen, { width: 28, height: 28, data: new Float32Array(784) });
  const [firstDense, firstCompressed] = [densePicker.selected(), compressedPicker.selected()];
  if (firstDense) await openDense(firstDense);
  if (firstCompressed) await openCompressed(firstCompressed);
}
