// The chat server's origin, for what it serves over HTTP (uploaded profile pictures). In a
// browser tab the page comes from that server, so the default (the page itself) is right; the
// desktop app's pages come from app://, so the app root provides the server's URL.
import { createContext, useContext } from 'react';

export const ServerOriginContext = createContext<string | null>(null);

/** `path` (e.g. `/avatars/<id>/<hash>`) on the chat server's origin, never on another host. */
export function useServerUrl(path: string | undefined): string | undefined {
  const origin = useContext(ServerOriginContext);
  if (path === undefined || !path.startsWith('/')) return undefined;
  try {
    const base = new URL(origin ?? globalThis.location.href);
    const url = new URL(path, base.origin);
    return url.origin === base.origin ? url.href : undefined;
  } catch {
    return undefined;
  }
}
