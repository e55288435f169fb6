/**
 * The kernel as numbers: a 3×3 or 5×5 grid of text boxes (typing "-" or "1/9" must not fight the
 * browser, so they are text with a decimal keypad, not number inputs), preset buttons, stride and
 * padding. Every keystroke that leaves a valid number calls `onChange` with the new filter.
 */
import { h } from '../dom.js';
import type { FilterSpec, Padding } from './convolution.js';
import { PRESETS, presetKernel, type PresetName } from './presets.js';

export interface KernelEditor {
  element: HTMLElement;
  spec(): FilterSpec;
  /** Load weights (e.g. a learned kernel) into the editor, resizing it to fit. */
  load(kernel: Float32Array, size: 3 | 5, note?: string): void;
}

/** "0.5", "-2", "1/9", "-1/16" → number; anything else → NaN. */
export function parseWeight(text: string): number {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(?:\/\s*(\d+\.?\d*))?\s*$/i.exec(text);
  if (!m) return NaN;
  const value = Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2]));
  return Number.isFinite(value) ? value : NaN;
}

/** A weight as a short string ("0.111", "-2", "0.0039"). */
export function formatWeight(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(3)).toString();
}

export function createKernelEditor(onChange: (spec: FilterSpec) => void): KernelEditor {
  let size: 3 | 5 = 3;
  let kernel = presetKernel('sobelX', 3);
  let stride = 1;
  let padding: Padding = 'same';

  const grid = h('div', { class: 'kernel-grid', role: 'group', 'aria-label': 'Kernel weights' });
  const note = h('p', { class: 'hint', id: 'preset-note' });
  const spec = (): FilterSpec => ({ kernel, size, stride, padding });
  const changed = () => onChange(spec());

  const renderGrid = () => {
    grid.style.setProperty('--n', String(size));
    grid.replaceChildren(
      ...Array.from(kernel, (value, i) => {
        const input = h('input', { type: 'text', inputmode: 'decimal', value: formatWeight(value), 'aria-label': `weight row ${Math.floor(i / size) + 1} column ${(i % size) + 1}`, 'data-index': i });
        input.addEventListener('input', () => {
          const v = parseWeight(input.value);
          input.setAttribute('aria-invalid', String(Number.isNaN(v)));
          if (Number.isNaN(v)) return;
          kernel[i] = v;
          changed();
        });
        return input;
      }),
    );
  };

  const sizeSelect = h('select', { id: 'kernel-size', 'aria-label': 'Kernel size' }, h('option', { value: '3' }, '3×3'), h('option', { value: '5' }, '5×5'));
  sizeSelect.addEventListener('change', () => {
    const next = Number(sizeSelect.value) as 3 | 5;
    // Keep the middle: a 3×3 kernel grows with a border of zeros, a 5×5 shrinks to its center.
    const old = kernel;
    const oldSize = size;
    kernel = new Float32Array(next * next);
    const offset = (next - oldSize) / 2;
    for (let y = 0; y < next; y++) {
      for (let x = 0; x < next; x++) {
        const sy = y - offset;
        const sx = x - offset;
        if (sy >= 0 && sx >= 0 && sy < oldSize && sx < oldSize) kernel[y * next + x] = old[sy * oldSize + sx]!;
      }
    }
    size = next;
    renderGrid();
    changed();
  });

  const presets = h('div', { class: 'presets', role: 'group', 'aria-label': 'Presets' });
  for (const [name, preset] of Object.entries(PRESETS)) {
    const button = h('button', { type: 'button', 'data-preset': name, title: preset.explains }, preset.label);
    button.addEventListener('click', () => {
      const target: 3 | 5 = preset.size === 5 ? 5 : size;
      size = target;
      sizeSelect.value = String(size);
      kernel = presetKernel(name as PresetName, size);
      note.textContent = preset.explains;
      renderGrid();
      changed();
    });
    presets.append(button);
  }

  const strideSelect = h('select', { id: 'stride', 'aria-label': 'Stride' }, ...[1, 2, 3].map((s) => h('option', { value: s }, String(s))));
  strideSelect.addEventListener('change', () => {
    stride = Number(strideSelect.value);
    changed();
  });
  const paddingSelect = h(
    'select',
    { id: 'padding', 'aria-label': 'Padding' },
    h('option', { value: 'same' }, 'same (pad with zeros)'),
    h('option', { value: 'valid' }, 'valid (no padding)'),
  );
  paddingSelect.addEventListener('change', () => {
    padding = paddingSelect.value as Padding;
    changed();
  });

  renderGrid();
  note.textContent = PRESETS.sobelX.explains;
  const element = h(
    'div',
    { class: 'kernel-editor' },
    h('div', { class: 'row' }, h('label', { for: 'kernel-size' }, 'Kernel '), sizeSelect, h('label', { for: 'stride' }, ' Stride '), strideSelect, h('label', { for: 'padding' }, ' Padding '), paddingSelect),
    presets,
    grid,
    note,
  );
  return {
    element,
    spec,
    load(weights, newSize, text) {
      size = newSize;
      sizeSelect.value = String(size);
      kernel = Float32Array.from(weights);
      note.textContent = text ?? '';
      renderGrid();
      changed();
    },
  };
}
