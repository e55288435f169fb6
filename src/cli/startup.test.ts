/**
 * `smallnets --help`, `--version` and a mistyped command must answer without loading TF.js or the
 * library (the budget: < 0.3 s). Checked on the real import graph: what main.ts reaches
 * through static imports (command modules are loaded with dynamic import, only when run).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.dirname(new URL(import.meta.url).pathname);

/** Files and packages reachable from `file` through static (non-type) imports. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  if (!file.endsWith('.ts')) return seen;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*(?:import|export)\s(?!type\b)[^'"`;]*?from\s+'([^']+)'/gm)) {
    const spec = m[1]!;
    staticClosure(spec.startsWith('.') ? path.join(path.dirname(file), spec).replace(/\.js$/, '.ts') : spec, seen);
  }
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) staticClosure(m[1]!, seen);
  return seen;
}

describe('startup stays light', () => {
  it('main.ts statically loads neither TF.js nor any command module', () => {
    const reached = [...staticClosure(path.join(CLI, 'main.ts'))];
    expect(reached.filter((f) => f.startsWith('@tensorflow'))).toEqual([]);
    expect(reached.map((f) => path.relative(CLI, f)).filter((f) => /^(train|prune|compress|summary|predict)\.ts$/.test(f))).toEqual([]);
  });

  it('command modules load TF.js only inside their action, so `smallnets <command> --help` stays light', async () => {
    const { COMMANDS } = await import('./command-list.js');
    const heavy = COMMANDS
      .filter((c) => [...staticClosure(path.join(CLI, `${c.name}.ts`))].some((f) => f.startsWith('@tensorflow')))
      .map((c) => c.name);
    expect(heavy).toEqual([]);
  });
});
