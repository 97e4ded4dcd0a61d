// The unauthenticated socket onboarding talks over. It opens on the first request and closes
// once onboarding has produced a session (the session machine then opens its own, with the
// token), so a signed-in user never keeps a second socket open.
import {
  type VerificationCodeDelivered,
  VerificationCodeDeliveredSchema,
} from '../../../server/protocol.ts';
import { createSocket, type ParleySocket } from './socket.ts';

export type CodeDeliveredListener = (delivery: VerificationCodeDelivered) => void;

export interface OnboardingConnection {
  /** The connected (or connecting) socket; opens one if none is open. */
  socket(): ParleySocket;
  /** Hears the simulated SMS (`verificationCodeDelivered`); returns the unsubscribe function. */
  onCodeDelivered(listener: CodeDeliveredListener): () => void;
  /** Closes the socket; the next request opens a new one. */
  close(): void;
}

export function createOnboardingConnection(serverUrl: string): OnboardingConnection {
  let current: ParleySocket | null = null;
  const listeners = new Set<CodeDeliveredListener>();

  const open = (): ParleySocket => {
    const socket = createSocket(serverUrl);
    socket.on('verificationCodeDelivered', (payload) => {
      const parsed = VerificationCodeDeliveredSchema.safeParse(payload);
      if (!parsed.success) return;
      for (const listener of listeners) listener(parsed.data);
    });
    socket.connect();
    return socket;
  };

  return {
    socket() {
      current ??= open();
      return current;
    },
    onCodeDelivered(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      current?.removeAllListeners();
      current?.disconnect();
      current = null;
    },
  };
}
