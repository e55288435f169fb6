/**
 * The project's layering (README, Layout: cli / web → pipeline, explore → techniques, runtime, export →
 * models, training, analysis, graph → format, data, engine → errors, random), checked on the real imports:
 * no import points up this list, no two folders import each other, no files import in a circle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(new URL(import.meta.url).pathname);

/** Rank of each top-level folder (or root file); higher ranks may import lower ones only. */
const RANK: Readonly<Record<string, number>> = {
  'errors.ts': 0, 'random.ts': 0,
  format: 1, data: 1, engine: 1,
  models: 2, training: 2, analysis: 2, graph: 2,
  pruning: 3, quantization: 3, clustering: 3, restructure: 3, runtime: 3, export: 3,
  pipeline: 4, explore: 4, demo: 4,
  cli: 5, web: 5, fuzz: 5,
  'index.ts': 6,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(entry.name) && !/\.test(-util)?\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative imports of a file (static, re-exports and dynamic), resolved to .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'"`;]*?from\s+'(\.[^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers.map((s) => path.join(path.dirname(file), s).replace(/\.js$/, '.ts'));
}

const top = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;
const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('architecture', () => {
  it('every top-level folder has a layer', () => {
    const unranked = [...new Set(files.map(top))].filter((t) => RANK[t] === undefined);
    expect(unranked).toEqual([]);
  });

  it('no import runs upward', () => {
    const upward: string[] = [];
    for (const [from, deps] of graph) {
      for (const to of deps) if (RANK[top(to)]! > RANK[top(from)]!) upward.push(`${path.relative(SRC, from)} -> ${path.relative(SRC, to)}`);
    }
    expect(upward).toEqual([]);
  });

  it('no two folders import each other', () => {
    const pairs = new Set<string>();
    for (const [from, deps] of graph) for (const to of deps) if (top(from) !== top(to)) pairs.add(`${top(from)} -> ${top(to)}`);
    const mutual = [...pairs].filter((p) => pairs.has(p.split(' -> ').reverse().join(' -> ')));
    expect(mutual).toEqual([]);
  });

  it('no files import each other in a circle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...trail.slice(trail.indexOf(file)), file].map((f) => path.relative(SRC, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const dep of graph.get(file) ?? []) visit(dep, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });
});
