// Who is on the other end, for limits counted per client address.
import type { IncomingMessage } from 'node:http';

/**
 * The TCP peer, or, behind a trusted reverse proxy (every peer is then the proxy), the last
 * address in X-Forwarded-For: the one the proxy itself appended. Earlier entries are whatever
 * the client claimed and are never trusted.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return forwarded.at(-1)?.slice(0, 64) ?? peer;
}
