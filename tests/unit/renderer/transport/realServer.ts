// Test support: a real chat server on 127.0.0.1:0 and a sign-up through the real onboarding
// actors, so transport tests exercise the wire contract end to end.
import { createActor, toPromise, type AnyActorLogic } from 'xstate';
import { createChatServer, type ChatServer } from '../../../../server/chatServer.ts';
import { createDevelopmentCodeSender } from '../../../../server/codeSender.ts';
import { silentLogger } from '../../../../server/logger.ts';
import type { SelfUser } from '../../../../server/protocol.ts';
import { createOnboardingActors } from '../../../../src/renderer/transport/onboardingActors.ts';
import {
  createOnboardingConnection,
  type OnboardingConnection,
} from '../../../../src/renderer/transport/onboardingConnection.ts';

export function startServer(): Promise<ChatServer> {
  return createChatServer({
    codeSender: createDevelopmentCodeSender({ print: () => {} }),
    logger: silentLogger,
  });
}

/** Runs a promise actor to completion (resolves or rejects like the actor). */
export function run<T>(logic: AnyActorLogic, input: unknown): Promise<T> {
  return toPromise(createActor(logic, { input }).start()) as Promise<T>;
}

/** The next simulated SMS for `phone` on this connection. */
export function nextCode(connection: OnboardingConnection, phone: string): Promise<string> {
  return new Promise((resolve) => {
    const stop = connection.onCodeDelivered((delivery) => {
      if (delivery.phone !== phone) return;
      stop();
      resolve(delivery.code);
    });
  });
}

let phoneCounter = 0;
/** A distinct valid US number per call. */
export function freshPhone(): string {
  phoneCounter += 1;
  return `+1415555${String(1000 + phoneCounter).padStart(4, '0')}`;
}

/** Signs a new person up over the wire; returns their user and session token. */
export async function signUp(
  url: string,
  firstName = 'Ada',
  lastName = 'Lovelace',
): Promise<{ user: SelfUser; sessionToken: string; phone: string }> {
  const connection = createOnboardingConnection(url);
  const actors = createOnboardingActors(connection);
  const phone = freshPhone();
  try {
    const code = nextCode(connection, phone);
    await run(actors.requestCode, { phone });
    const verified = await run<{ verificationToken: string }>(actors.verifyCode, {
      phone,
      code: await code,
    });
    const signedIn = await run<{ user: SelfUser; sessionToken: string }>(actors.createUser, {
      phone,
      firstName,
      lastName,
      verificationToken: verified.verificationToken,
    });
    return { ...signedIn, phone };
  } finally {
    connection.close();
  }
}
