// Work that must end before the process does (the embedded server closing its sockets, the
// last save of the unsent state) holds the quit until it is done, or until its time is up, so
// a stuck server or disk never keeps the app from quitting.
import type { App } from 'electron';

/** How long quitting waits for one piece of work. */
export const quitHoldTimeoutMs = 3_000;

/**
 * On will-quit, runs `work` once and holds every quit until it settles or `timeoutMs` passed,
 * then quits. Each hold is asked again on that quit (Electron emits will-quit anew), so several
 * run side by side and the app exits once the last one lets go.
 */
export function holdQuitUntil(
  app: Pick<App, 'on' | 'quit'>,
  work: () => Promise<void>,
  failure: string,
  timeoutMs = quitHoldTimeoutMs,
): void {
  let done = false;
  let waiting = false;
  app.on('will-quit', (event) => {
    if (done) return;
    event.preventDefault();
    if (waiting) return;
    waiting = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    Promise.race([work(), timeout])
      .catch((error: unknown) => console.error(`Parley: ${failure}`, error))
      .finally(() => {
        clearTimeout(timer);
        done = true;
        app.quit();
      });
  });
}
