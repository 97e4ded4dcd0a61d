// `npm run viz [-- --port <n>] [-- --app <url>]`: builds the visualizer page into .vite/viz when
// its sources changed, and serves it on loopback (no internet needed). Also answers the page's
// API: its config (the app to follow live), model coverage, and machines at a git ref (diff).
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { loadRegistryAt } from './diff/loadRegistry.ts';
import { inspectingAppUrl } from './live/recordSchema.ts';
import { extractStructure } from './structure.ts';
import { ModelCoverageSchema } from './structureSchema.ts';

const projectDir = join(import.meta.dirname, '..', '..');
const outDir = join(projectDir, '.vite', 'viz');
const configFile = join(projectDir, 'vite.viz.config.ts');
/** Everything the page is built from. */
const sources = [
  'src/viz',
  'machines',
  'server/protocol.ts',
  'vite.viz.config.ts',
  'package-lock.json',
];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const children = await readdir(path);
  const times = await Promise.all(children.map((child) => newestMtime(join(path, child))));
  return Math.max(info.mtimeMs, ...times);
}

export async function ensureBuilt(): Promise<void> {
  const built = (await stat(join(outDir, 'index.html')).catch(() => null))?.mtimeMs ?? 0;
  const times = await Promise.all(sources.map((s) => newestMtime(join(projectDir, s))));
  if (built > Math.max(...times)) return;
  console.log('viz: building the page (sources changed)…');
  await build({ configFile, logLevel: 'warn' });
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

export interface VizServerOptions {
  port?: number;
  appUrl?: string | null;
  /** The git repository whose history `GET /api/diff` reads (defaults to this project). */
  repoDir?: string;
}

function contentSecurityPolicy(appUrl: string | null): string {
  // Offline by construction: nothing loads from anywhere but this server (and the app, live).
  const app = appUrl ? new URL(appUrl) : null;
  const appSources = app
    ? ` ${app.origin} ${app.protocol === 'https:' ? 'wss' : 'ws'}://${app.host}`
    : '';
  return [
    "default-src 'self'",
    `connect-src 'self'${appSources}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function parseAppUrl(text: string): string {
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`--app must be an http(s) URL, got ${text}`);
  }
  return url.origin;
}

export async function startVizServer(options: VizServerOptions = {}) {
  const appUrl = options.appUrl ?? null;
  const repoDir = options.repoDir ?? projectDir;
  const diffCache = new Map<string, unknown>();
  const csp = contentSecurityPolicy(appUrl);

  const api = async (url: URL, response: ServerResponse) => {
    if (url.pathname === '/api/config') return sendJson(response, 200, { appUrl });
    if (url.pathname === '/api/coverage') {
      const file = join(repoDir, 'coverage', 'model-coverage.json');
      const text = await readFile(file, 'utf8').catch(() => null);
      if (text === null)
        return sendJson(response, 404, { error: 'no coverage: run npm run test:model' });
      const parsed = ModelCoverageSchema.safeParse(JSON.parse(text));
      if (!parsed.success) return sendJson(response, 500, { error: 'coverage file is malformed' });
      return sendJson(response, 200, parsed.data);
    }
    if (url.pathname === '/api/diff') {
      const ref = url.searchParams.get('ref') ?? '';
      if (!/^[\w./~^@{}-]{1,200}$/.test(ref))
        return sendJson(response, 400, { error: 'invalid ref' });
      try {
        const loaded = await loadRegistryAt(repoDir, ref);
        if (!diffCache.has(loaded.commit)) {
          diffCache.set(
            loaded.commit,
            loaded.entries.map((e) => ({ name: e.name, structure: extractStructure(e.machine) })),
          );
        }
        return sendJson(response, 200, {
          ref,
          commit: loaded.commit,
          machines: diffCache.get(loaded.commit),
        });
      } catch (error) {
        return sendJson(response, 400, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return sendJson(response, 404, { error: 'not found' });
  };

  const serveFile = async (url: URL, response: ServerResponse) => {
    const relative = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    const file = join(outDir, relative === '' ? 'index.html' : relative);
    if (!file.startsWith(outDir + sep) && file !== outDir) {
      response.writeHead(403).end();
      return;
    }
    const info = await stat(file).catch(() => null);
    const target = info?.isFile() ? file : join(outDir, 'index.html');
    response.writeHead(200, {
      'content-type': contentTypes[extname(target)] ?? 'application/octet-stream',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
    });
    createReadStream(target).pipe(response);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    const handle = url.pathname.startsWith('/api/') ? api(url, response) : serveFile(url, response);
    handle.catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: String(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}` };
}

function gitTopLevel(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: projectDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null; // not a git checkout: diffs will report the error
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, app: { type: 'string' } },
  });
  try {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error('--port must be 0-65535');
    const appUrl = values.app ? parseAppUrl(values.app) : null;
    await ensureBuilt();
    const repoDir = gitTopLevel() ?? projectDir;
    const { server, url } = await startVizServer({ port, appUrl, repoDir });
    console.log(`listening on ${url}`);
    if (appUrl) {
      console.log(`viz: following the app at ${appUrl} (live mode)`);
      // The web app publishes only when asked, so normal use costs nothing.
      console.log(`viz: open the app at ${inspectingAppUrl(appUrl)} to see it move`);
    }
    const stop = () => {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    console.error(`viz: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
