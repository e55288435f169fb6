/**
 * What `smallnets serve` may hand out besides the app: the models and exploration directories the
 * user named on the command line, checked once at start. Each gets a numbered URL prefix
 * (`/models/0/`, `/explorations/0/`) and an allowlist of the files under it, so a request can only
 * ever reach a file that was named (a model's model.json and the shards its manifest lists, a .snn
 * file) or that an exploration directory holds with an exploration file extension.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { detectFileKind, FILE_KIND_NAMES, SNIFF_BYTES } from '../models/detect-format.js';
import { parseWeightsManifest } from '../models/manifest.js';
import { MAX_MODEL_JSON_BYTES, MODEL_JSON } from '../models/io.js';
import { readHead } from '../models/read-bytes.js';

/** A model the page can open: `url` is the file to fetch (model.json or the .snn file). */
export interface ServedModelInfo {
  name: string;
  kind: 'tfjs' | 'snn';
  url: string;
  /** Bytes the page downloads to load it (model.json + shards, or the .snn file). */
  bytes: number;
}

export interface ServedExplorationInfo {
  name: string;
  /** Base URL; `trials.jsonl` and `pareto.json` are fetched relative to it. */
  url: string;
}

/** The list the page reads from `/served.json`. */
export interface ServedIndex {
  models: ServedModelInfo[];
  explorations: ServedExplorationInfo[];
}

/** A URL prefix and the directory it maps to, with the files allowed under it. */
export interface ServedRoot {
  prefix: string;
  dir: string;
  /** Exact relative names allowed, or a predicate for exploration directories. */
  allows: (relative: string) => boolean;
}

/** Extensions an exploration directory may serve (its logs, charts and trial artifacts). */
const EXPLORATION_EXTENSIONS = new Set(['.jsonl', '.json', '.csv', '.svg', '.snn']);

async function modelJsonShards(jsonPath: string): Promise<string[]> {
  const size = (await stat(jsonPath)).size;
  if (size > MAX_MODEL_JSON_BYTES) throw new UsageError(`\`model\` ${jsonPath} is ${size} bytes, more than the ${MAX_MODEL_JSON_BYTES} a model.json may be`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (error) {
    throw new UsageError(`\`model\` ${jsonPath} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json)) {
    throw new UsageError(`\`model\` ${jsonPath} is not a TF.js LayersModel (no modelTopology)`);
  }
  const groups = parseWeightsManifest((json as { weightsManifest?: unknown }).weightsManifest, jsonPath);
  return groups.flatMap((g) =>
    g.paths.map((p) => {
      const name = p.replace(/^\.\//, '');
      // The page fetches shards next to model.json; anything else would need a wider allowlist.
      if (name !== path.basename(name) || name.startsWith('.')) {
        throw new UsageError(`\`model\` ${jsonPath} lists weight shard ${JSON.stringify(p)} outside its directory`);
      }
      return name;
    }),
  );
}

async function statOrUsage(location: string, what: string) {
  try {
    return await stat(location);
  } catch {
    throw new UsageError(`\`${what}\` ${location} does not exist`);
  }
}

/** Resolve one `--model` location (TF.js directory, model.json, or .snn file). */
export async function resolveModel(location: string, index: number): Promise<{ info: ServedModelInfo; root: ServedRoot }> {
  const prefix = `/models/${index}/`;
  const info = await statOrUsage(location, 'model');
  const jsonPath = info.isDirectory() ? path.join(location, MODEL_JSON) : location;
  if (info.isDirectory()) await statOrUsage(jsonPath, 'model');
  const kind = detectFileKind(await readHead(jsonPath, SNIFF_BYTES, 'model'));
  const dir = await realpath(path.dirname(jsonPath));
  const file = path.basename(jsonPath);
  if (kind === 'snn') {
    const bytes = (await stat(jsonPath)).size;
    return {
      info: { name: path.basename(location), kind: 'snn', url: prefix + encodeURIComponent(file), bytes },
      root: { prefix, dir, allows: (relative) => relative === file },
    };
  }
  if (kind !== 'json') {
    throw new UsageError(`\`model\` ${location} is ${FILE_KIND_NAMES[kind]}; the playground opens TF.js models (model.json) and .snn files`);
  }
  const shards = await modelJsonShards(jsonPath);
  const allowed = new Set([file, ...shards]);
  let bytes = 0;
  for (const name of allowed) bytes += (await statOrUsage(path.join(dir, name), 'model')).size;
  const name = info.isDirectory() ? path.basename(path.resolve(location)) : path.basename(path.dirname(path.resolve(location)));
  return {
    info: { name, kind: 'tfjs', url: prefix + encodeURIComponent(file), bytes },
    root: { prefix, dir, allows: (relative) => allowed.has(relative) },
  };
}

/** Resolve one `--exploration` directory (it must hold trials.jsonl). */
export async function resolveExploration(location: string, index: number): Promise<{ info: ServedExplorationInfo; root: ServedRoot }> {
  const prefix = `/explorations/${index}/`;
  if (!(await statOrUsage(location, 'exploration')).isDirectory()) throw new UsageError(`\`exploration\` ${location} is not a directory`);
  await statOrUsage(path.join(location, 'trials.jsonl'), 'exploration');
  const dir = await realpath(location);
  return {
    info: { name: path.basename(dir), url: prefix },
    root: { prefix, dir, allows: (relative) => EXPLORATION_EXTENSIONS.has(path.extname(relative)) },
  };
}

/** Everything the user named, resolved; fails on the first bad location with a usage error. */
export async function resolveServedFiles(models: readonly string[], explorations: readonly string[]): Promise<{ index: ServedIndex; roots: ServedRoot[] }> {
  const index: ServedIndex = { models: [], explorations: [] };
  const roots: ServedRoot[] = [];
  for (const [i, location] of models.entries()) {
    const { info, root } = await resolveModel(location, i);
    index.models.push(info);
    roots.push(root);
  }
  for (const [i, location] of explorations.entries()) {
    const { info, root } = await resolveExploration(location, i);
    index.explorations.push(info);
    roots.push(root);
  }
  return { index, roots };
}
