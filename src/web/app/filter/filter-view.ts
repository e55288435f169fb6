/**
 * "Play with a filter": an image, a kernel of numbers, and the feature map it produces, recomputed
 * in the next animation frame after every keystroke. Hovering (or tapping) an output pixel shows
 * its arithmetic — the input patch, the weights, the products and their sum — and outlines the
 * patch on the input. "Time it" measures an update (convolution + drawing) on the current image.
 */
import { drawStretched, drawUnit, pixelAt } from '../canvas-gray.js';
import { h } from '../dom.js';
import { convolve, explainPixel, type FilterSpec, type Gray } from './convolution.js';
import { createImagePicker } from './image-sources.js';
import { createKernelEditor, formatWeight, type KernelEditor } from './kernel-editor.js';

export interface FilterView {
  /** The editor, so another view can load a learned kernel into it. */
  editor: KernelEditor;
  /** Show an image source (`digit:3`, `pattern:shapes`). */
  chooseImage(value: string): Promise<void>;
}

/** Median and 95th percentile of `samples` (ms). */
function summarize(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]! };
}

export async function mountFilterView(root: HTMLElement): Promise<FilterView> {
  let image: Gray = { width: 1, height: 1, data: new Float32Array(1) };
  let output: Gray | undefined;
  let scratch: Uint8ClampedArray | undefined;
  let pending = 0;
  let updates = 0;

  const inputCanvas = h('canvas', { id: 'filter-input', class: 'pixelated', width: 1, height: 1 });
  const outputCanvas = h('canvas', { id: 'filter-output', class: 'pixelated', width: 1, height: 1 });
  const patchBox = h('div', { class: 'patch-box', hidden: true });
  const inputCaption = h('figcaption');
  const outputCaption = h('figcaption');
  const arithmetic = h('div', { id: 'arithmetic', class: 'arithmetic', 'aria-live': 'polite' }, 'Point at (or tap) a pixel of the output to see how it was computed.');
  const timing = h('output', { id: 'filter-timing' });

  const render = () => {
    pending = 0;
    const spec = editor.spec();
    output = convolve(image, spec, output);
    scratch = drawStretched(outputCanvas, output, scratch);
    outputCanvas.dataset.updates = String(++updates);
    outputCaption.textContent = `Feature map, ${output.width}×${output.height} (darkest = most negative, brightest = most positive)`;
  };
  const schedule = () => {
    if (!pending) pending = requestAnimationFrame(render);
  };
  const editor = createKernelEditor(schedule);

  const setImage = (next: Gray, label: string) => {
    image = next;
    drawUnit(inputCanvas, image);
    inputCaption.textContent = `${label}, ${image.width}×${image.height}`;
    patchBox.hidden = true;
    schedule();
  };
  const picker = await createImagePicker(setImage);

  const explain = (event: PointerEvent) => {
    const at = pixelAt(outputCanvas, event);
    if (!at || !output) return;
    const spec: FilterSpec = editor.spec();
    const { terms, sum, x0, y0 } = explainPixel(image, spec, at.x, at.y);
    const table = h('div', { class: 'terms' }, ...terms.map((t) => h('span', { class: t.padded ? 'padded' : '' }, `${formatWeight(t.input)} × ${formatWeight(t.weight)}`)));
    table.style.setProperty('--n', String(spec.size)); // CSSOM, not a style attribute: the CSP allows no inline styles
    arithmetic.replaceChildren(
      h('p', {}, `Output pixel (${at.x}, ${at.y}) = sum of input × weight over the ${spec.size}×${spec.size} patch at (${x0}, ${y0})${terms.some((t) => t.padded) ? ' (gray: padding zeros)' : ''}:`),
      table,
      h('p', { class: 'sum' }, `= ${sum.toFixed(3)}`),
    );
    patchBox.hidden = false;
    patchBox.style.left = `${(x0 / image.width) * 100}%`;
    patchBox.style.top = `${(y0 / image.height) * 100}%`;
    patchBox.style.width = `${(spec.size / image.width) * 100}%`;
    patchBox.style.height = `${(spec.size / image.height) * 100}%`;
  };
  outputCanvas.addEventListener('pointermove', explain);
  outputCanvas.addEventListener('pointerdown', explain);

  const timeButton = h('button', { type: 'button', id: 'time-filter' }, 'Time it');
  timeButton.addEventListener('click', () => {
    const spec = editor.spec();
    const samples: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      output = convolve(image, spec, output);
      scratch = drawStretched(outputCanvas, output, scratch);
      if (i >= 10) samples.push(performance.now() - t0); // the first runs warm up the JIT
    }
    const { median, p95 } = summarize(samples);
    timing.dataset.medianMs = String(median);
    timing.dataset.p95Ms = String(p95);
    timing.dataset.pixels = String(image.width * image.height);
    timing.textContent = `${median.toFixed(2)} ms per update (median of 50; 95th percentile ${p95.toFixed(2)} ms) for a ${image.width}×${image.height} image with a ${spec.size}×${spec.size} kernel. One frame at 60 Hz is 16.7 ms.`;
  });

  root.append(
    h('h2', {}, 'Play with a filter'),
    h('p', { class: 'lead' }, 'A convolution filter is a small grid of numbers. Slide it over the image: each output pixel is the sum of the input pixels under the grid, each multiplied by the number at its place. Change a number and watch the feature map change; the first layer of a convolutional network is a stack of such filters, learned from data instead of typed in.'),
    picker.element,
    h('div', { class: 'filter-layout' },
      editor.element,
      h('figure', {}, h('div', { class: 'canvas-frame' }, inputCanvas, patchBox), inputCaption),
      h('figure', {}, h('div', { class: 'canvas-frame' }, outputCanvas), outputCaption),
    ),
    arithmetic,
    h('p', { class: 'timing' }, timeButton, ' ', timing),
  );
  await picker.choose('digit:0');
  return { editor, chooseImage: picker.choose };
}
