// Serves the built renderer from the chat server's own origin (`npm run web`): correct content
// types, index.html for app routes (SPA), nothing outside the folder, and a strict CSP on HTML.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

/** A host header we are willing to echo into the CSP: host name or IP, optional port. */
const safeHost = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

/** The page may talk only to its own origin (HTTP and the WebSocket upgrade), nothing remote. */
export function contentSecurityPolicy(host: string | undefined): string {
  const socketOrigin = host && safeHost.test(host) ? ` ws://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self'${socketOrigin}`,
    "img-src 'self' data:",
    // Emotion (MUI) injects <style> elements at run time.
    "style-src 'self' 'unsafe-inline'",
    // @fontsource's fonts are inlined by Vite as data: URLs.
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Resolves a URL path inside `root`, or null when it would escape it. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const resolved = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  return resolved === root || resolved.startsWith(`${root}${path.sep}`) ? resolved : null;
}

async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch {
    return false;
  }
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export function createStaticHandler(staticDir: string): RequestHandler {
  const root = path.resolve(staticDir);
  const indexFile = path.join(root, 'index.html');

  const send = async (
    request: IncomingMessage,
    response: ServerResponse,
    filePath: string,
  ): Promise<void> => {
    const extension = path.extname(filePath).toLowerCase();
    const info = await stat(filePath);
    response.statusCode = 200;
    response.setHeader('Content-Type', contentTypes[extension] ?? 'application/octet-stream');
    response.setHeader('Content-Length', info.size);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (extension === '.html') {
      response.setHeader('Content-Security-Policy', contentSecurityPolicy(request.headers.host));
      response.setHeader('Cache-Control', 'no-cache');
      response.setHeader('Referrer-Policy', 'no-referrer');
    }
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(filePath)
      .on('error', () => response.destroy())
      .pipe(response);
  };

  const plain = (response: ServerResponse, status: number, text: string): void => {
    response.statusCode = status;
    response.setHeader('Content-Type', 'text/plain; charset=utf-8');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.end(text);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      plain(response, 405, 'method not allowed');
      return;
    }
    const urlPath = new URL(request.url ?? '/', 'http://localhost').pathname;
    const filePath = resolveInside(root, urlPath);
    if (filePath === null) {
      plain(response, 404, 'not found');
      return;
    }
    if (await isFile(filePath)) {
      await send(request, response, filePath);
      return;
    }
    // App routes (no file extension) get the app; a missing asset is a real 404.
    if (path.extname(urlPath) === '' && (await isFile(indexFile))) {
      await send(request, response, indexFile);
      return;
    }
    plain(response, 404, 'not found');
  };

  return (request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) plain(response, 500, 'internal error');
      else response.destroy();
    });
  };
}
