// The Content-Security-Policy of every app page (the main window and the State Inspector):
// scripts from the app only, network only to the chat server. What the pages need beyond
// 'self', and why: Emotion (MUI, both windows) injects <style> elements, hence 'unsafe-inline'
// for styles; Vite inlines small assets as data: URLs (the avatar SVGs in the main window,
// @fontsource's .woff fonts in both); uploaded profile pictures come from the chat server's
// /avatars/ route; in development Vite's React refresh preamble is an inline script and HMR a
// websocket. Nothing else (no blob:, no remote hosts).
export interface CspOptions {
  /** The chat server's origin, e.g. http://127.0.0.1:50123. */
  serverUrl: string;
  /** The Vite dev server origins (development only). */
  devServerUrls?: readonly string[];
}

function websocketOrigin(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.origin;
}

export function contentSecurityPolicy({ serverUrl, devServerUrls = [] }: CspOptions): string {
  const server = new URL(serverUrl).origin;
  const dev = devServerUrls.map((url) => new URL(url).origin);
  const isDev = dev.length > 0;
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", ...(isDev ? ["'unsafe-inline'"] : [])],
    'style-src': ["'self'", "'unsafe-inline'"],
    // Profile pictures people upload come from the chat server's own /avatars/ route.
    'img-src': ["'self'", 'data:', server],
    'font-src': ["'self'", 'data:'],
    'connect-src': [
      "'self'",
      server,
      websocketOrigin(server),
      ...dev.flatMap((origin) => [origin, websocketOrigin(origin)]),
    ],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'frame-src': ["'none'"],
    'worker-src': ["'self'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}
