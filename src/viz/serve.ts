// `npm run viz [-- --port <n>] [-- --app <url> --inspect-token <token>]`: builds the visualizer
// page into .vite/viz when its sources changed, and serves it on loopback (no internet needed).
// Also answers the page's API: its config (the app to follow live and the token its chat
// server's /inspect relay asks for), model coverage, and machines at a git ref (diff).
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { loadRegistryAt } from './diff/loadRegistry.ts';
import { inspectTokenMaxLength, inspectingAppUrl } from './live/recordSchema.ts';
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
  /** The app's inspector token (its chat server prints it); required with `appUrl`. */
  inspectToken?: string | null;
  /** The built page (default `.vite/viz`); tests give a folder of their own. */
  pageDir?: string;
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

/** Where the chat server's token is to be found, for a person who started without it. */
export const missingTokenHelp =
  'viz: --app needs the inspector token of that app’s chat server: copy it from the ' +
  '“inspector token: …” line `npm run web` or `npm run server` printed after “listening on”, ' +
  'and pass --inspect-token <token> (or set $PARLEY_INSPECT_TOKEN)';

export function parseInspectToken(text: string): string {
  const token = text.trim();
  if (!/^[\w-]+$/.test(token) || token.length > inspectTokenMaxLength) {
    throw new Error(
      '--inspect-token is not a token (the server prints 43 letters, digits, - or _)',
    );
  }
  return token;
}

/** The Host header names this server (DNS rebinding: another site's name pointed at 127.0.0.1). */
function isOwnHost(host: string | undefined, port: number): boolean {
  return ['127.0.0.1', 'localhost'].some((name) => host === `${name}:${port}`);
}

export async function startVizServer(options: VizServerOptions = {}) {
  const appUrl = options.appUrl ?? null;
  const inspectToken = appUrl ? (options.inspectToken ?? null) : null;
  if (appUrl && !inspectToken) throw new Error(missingTokenHelp.replace(/^viz: /, ''));
  const pageDir = resolve(options.pageDir ?? outDir);
  const repoDir = options.repoDir ?? projectDir;
  const diffCache = new Map<string, unknown>();
  const csp = contentSecurityPolicy(appUrl);

  const api = async (url: URL, response: ServerResponse) => {
    if (url.pathname === '/api/config') return sendJson(response, 200, { appUrl, inspectToken });
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
    const file = join(pageDir, relative === '' ? 'index.html' : relative);
    if (!file.startsWith(pageDir + sep) && file !== pageDir) {
      response.writeHead(403).end();
      return;
    }
    const isFile = async (path: string) => (await stat(path).catch(() => null))?.isFile() ?? false;
    // Any other path is one of the page's own routes: index.html.
    const page = join(pageDir, 'index.html');
    const target = (await isFile(file)) ? file : page;
    if (target === page && !(await isFile(page))) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('the visualizer page is not built: npm run viz builds it\n');
      return;
    }
    response.writeHead(200, {
      'content-type': contentTypes[extname(target)] ?? 'application/octet-stream',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
    });
    // A file gone mid-request (a rebuild) ends this response, not the server.
    createReadStream(target)
      .on('error', () => response.destroy())
      .pipe(response);
  };

  let port = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    // The config carries the inspector token: only pages that reached this server by its own
    // name may read it, not another site whose name was pointed at 127.0.0.1 (DNS rebinding).
    if (!isOwnHost(request.headers.host, port)) {
      response.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`open the visualizer at http://127.0.0.1:${port}\n`);
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
  port = typeof address === 'object' && address ? address.port : 0;
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
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        app: { type: 'string' },
        'inspect-token': { type: 'string' },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error('--port must be 0-65535');
    const appUrl = values.app ? parseAppUrl(values.app) : null;
    // The environment keeps the token out of the process list other local users can read.
    const tokenText = values['inspect-token'] ?? (process.env.PARLEY_INSPECT_TOKEN || null);
    if (appUrl && tokenText === null) {
      console.error(missingTokenHelp);
      process.exit(2);
    }
    const inspectToken = appUrl && tokenText !== null ? parseInspectToken(tokenText) : null;
    await ensureBuilt();
    const repoDir = gitTopLevel() ?? projectDir;
    const { server, url } = await startVizServer({ port, appUrl, inspectToken, repoDir });
    console.log(`listening on ${url}`);
    if (appUrl && inspectToken) {
      console.log(`viz: following the app at ${appUrl} (live mode)`);
      // The web app publishes only when asked, so normal use costs nothing. The token rides in
      // the fragment, which the browser sends to no server and puts in no Referer.
      console.log(`viz: open the app at ${inspectingAppUrl(appUrl, inspectToken)} to see it move`);
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
