// Packaged renderer files are served under `parley://<entry>/…` rather than file://: a real
// origin per entry (so IPC senders and navigations can be checked), no access to the rest of
// the disk, and a place to attach the Content-Security-Policy header.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { appScheme, rendererEntries } from './appPages.ts';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  // corsEnabled: Vite emits `<script type="module" crossorigin>`, a CORS-mode request.
  protocol.registerSchemesAsPrivileged([
    {
      scheme: appScheme,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    },
  ]);
}

/** The file a `parley://` URL names, or null when it names nothing the app ships. */
export function resolveAppFile(rendererDir: string, url: string): string | null {
  const parsed = URL.parse(url);
  if (!parsed || parsed.protocol !== `${appScheme}:`) return null;
  const entry = rendererEntries.find((name) => name === parsed.hostname);
  if (!entry) return null;
  const entryDir = path.join(rendererDir, entry);
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname).replace(/^\/+/, '') || 'index.html';
  } catch {
    return null; // malformed percent-encoding
  }
  const file = path.resolve(entryDir, relative);
  // Refuse `..` escapes out of the entry's folder.
  return file.startsWith(entryDir + path.sep) ? file : null;
}

/** Must run after the app is ready. `rendererDir` is `.vite/renderer` beside the main bundle. */
export function handleAppScheme(rendererDir: string, csp: string): void {
  protocol.handle(appScheme, async (request) => {
    const file = resolveAppFile(rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).href);
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', csp);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
