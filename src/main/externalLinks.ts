// Links leave the app only for the system browser, and only when they are plain web URLs:
// never javascript:, file:, custom schemes or URLs carrying credentials.
import { shell } from 'electron';

export function isSafeExternalUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length > 2048) return false;
  const parsed = URL.parse(url);
  if (!parsed) return false;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  return parsed.hostname !== '' && parsed.username === '' && parsed.password === '';
}

/** Opens `url` in the system browser when it is safe; returns whether it did. */
export async function openExternalSafely(url: unknown): Promise<boolean> {
  if (!isSafeExternalUrl(url)) return false;
  await shell.openExternal(url);
  return true;
}
