// The `client` a session records (a User-Agent) is shown in the user's list of sessions. The
// caller already bounds it; every store bounds it again so no caller can grow a row without
// limit, and all three stores keep exactly the same text.
/** The most UTF-16 code units a session's `client` keeps. */
export const maxClientLength = 200;

/**
 * At most `maxClientLength` code units, never ending in half an emoji. Lone surrogates become
 * U+FFFD (what the UTF-8 databases would make of them anyway) and NUL is dropped (PostgreSQL
 * text cannot hold it), so every store returns the same string it was given.
 */
export function boundClient(client: string): string {
  const clean = client.toWellFormed().replaceAll('\u0000', '');
  if (clean.length <= maxClientLength) return clean;
  const last = clean.charCodeAt(maxClientLength - 1);
  const splitsPair = last >= 0xd800 && last <= 0xdbff;
  return clean.slice(0, splitsPair ? maxClientLength - 1 : maxClientLength);
}
