// The app machine's own actors (contracts in machines/app.ts): the saved session token and the
// unsent state go through the platform (safeStorage in Electron, localStorage on the web).
// Sign-out needs none: the session signs out on its own live socket.
import { fromPromise } from 'xstate';
import { parseUnsentState, type UnsentState } from '../../../machines/unsent.ts';
import type { Platform } from '../platform/Platform.ts';

export function createAppActors(platform: Platform) {
  return {
    loadSessionToken: fromPromise<string | null>(() => platform.getSessionToken()),
    loadUnsent: fromPromise<UnsentState>(async () => parseUnsentState(await platform.loadUnsent())),
    saveSessionToken: fromPromise<void, { token: string }>(({ input }) =>
      platform.setSessionToken(input.token),
    ),
    forgetSession: fromPromise<void, { keepUnsent: boolean }>(async ({ input }) => {
      // Both, even when one fails: nothing of a signed-out session may stay behind. (What is
      // kept after a refused token is bound to its user: nobody else gets it back.)
      const results = await Promise.allSettled([
        platform.setSessionToken(null),
        input.keepUnsent ? Promise.resolve() : platform.saveUnsent(null),
      ]);
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    }),
  };
}
