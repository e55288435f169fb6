import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from './server.js';
import { safeSegments } from './safe-path.js';

/** A raw GET (no URL normalization by a client library), so hostile paths reach the server as typed. */
function get(server: WebServer, rawPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: rawPath, method, headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let server: WebServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'smallnets-serve-'));
  const app = path.join(dir, 'app');
  await mkdir(path.join(app, 'chunks'), { recursive: true });
  await writeFile(path.join(app, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(path.join(app, 'chunks', 'a.js'), 'export {}');
  await writeFile(path.join(app, 'chunks', 'a.js.gz'), gzipSync('export {}'));
  await writeFile(path.join(app, '.hidden'), 'dotfile');
  await writeFile(path.join(dir, 'secret.txt'), 'outside the app');
  await symlink(path.join(dir, 'secret.txt'), path.join(app, 'link.txt'));
  const model = path.join(dir, 'lenet5');
  await mkdir(model);
  await writeFile(path.join(model, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['./weights.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }] }));
  await writeFile(path.join(model, 'weights.bin'), new Uint8Array(8));
  await writeFile(path.join(model, 'notes.txt'), 'not part of the model');
  const snn = path.join(dir, 'tiny.snn');
  await writeFile(snn, new Uint8Array([0x89, 0x53, 0x4e, 0x4e, 0, 0, 0, 0]));
  const exploration = path.join(dir, 'explore');
  await mkdir(exploration);
  await writeFile(path.join(exploration, 'trials.jsonl'), '{}\n');
  await writeFile(path.join(exploration, 'notes.txt'), 'not an exploration file');
  server = await startWebServer({ appDir: app, port: 0, models: [model, snn], explorations: [exploration] });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('safeSegments', () => {
  it('accepts plain paths and refuses every way of climbing out or naming a hidden file', () => {
    expect(safeSegments('/')).toEqual([]);
    expect(safeSegments('/chunks/a.js')).toEqual(['chunks', 'a.js']);
    for (const bad of ['/../x', '/a/../../x', '/%2e%2e/x', '/a%2f..%2f..%2fx', '/a\\..\\x', '/a%5c..%5cx', '/.git/config', '/a//b', '/x%00.js', '/%E0%A4%A', 'relative']) {
      expect(safeSegments(bad), bad).toBeNull();
    }
  });
});

describe('startWebServer', () => {
  it('binds 127.0.0.1 and serves the app with a content security policy', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await get(server, '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>app</title>');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(String(index.headers['content-security-policy'])).toContain("default-src 'self'");
    expect((await get(server, '/chunks/a.js')).body).toBe('export {}');
  });

  it('sends the build\'s gzip copy to browsers that accept gzip', async () => {
    const zipped = await get(server, '/chunks/a.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(zipped.headers['vary']).toBe('Accept-Encoding');
    expect(gunzipSync(Buffer.from(zipped.body, 'latin1')).toString()).toBe('export {}');
    expect((await get(server, '/chunks/a.js')).headers['content-encoding']).toBeUndefined();
  });

  it('refuses path traversal, encoded separators, dotfiles and symlinks leading out', async () => {
    for (const attack of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/chunks/..%2f..%2fsecret.txt', '/..\\secret.txt', '/.hidden', '/link.txt', '/index.html%00.js', '/models/0/../../secret.txt', '/models/0/..%2f..%2fsecret.txt', '/explorations/0/..%2f..%2fsecret.txt']) {
      const response = await get(server, attack);
      expect(response.status, attack).toBe(404);
      expect(response.body, attack).not.toContain('outside the app');
    }
  });

  it('serves only the files of the models the user named', async () => {
    expect(server.index.models).toEqual([
      { name: 'lenet5', kind: 'tfjs', url: '/models/0/model.json', bytes: expect.any(Number) },
      { name: 'tiny.snn', kind: 'snn', url: '/models/1/tiny.snn', bytes: 8 },
    ]);
    expect((await get(server, '/models/0/model.json')).status).toBe(200);
    expect((await get(server, '/models/0/weights.bin')).body.length).toBe(8);
    expect((await get(server, '/models/1/tiny.snn')).status).toBe(200);
    expect((await get(server, '/models/0/notes.txt')).status).toBe(404); // in the directory, but no shard of the model
    expect((await get(server, '/models/1/model.json')).status).toBe(404);
    expect((await get(server, '/models/2/model.json')).status).toBe(404); // nobody named a third model
  });

  it('serves exploration files by extension and lists everything in /served.json', async () => {
    expect((await get(server, '/explorations/0/trials.jsonl')).body).toBe('{}\n');
    expect((await get(server, '/explorations/0/notes.txt')).status).toBe(404);
    const served = JSON.parse((await get(server, '/served.json')).body);
    expect(served.explorations).toEqual([{ name: 'explore', url: '/explorations/0/' }]);
    expect(served.models).toHaveLength(2);
  });

  it('answers only GET and HEAD, and only to its own host names', async () => {
    expect((await get(server, '/', {}, 'POST')).status).toBe(405);
    expect((await get(server, '/', {}, 'HEAD')).status).toBe(200);
    const port = new URL(server.url).port;
    expect((await get(server, '/', { Host: `evil.example:${port}` })).status).toBe(421); // DNS rebinding
    expect((await get(server, '/', { Host: `localhost:${port}` })).status).toBe(200);
  });

  it('fails with one line naming the bad location', async () => {
    await expect(startWebServer({ appDir: path.join(dir, 'app'), port: 0, models: [path.join(dir, 'missing')] })).rejects.toThrow(/`model` .*missing does not exist/);
    await expect(startWebServer({ appDir: path.join(dir, 'app'), port: 0, models: [path.join(dir, 'secret.txt')] })).rejects.toThrow(/`model` .*secret.txt is not a model file smallnets knows/);
    await expect(startWebServer({ appDir: path.join(dir, 'app'), port: 0, explorations: [path.join(dir, 'lenet5')] })).rejects.toThrow(/`exploration` .*trials.jsonl does not exist/);
    await expect(startWebServer({ appDir: path.join(dir, 'nowhere'), port: 0 })).rejects.toThrow(/not built.*npm run build/);
  });
});
