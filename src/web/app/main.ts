/**
 * The playground's entry: four views behind tabs (the URL hash names the view). The filter view
 * ships in this first chunk and needs no ML library; the other views, and TF.js with them, are
 * loaded the first time their tab opens.
 */
import { installGlobalErrorHandlers, reported } from './error-banner.js';
import { mountFilterView } from './filter/filter-view.js';
import type { AppContext, ViewName } from './app-context.js';

const VIEWS: readonly ViewName[] = ['filter', 'learned', 'draw', 'tradeoffs'];
const TITLES: Record<ViewName, string> = {
  filter: 'Play with a filter',
  learned: 'What a network learned',
  draw: 'Draw a digit',
  tradeoffs: 'Size vs accuracy',
};

installGlobalErrorHandlers();
const mounted = new Map<ViewName, Promise<unknown>>();

function section(view: ViewName): HTMLElement {
  return document.querySelector<HTMLElement>(`section[data-view="${view}"]`)!;
}

const context: AppContext = {
  show: (view) => {
    if (location.hash !== `#${view}`) location.hash = view; // fires hashchange → route()
    else route();
  },
  filterView: reported('Could not start the filter view', () => mountFilterView(section('filter'))),
};
mounted.set('filter', context.filterView);

/** How each view other than the filter view is loaded (its own chunk, fetched on first visit). */
const LOADERS: Partial<Record<ViewName, (root: HTMLElement) => Promise<unknown>>> = {
  learned: async (root) => (await import('./learned/learned-view.js')).mountLearnedView(root, context),
  draw: async (root) => (await import('./draw/draw-view.js')).mountDrawView(root),
  tradeoffs: async (root) => (await import('./tradeoffs/tradeoffs-view.js')).mountTradeoffsView(root),
};

function mount(view: ViewName): Promise<unknown> {
  const load = LOADERS[view];
  if (!load) return Promise.resolve();
  return reported(`Could not open "${TITLES[view]}"`, () => load(section(view)));
}

function route(): void {
  const requested = location.hash.slice(1) as ViewName;
  const view = VIEWS.includes(requested) ? requested : 'filter';
  for (const name of VIEWS) {
    section(name).hidden = name !== view;
    document.querySelector(`nav a[data-view="${name}"]`)?.toggleAttribute('aria-current', name === view);
  }
  document.title = `${TITLES[view]} — smallnets playground`;
  if (!mounted.has(view)) {
    const ready = mount(view).then(() => section(view).setAttribute('data-ready', ''));
    mounted.set(view, ready);
  }
}

void context.filterView.then(() => section('filter').setAttribute('data-ready', ''));
window.addEventListener('hashchange', route);
route();
