/**
 * "What a network learned": the first convolution layer of a trained LeNet-5 — its filters as
 * tiles (gray is 0, white positive, black negative, one scale for all) and the feature map each
 * produces for a chosen digit (after the layer's ReLU). The model comes from the server, a file, or
 * is trained here in a background worker. A tile opens its kernel in the filter view, where its
 * numbers can be read and edited.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { drawUnit } from '../canvas-gray.js';
import { digitImage, loadDigits } from '../digits.js';
import { h } from '../dom.js';
import { clearError, messageOf, reported, showError } from '../error-banner.js';
import type { AppContext } from '../app-context.js';
import { createModelPicker } from '../models/model-picker.js';
import { addSource, type ModelSource } from '../models/model-sources.js';
import { openLayers } from '../models/open-model.js';
import { loadTfjs } from '../tfjs.js';
import type { TrainMessage, TrainRequest } from './train-protocol.js';

/** The first Conv2D layer's kernel [k, k, in, out] and its feature maps for one digit [h, w, out]. */
async function firstConv(model: tfl.LayersModel, digit: Float32Array): Promise<{ name: string; k: number; inChannels: number; filters: number; kernel: Float32Array; maps: Float32Array; mapSize: [number, number] }> {
  const { tf, tfl } = await loadTfjs();
  const layer = model.layers.find((l) => l.getClassName() === 'Conv2D');
  if (!layer) throw new Error(`${model.name} has no Conv2D layer, so there are no filters to show`);
  const kernelTensor = layer.getWeights()[0]!;
  const [k, , inChannels, filters] = kernelTensor.shape as [number, number, number, number];
  const kernel = new Float32Array(kernelTensor.dataSync());
  const input = model.inputs[0]!.shape;
  if (input[1] !== 28 || input[2] !== 28 || input[3] !== 1) throw new Error(`${model.name} takes ${JSON.stringify(input)}, not 28×28 digits`);
  const probe = tfl.model({ inputs: model.inputs, outputs: layer.output as tfl.SymbolicTensor });
  const out = tf.tidy(() => probe.predict(tf.tensor4d(digit, [1, 28, 28, 1])) as import('@tensorflow/tfjs-core').Tensor);
  const [, mh, mw] = out.shape as [number, number, number, number];
  const maps = new Float32Array(await out.data());
  out.dispose();
  return { name: layer.name, k, inChannels, filters, kernel, maps, mapSize: [mh, mw] };
}

/** Filter f's weights for input channel 0, row-major k×k. */
function kernelOf(kernel: Float32Array, k: number, inChannels: number, filters: number, f: number): Float32Array {
  const out = new Float32Array(k * k);
  for (let i = 0; i < k * k; i++) out[i] = kernel[i * inChannels * filters + f]!;
  return out;
}

