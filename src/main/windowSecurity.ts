// Per-window hardening: no new windows (safe web links go to the system browser instead) and
// no navigation away from the window's own app page.
import type { WebContents } from 'electron';
import type { AppPages } from './appPages.ts';
import { openExternalSafely } from './externalLinks.ts';

export function hardenWebContents(contents: WebContents, appPages: AppPages): void {
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalSafely(url);
    return { action: 'deny' };
  });

  contents.on('will-navigate', (event, url) => {
    const target = appPages.entryOf(url);
    if (target !== null && target === appPages.entryOf(contents.getURL())) return;
    event.preventDefault();
    // A plain link clicked in a message: the user meant to open it, so hand it to the browser.
    void openExternalSafely(url);
  });

  // Parley uses no <webview>; refuse any attempt to attach one.
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
