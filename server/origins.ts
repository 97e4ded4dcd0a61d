// Which web pages may open the chat namespace. WebSockets skip CORS, so without this check any
// site open in the user's browser could talk to a Parley server on their machine (the desktop
// app's embedded one, web mode) as if it were the app. Browsers always send Origin and pages
// cannot forge it; clients that send none are not browsers and gain nothing from a check.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { ExtendedError } from 'socket.io';

/** The packaged desktop app's main window (`parley://main_window/`): allowed on every server. */
export const desktopAppOrigin = 'parley://main_window';

const loopbackNames = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Whether a URL's hostname (as the WHATWG parser normalizes it) is this machine: `localhost`,
 * 127.0.0.0/8 or `[::1]`. The parser has already turned `0x7f.1`, `2130706433` and
 * `[0:0:0:0:0:0:0:1]` into their canonical forms; anything else (a LAN address, an
 * IPv4-mapped `[::ffff:…]`, a name that merely resolves to loopback today) is not loopback.
 * The one loopback test for URLs: webhook URLs, page origins, PARLEY_SERVER_URL.
 */
export function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** A bind address (`::1`, unbracketed) as a URL hostname, then the same test. */
function isLoopbackHost(host: string): boolean {
  return isLoopbackHostname(host.includes(':') ? `[${host}]` : host);
}

function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/**
 * The origins a page served by this server has. Loopback binds answer to every loopback name
 * (the page may be opened as localhost or 127.0.0.1), never to whatever the Host header says:
 * trusting Host would let a DNS-rebinding site (evil.example resolving to 127.0.0.1) pass.
 */
export function ownOrigins(host: string, port: number): string[] {
  // A wildcard bind listens on loopback too: pages opened as localhost are its own as well.
  if (isLoopbackHost(host) || isWildcardHost(host)) {
    return loopbackNames.map((name) => `http://${name}:${port}`);
  }
  return [`http://${host.includes(':') ? `[${host}]` : host}:${port}`];
}

export interface OriginPolicy {
  host: string;
  /** Read when a request arrives: the port is known only once listening. */
  port: () => number;
  /** Configured extra origins (a cluster's public origin, the Vite dev server). */
  allowed: readonly string[];
}

/** Whether a handshake from this request may open the chat namespace. */
export function isAllowedOrigin(policy: OriginPolicy, request: IncomingMessage): boolean {
  const { origin } = request.headers;
  if (origin === undefined) return true;
  if (origin === desktopAppOrigin || policy.allowed.includes(origin)) return true;
  const port = policy.port();
  if (ownOrigins(policy.host, port).includes(origin)) return true;
  // Bound to every interface: a page served by this server, reached by an IP literal (a name
  // could be a rebinding one), has that address as its origin.
  if (isWildcardHost(policy.host)) {
    const url = URL.parse(origin);
    const hostHeader = request.headers.host;
    if (url && url.protocol === 'http:' && hostHeader === url.host) {
      return isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0;
    }
  }
  return false;
}

/** The handshake refusal a page from another origin gets. */
export function forbiddenOrigin(): ExtendedError {
  const error: ExtendedError = new Error('forbidden_origin');
  error.data = {
    code: 'forbidden',
    message: 'this page may not connect to this server (its Origin is not allowed)',
  };
  return error;
}

/** The handshake refusal past `connectionsPerAddress`. */
export function tooManyConnections(retryAfterMs: number): ExtendedError {
  const error: ExtendedError = new Error('rate_limited');
  error.data = {
    code: 'rate_limited',
    message: `too many connections from this address: try again in ${Math.ceil(retryAfterMs / 1000)} s`,
    retryAfterMs,
  };
  return error;
}