export async function mountLearnedView(root: HTMLElement, app: AppContext): Promise<void> {
  const digits = await loadDigits();
  let digitIndex = 0;
  let model: tfl.LayersModel | undefined;
  let modelLabel = '';

  const status = h('p', { class: 'hint', id: 'learned-status', 'aria-live': 'polite' });
  const progress = h('progress', { class: 'progress', max: 1, value: 0, hidden: true });
  const tiles = h('div', { class: 'tiles', id: 'filter-tiles' });
  const maps = h('div', { class: 'tiles maps', id: 'feature-maps' });
  const filtersTitle = h('h3');
  const mapsTitle = h('h3');

  const render = async () => {
    if (!model) return;
    const conv = await firstConv(model, digitImage(digits, digitIndex).data);
    let maxAbs = 0;
    for (const w of conv.kernel) maxAbs = Math.max(maxAbs, Math.abs(w));
    let maxMap = 0;
    for (const v of conv.maps) maxMap = Math.max(maxMap, v);
    filtersTitle.textContent = `The ${conv.filters} filters of layer ${conv.name} (${conv.k}×${conv.k}${conv.inChannels > 1 ? `, input channel 1 of ${conv.inChannels}` : ''}) in ${modelLabel}`;
    mapsTitle.textContent = `What each filter sees in digit ${digits.labels[digitIndex]} (${conv.mapSize[0]}×${conv.mapSize[1]} feature maps after ReLU)`;
    const [mh, mw] = conv.mapSize;
    tiles.replaceChildren();
    maps.replaceChildren();
    for (let f = 0; f < conv.filters; f++) {
      const weights = kernelOf(conv.kernel, conv.k, conv.inChannels, conv.filters, f);
      const tileCanvas = h('canvas');
      drawUnit(tileCanvas, { width: conv.k, height: conv.k, data: weights.map((w) => 0.5 + (0.5 * w) / (maxAbs || 1)) });
      const tile = h('button', { type: 'button', class: 'tile', title: `Open filter ${f + 1} in "Play with a filter"` }, tileCanvas, `#${f + 1}`);
      tile.addEventListener('click', async () => {
        const filterView = await app.filterView;
        if (!filterView) return;
        await filterView.chooseImage(`digit:${digitIndex}`);
        filterView.editor.load(weights, conv.k === 5 ? 5 : 3, `Filter ${f + 1} of ${conv.name}, learned by ${modelLabel}. The network adds a bias and keeps only positive values (ReLU).`);
        app.show('filter');
      });
      tiles.append(tile);
      const map = new Float32Array(mh * mw);
      for (let i = 0; i < mh * mw; i++) map[i] = conv.maps[i * conv.filters + f]! / (maxMap || 1);
      const mapCanvas = h('canvas');
      drawUnit(mapCanvas, { width: mw, height: mh, data: map });
      maps.append(h('div', { class: 'tile' }, mapCanvas, `#${f + 1}`));
    }
    root.dataset.filters = String(conv.filters);
  };

  let trainedNote = '';
  const open = (source: ModelSource) =>
    reported(`Could not open ${source.label}`, async () => {
      clearError();
      status.textContent = `Opening ${source.label}…`;
      try {
        const opened = await openLayers(source);
        model?.dispose();
        model = opened.model;
        modelLabel = source.label;
        status.textContent = `${source.label}: ${opened.model.countParams().toLocaleString('en-US')} parameters${source.origin === 'trained' ? trainedNote : ''}.`;
        await render();
        return true;
      } catch (error) {
        status.textContent = '';
        throw error;
      }
    });

  const picker = await createModelPicker({ id: 'learned-model', label: 'Model ', accepts: () => true, needs: 'a TF.js model or a .snn file', empty: 'no model yet: train one or open a file', onChoose: open });

  const trainButton = h('button', { type: 'button', id: 'train-here', class: 'primary' }, 'Train LeNet-5 here');
  const trainDigits = h('select', { id: 'train-digits', 'aria-label': 'Training digits' }, h('option', { value: '8000' }, 'on all 8,000 training digits'), h('option', { value: '1000' }, 'on 1,000 digits (faster, less accurate)'));
  trainButton.addEventListener('click', () => {
    trainButton.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = 'Starting the training worker…';
    const worker = new Worker(new URL('train-worker.js', location.href), { type: 'module' });
    const finish = () => {
      worker.terminate();
      trainButton.disabled = false;
      progress.hidden = true;
    };
    worker.onmessage = (event: MessageEvent<TrainMessage>) => {
      const m = event.data;
      if (m.type === 'progress') {
        progress.value = (m.epoch + m.seen / m.total) / m.epochs;
        status.textContent = `Training on ${m.total.toLocaleString('en-US')} digits, epoch ${m.epoch + 1} of ${m.epochs}: ${m.seen.toLocaleString('en-US')} seen, loss ${m.loss.toFixed(3)}, accuracy ${(m.accuracy * 100).toFixed(1)}%`;
      } else if (m.type === 'done') {
        finish();
        const bytes = m.artifacts.weightData.byteLength + JSON.stringify(m.artifacts.modelTopology).length;
        const source = addSource({ label: `LeNet-5 trained here on ${Number(trainDigits.value).toLocaleString('en-US')} digits (${(m.testAccuracy * 100).toFixed(1)}% on 2,000 test digits)`, origin: 'trained', format: 'tfjs', artifacts: m.artifacts, bytes, accuracy: m.testAccuracy });
        trainedNote = `, trained in ${m.seconds.toFixed(1)} s on TF.js ${m.backend}`;
        void picker.select(source.id);
      } else {
        finish();
        showError(`Training failed: ${m.message}`);
        status.textContent = '';
      }
    };
    worker.onerror = (event) => {
      finish();
      showError(`Training failed: ${messageOf(event.message)}`);
    };
    const request: TrainRequest = { type: 'train', digits: Number(trainDigits.value), epochs: 1, seed: 1 };
    worker.postMessage(request);
  });

  const digitRow = h('div', { class: 'tiles', role: 'group', 'aria-label': 'Digit' });
  for (let i = 0; i < digits.count; i++) {
    const canvas = h('canvas');
    drawUnit(canvas, digitImage(digits, i));
    const button = h('button', { type: 'button', class: 'tile', 'data-digit': i, 'aria-pressed': String(i === 0), title: `Digit ${digits.labels[i]}` }, canvas);
    button.addEventListener('click', () => {
      digitIndex = i;
      digitRow.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
      void reported('Could not compute the feature maps', render);
    });
    digitRow.append(button);
  }

  root.append(
    h('h2', {}, 'What a network learned'),
    h('p', { class: 'lead' }, 'A trained network\'s first layer is a set of filters like the ones in "Play with a filter", but nobody typed their numbers: training on thousands of digits found them. Many end up as edge and stroke detectors. Click a filter to open it in the filter view.'),
    picker.element,
    h('div', { class: 'row' }, trainButton, trainDigits, h('span', { class: 'hint' }, 'one epoch, in a background worker (TF.js wasm); about half a minute for all digits.')),
    progress,
    status,
    h('h3', {}, 'Digit'),
    digitRow,
    filtersTitle,
    tiles,
    mapsTitle,
    maps,
  );
  const first = picker.selected();
  if (first) await open(first);
}
