import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

describe('npm configuration', () => {
  it('npm reads the project .npmrc without "Unknown project config" warnings (npx smallnets stays quiet)', async () => {
    const { stderr } = await promisify(execFile)('npm', ['config', 'get', 'fund'], { cwd: root });
    expect(stderr).not.toMatch(/Unknown (project|user|builtin) config/);
  });

  it('dependency install scripts are denied explicitly (npm ≥ 11 allowScripts), so nothing downloads at install', () => {
    const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { allowScripts?: Record<string, boolean> };
    expect(manifest.allowScripts?.['onnxruntime-node']).toBe(false);
  });
});
