// Links in messages leave the app: the desktop app hands them to the system browser through the
// preload bridge's validated `openExternal` IPC (only http and https; src/main/externalLinks.ts),
// a browser tab opens them in a new tab with no opener. The app root provides the platform's way.
import { createContext, useContext } from 'react';
import { isExternalWebUrl } from '../platform/Platform.ts';

export type OpenExternal = (url: string) => void;

/** Without a platform (tests, the visualizer): a new tab, no opener, http(s) only. */
export const openInNewTab: OpenExternal = (url) => {
  if (!isExternalWebUrl(url)) return;
  globalThis.open?.(url, '_blank', 'noopener,noreferrer');
};

export const ExternalLinksContext = createContext<OpenExternal>(openInNewTab);

export const useOpenExternal = (): OpenExternal => useContext(ExternalLinksContext);
