/**
 * The models the page can use, from three places: the ones `smallnets serve --model` offers
 * (/served.json), files the user opens (a .snn, or model.json with its weight files), and a LeNet-5
 * trained in this page. Listed here without TF.js (the list is shown before any model is loaded);
 * opening one is models/open-model.ts. Views subscribe to hear when a model is added.
 */
import type { ServedIndex } from '../../served-files.js';

/** A trained model as TF.js artifacts (what tf.io.fromMemory takes), kept in memory. */
export interface MemoryArtifacts {
  modelTopology: object;
  weightSpecs: Array<{ name: string; shape: number[]; dtype: 'float32' | 'int32' | 'bool' }>;
  weightData: ArrayBuffer;
}

export type ModelSource =
  | { id: string; label: string; origin: 'served'; format: 'tfjs' | 'snn'; url: string; bytes: number }
  | { id: string; label: string; origin: 'file'; format: 'tfjs' | 'snn'; files: File[]; bytes: number }
  | { id: string; label: string; origin: 'trained'; format: 'tfjs'; artifacts: MemoryArtifacts; bytes: number; accuracy?: number }
  | { id: string; label: string; origin: 'compressed'; format: 'snn'; snn: Uint8Array; bytes: number; accuracy?: number };

/** A source before it has an id (what addSource takes). */
export type NewSource = ModelSource extends infer S ? (S extends ModelSource ? Omit<S, 'id'> : never) : never;

const sources: ModelSource[] = [];
const listeners = new Set<() => void>();
let served: Promise<void> | undefined;
let counter = 0;

/** Fetch /served.json once and list its models (a missing index — a static host — lists none). */
export function loadServedModels(): Promise<void> {
  served ??= (async () => {
    let index: ServedIndex;
    try {
      const response = await fetch('served.json');
      if (!response.ok) return;
      index = (await response.json()) as ServedIndex;
    } catch {
      return;
    }
    for (const m of index.models) sources.push({ id: `served:${m.url}`, label: `${m.name} (from the server)`, origin: 'served', format: m.kind, url: m.url, bytes: m.bytes });
    changed();
  })();
  return served;
}

/** The exploration directories the server offers. */
export async function servedExplorations(): Promise<ServedIndex['explorations']> {
  try {
    const response = await fetch('served.json');
    return response.ok ? ((await response.json()) as ServedIndex).explorations : [];
  } catch {
    return [];
  }
}

function changed(): void {
  for (const listener of listeners) listener();
}

/** Add a source (it becomes selectable in every view); returns it with its id. */
export function addSource(source: NewSource): ModelSource {
  const added = { ...source, id: `${source.origin}:${++counter}` } as ModelSource;
  sources.push(added);
  changed();
  return added;
}

/** Drop a source (one that failed to open, so it is not offered again). */
export function removeSource(id: string): void {
  const index = sources.findIndex((s) => s.id === id);
  if (index >= 0) sources.splice(index, 1);
  changed();
}

export function listSources(filter: (s: ModelSource) => boolean = () => true): ModelSource[] {
  return sources.filter(filter);
}

export function findSource(id: string): ModelSource | undefined {
  return sources.find((s) => s.id === id);
}

/** Call `listener` whenever the list changes; returns the unsubscribe function. */
export function onSourcesChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Files the user picked → one source: a .snn file, or model.json with its weight shards. */
export function sourceFromFiles(files: File[]): NewSource {
  if (files.length === 0) throw new Error('no file chosen');
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  const json = files.find((f) => f.name.endsWith('.json'));
  if (json) return { label: `${json.name} (your file)`, origin: 'file', format: 'tfjs', files: [json, ...files.filter((f) => f !== json)], bytes };
  if (files.length > 1) throw new Error('choose one .snn file, or a model.json together with its weight files');
  return { label: `${files[0]!.name} (your file)`, origin: 'file', format: 'snn', files, bytes };
}
