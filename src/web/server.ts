/**
 * The playground's local web server: Node's own http, bound to 127.0.0.1 unless told otherwise.
 * It serves the built app (dist/web/app), `/served.json` (what the user named), and the files of
 * the models and explorations the user named — nothing else. Every path goes through safeSegments
 * and a real-path containment check, so `..`, encoded separators, dotfiles and symlinks leading out
 * all end in 404. Requests whose Host header is not this server's are refused (a web page on
 * another site cannot reach the user's files through DNS rebinding).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeError, UsageError } from '../errors.js';
import { isInside, safeSegments } from './safe-path.js';
import { resolveServedFiles, type ServedIndex, type ServedRoot } from './served-files.js';

export interface WebServerOptions {
  /** The built app (default: dist/web/app beside this module). */
  appDir?: string;
  /** TF.js model directories / model.json files / .snn files to offer the page. */
  models?: readonly string[];
  /** Exploration directories (`smallnets explore --out DIR`) to offer the page. */
  explorations?: readonly string[];
  /** Interface to bind (default 127.0.0.1: only this machine). */
  host?: string;
  /** Port (default 8080; 0 picks a free one). */
  port?: number;
}

export interface WebServer {
  /** e.g. http://127.0.0.1:8080/ */
  url: string;
  index: ServedIndex;
  close(): Promise<void>;
}

/** Where `npm run build` writes the app, relative to this module (src/web or dist/web). */
export function defaultAppDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '../../dist/web/app');
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.snn': 'application/octet-stream',
  '.gz': 'application/gzip',
};

/** The page loads only its own files; wasm compilation is allowed for TF.js's wasm backend. */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function send(response: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff' });
  response.end(body);
}

/** The file a request maps to, or null (then 404). */
async function resolveRequest(urlPath: string, appDir: string, roots: readonly ServedRoot[]): Promise<string | null> {
  const segments = safeSegments(urlPath);
  if (segments === null) return null;
  const relative = segments.join('/');
  let dir = appDir;
  let name = relative === '' ? 'index.html' : relative;
  const root = roots.find((r) => ('/' + relative + '/').startsWith(r.prefix));
  if (root) {
    name = relative.slice(root.prefix.length - 1);
    if (name === '' || !root.allows(name)) return null;
    dir = root.dir;
  } else if (/^(models|explorations)(\/|$)/.test(relative)) {
    return null; // a number nobody named
  }
  const candidate = path.join(dir, ...name.split('/'));
  try {
    const real = await realpath(candidate);
    if (!isInside(dir, real, path.sep)) return null; // a symlink leading out
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** `file` when it is a regular file, else null. */
async function regularFile(file: string): Promise<string | null> {
  try {
    return (await stat(file)).isFile() ? file : null;
  } catch {
    return null;
  }
}

/**
 * Whether the Host header names this server by an IP address or `localhost` (with our port). DNS
 * rebinding needs a domain name, so refusing every other name keeps other sites' pages out while a
 * phone on the LAN can still open http://192.168.x.y:port/ when the server binds 0.0.0.0.
 */
function hostAllowed(request: IncomingMessage, port: number): boolean {
  const header = request.headers.host?.toLowerCase();
  if (!header) return false;
  const match = /^(\[[0-9a-f:.]+\]|[0-9.]+|localhost):(\d+)$/.exec(header);
  if (!match || Number(match[2]) !== port) return false;
  return match[1] === 'localhost' || match[1]!.startsWith('[') || isIP(match[1]!) === 4;
}

/**
 * Start the server; resolves once it listens.
 * @example
 * const server = await startWebServer({ models: ['out/lenet5', 'lenet5.snn'], port: 8080 });
 * console.log(`open ${server.url}`);
 * await server.close();
 */
export async function startWebServer(options: WebServerOptions = {}): Promise<WebServer> {
  const appDir = options.appDir ?? defaultAppDir();
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`\`port\` must be an integer in [0, 65535], got ${port}`);
  // The user's locations first: a typo is a usage error whether or not the app is built.
  const { index, roots } = await resolveServedFiles(options.models ?? [], options.explorations ?? []);
  let realAppDir: string;
  try {
    realAppDir = await realpath(appDir);
    await stat(path.join(realAppDir, 'index.html'));
  } catch {
    throw new RuntimeError(`the web app is not built (no ${path.join(appDir, 'index.html')}): run \`npm run build\``);
  }
  const indexJson = JSON.stringify(index);

  let boundPort = port;
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'internal error');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return send(response, 405, 'method not allowed');
    }
    if (!hostAllowed(request, boundPort)) return send(response, 421, 'wrong host');
    const urlPath = (request.url ?? '/').split('?')[0]!.split('#')[0]!;
    if (urlPath === '/served.json') return send(response, 200, indexJson, CONTENT_TYPES['.json']);
    const file = await resolveRequest(urlPath, realAppDir, roots);
    if (file === null) return send(response, 404, 'not found');
    // The build's precompressed copy (app files only), for browsers that accept gzip.
    const zipped = isInside(realAppDir, file, path.sep) && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) ? await regularFile(`${file}.gz`) : null;
    const sent = zipped ?? file;
    const size = (await stat(sent)).size;
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      ...(zipped ? { 'Content-Encoding': 'gzip' } : {}),
      Vary: 'Accept-Encoding',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': CSP,
      'Referrer-Policy': 'no-referrer',
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(sent).on('error', () => response.destroy()).pipe(response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new RuntimeError(`port ${port} on ${host} is in use; pass \`port\` another number (0 picks a free one)`) : error);
    });
    server.listen(port, host, () => resolve());
  });
  boundPort = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${boundPort}/`,
    index,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
