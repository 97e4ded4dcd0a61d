// PARLEY_SERVER_URL names a remote chat server. It must be a plain http(s) origin: a path
// would be read by Socket.IO as a namespace, and credentials in a URL leak into logs. Plain
// http: would carry the session token and every message across the network in clear, so it is
// refused unless the server is on this machine (loopback) or PARLEY_ALLOW_INSECURE_SERVER=1
// says the user knows.
import { isLoopbackHostname } from '../../server/origins.ts';

export class InvalidServerUrlError extends Error {
  override name = 'InvalidServerUrlError';
}

/** The one value of PARLEY_ALLOW_INSECURE_SERVER that allows http: to a remote host. */
export const allowInsecureServerValue = '1';

function insecureProblem(url: URL, env: Record<string, string | undefined>): string | null {
  if (url.protocol !== 'http:' || isLoopbackHostname(url.hostname)) return null;
  const flag = env.PARLEY_ALLOW_INSECURE_SERVER;
  if (flag === allowInsecureServerValue) return null;
  const ignored =
    flag === undefined ? '' : ` (PARLEY_ALLOW_INSECURE_SERVER is "${flag}"; only "1" turns it on)`;
  return (
    'must use https: for a server on another machine: plain http: would send your session ' +
    'token and messages across the network unencrypted. Use an https:// address, or, only on ' +
    `a network you trust, set PARLEY_ALLOW_INSECURE_SERVER=1 to connect anyway${ignored}`
  );
}

/** The remote server's origin, or null when PARLEY_SERVER_URL is unset or blank. */
export function remoteServerUrl(env: Record<string, string | undefined>): string | null {
  const raw = env.PARLEY_SERVER_URL?.trim();
  if (!raw) return null;
  const url = URL.parse(raw);
  const problem = !url
    ? 'is not a URL'
    : url.protocol !== 'http:' && url.protocol !== 'https:'
      ? 'must use http: or https:'
      : url.username || url.password
        ? 'must not contain credentials'
        : url.pathname !== '/' || url.search || url.hash
          ? 'must be an origin only (no path, query or fragment)'
          : insecureProblem(url, env);
  if (problem || !url) {
    throw new InvalidServerUrlError(
      `PARLEY_SERVER_URL ${problem}: "${raw}" (expected e.g. https://chat.example.com:3000)`,
    );
  }
  return url.origin;
}

/** True when the backend is a remote server reached over plain http: (only with the flag). */
export function isInsecureRemote(origin: string): boolean {
  const url = new URL(origin);
  return url.protocol === 'http:' && !isLoopbackHostname(url.hostname);
}
