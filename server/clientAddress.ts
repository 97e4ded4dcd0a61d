// Who is on the other end, for limits counted per client address.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The TCP peer, or, behind a trusted reverse proxy (every peer is then the proxy), the last
 * address in X-Forwarded-For: the one the proxy itself appended. Earlier entries are whatever
 * the client claimed and are never trusted.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return limitKeyOf(peer);
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return limitKeyOf(forwarded.at(-1)?.slice(0, 64) ?? peer);
}

/**
 * What limits count an address under. IPv4 as it is (an IPv4-mapped IPv6 address as its IPv4);
 * IPv6 by its /64: one host is given a whole /64 and could otherwise take a new address per
 * request.
 */
export function limitKeyOf(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
