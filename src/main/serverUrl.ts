// PARLEY_SERVER_URL names a remote chat server. It must be a plain http(s) origin: a path
// would be read by Socket.IO as a namespace, and credentials in a URL leak into logs.
export class InvalidServerUrlError extends Error {
  override name = 'InvalidServerUrlError';
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
          : null;
  if (problem || !url) {
    throw new InvalidServerUrlError(
      `PARLEY_SERVER_URL ${problem}: "${raw}" (expected e.g. https://chat.example.com:3000)`,
    );
  }
  return url.origin;
}
