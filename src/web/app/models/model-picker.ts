/**
 * A model chooser: a select of the sources a view can use (kept current as models are added) and an
 * "Open a model file…" button (one .snn, or model.json with its weight files).
 */
import { h } from '../dom.js';
import { reported } from '../error-banner.js';
import { addSource, findSource, listSources, loadServedModels, onSourcesChanged, removeSource, sourceFromFiles, type ModelSource } from './model-sources.js';

export interface ModelPicker {
  element: HTMLElement;
  selected(): ModelSource | undefined;
  /** Select and open a source. */
  select(id: string): Promise<void>;
}

/**
 * @example
 * // `open` resolves to true once the model is shown (else the picker goes back to the previous one)
 * const picker = await createModelPicker({ id: 'dense-model', accepts: (s) => s.format === 'tfjs', needs: 'a TF.js model', label: 'Model ', empty: 'no model yet', onChoose: open });
 */
export async function createModelPicker(options: { id: string; label: string; accepts: (s: ModelSource) => boolean; needs: string; onChoose: (s: ModelSource) => Promise<boolean | undefined>; empty: string }): Promise<ModelPicker> {
  await loadServedModels();
  const select = h('select', { id: options.id });
  const file = h('input', { type: 'file', multiple: true, accept: '.snn,.json,.bin', id: `${options.id}-file`, class: 'visually-hidden' });
  const fileButton = h('label', { for: `${options.id}-file`, class: 'button' }, 'Open a model file…');

  const refresh = () => {
    const current = select.value;
    const usable = listSources(options.accepts);
    select.replaceChildren(...(usable.length ? usable.map((s) => h('option', { value: s.id }, s.label)) : [h('option', { value: '' }, options.empty)]));
    select.disabled = usable.length === 0;
    if (usable.some((s) => s.id === current)) select.value = current;
  };
  onSourcesChanged(refresh);
  refresh();

  let current = '';
  /** Open the selected source; if it fails (the view shows why), go back to the previous one. */
  const choose = async () => {
    const source = findSource(select.value);
    if (!source) return;
    if ((await options.onChoose(source)) === true) {
      current = source.id;
      return;
    }
    if (source.origin === 'file' || source.origin === 'compressed') removeSource(source.id);
    if (findSource(current)) select.value = current;
  };
  select.addEventListener('change', () => void choose());
  file.addEventListener('change', () => {
    const files = Array.from(file.files ?? []);
    file.value = '';
    void reported(`Could not open ${files.map((f) => f.name).join(', ')}`, async () => {
      const candidate = sourceFromFiles(files);
      if (!options.accepts({ ...candidate, id: '' } as ModelSource)) throw new Error(`this needs ${options.needs}`);
      const source = addSource(candidate);
      select.value = source.id;
      await choose();
    });
  });

  return {
    element: h('div', { class: 'row' }, h('label', { for: options.id }, options.label), select, fileButton, file),
    selected: () => findSource(select.value),
    select: async (id) => {
      select.value = id;
      await choose();
    },
  };
}
