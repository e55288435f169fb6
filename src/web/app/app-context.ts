/** What a view may ask of the app (main.ts provides it): switch tabs, reach the filter editor. */
import type { FilterView } from './filter/filter-view.js';

export type ViewName = 'filter' | 'learned' | 'draw' | 'tradeoffs';

export interface AppContext {
  show(view: ViewName): void;
  filterView: Promise<FilterView | undefined>;
}
