/**
 * `npm run bench:web-filter -- [--json]`: the filter view's update time in a real browser (Debian's
 * chromium, headless, software rendering), and what the first page load costs.
 * Builds the app into a temporary directory, serves it, opens the filter view on the 224×224 test
 * pattern and presses "Time it" (the page times convolution + drawing of 50 updates after 10
 * warm-up runs, median and 95th percentile) for a 3×3 and a 5×5 kernel, 5 rounds each, keeping
 * the median round. First-load bytes: every response of the initial load, by Content-Length (the
 * server sends the build's gzip copies, as a browser asks for them); engine bytes from build.json.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildWebApp } from '../scripts/build-web.js';
import { launchChromium } from '../src/web/browser.test-util.js';
import { startWebServer } from '../src/web/server.js';

const json = process.argv.includes('--json');
const ROUNDS = 5;
const dir = await mkdtemp(path.join(tmpdir(), 'smallnets-bench-web-'));
const manifest = await buildWebApp(path.join(dir, 'app'));
const server = await startWebServer({ appDir: path.join(dir, 'app'), port: 0 });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  let firstLoadBytes = 0;
  let firstLoadFiles = 0;
  page.on('response', (r) => {
    firstLoadBytes += Number(r.headers()['content-length'] ?? 0);
    firstLoadFiles++;
  });
  await page.goto(`${server.url}#filter`);
  await page.waitForSelector('section[data-view="filter"][data-ready]');
  page.removeAllListeners('response');

  await page.selectOption('#image-source', 'pattern:shapes');
  const measure = async (preset: string) => {
    await page.click(`button[data-preset="${preset}"]`);
    const rounds: Array<{ median: number; p95: number }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      await page.click('#time-filter');
      rounds.push(await page.$eval('#filter-timing', (el) => ({ median: Number((el as HTMLElement).dataset.medianMs), p95: Number((el as HTMLElement).dataset.p95Ms) })));
    }
    rounds.sort((a, b) => a.median - b.median);
    return rounds[Math.floor(ROUNDS / 2)]!;
  };
  const k3 = await measure('sobelX');
  const k5 = await measure('gaussian');
  const result = {
    bench: 'web-filter',
    image: '224×224',
    median3x3Ms: k3.median,
    p95_3x3Ms: k3.p95,
    median5x5Ms: k5.median,
    p95_5x5Ms: k5.p95,
    frameBudgetMs: 1000 / 60,
    medianWithinFrame: k3.median <= 1000 / 60 && k5.median <= 1000 / 60,
    firstLoadBytes,
    firstLoadFiles,
    firstLoadBytesUnpacked: manifest.firstLoad.reduce((sum, f) => sum + (manifest.bytes[f] ?? 0), 0),
    engineBytes: Object.fromEntries(Object.entries(manifest.engines).map(([name, files]) => [name, files.reduce((sum, f) => sum + (manifest.gzipBytes[f] ?? manifest.bytes[f] ?? 0), 0)])),
    engineBytesUnpacked: Object.fromEntries(Object.entries(manifest.engines).map(([name, files]) => [name, files.reduce((sum, f) => sum + (manifest.bytes[f] ?? 0), 0)])),
    browser: browser.version(),
  };
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stderr.write(`filter update, 224×224: 3×3 median ${k3.median.toFixed(2)} ms (p95 ${k3.p95.toFixed(2)}), 5×5 median ${k5.median.toFixed(2)} ms (p95 ${k5.p95.toFixed(2)}); frame budget 16.7 ms\n`);
    process.stderr.write(`first load: ${firstLoadBytes.toLocaleString('en-US')} bytes transferred in ${firstLoadFiles} files; engines ${JSON.stringify(result.engineBytes)} bytes transferred\n`);
  }
} finally {
  await browser.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
