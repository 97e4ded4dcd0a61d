// The onboarding machine's three request actors (contracts in machines/onboarding.ts), backed
// by the onboarding connection. Each resolves with the validated ack value or rejects with a
// ProtocolFailure (server error code, or `network` on timeout).
import { fromPromise } from 'xstate';
import {
  type CodeRequested,
  CodeRequestedSchema,
  type CodeVerified,
  CodeVerifiedSchema,
  type CreateUser,
  type UserSignedIn,
  UserSignedInSchema,
} from '../../../server/protocol.ts';
import type { OnboardingConnection } from './onboardingConnection.ts';
import { requestTimeoutMs, settle } from './request.ts';

export interface OnboardingActorOptions {
  timeoutMs?: number;
}

export function createOnboardingActors(
  connection: OnboardingConnection,
  { timeoutMs = requestTimeoutMs }: OnboardingActorOptions = {},
) {
  return {
    requestCode: fromPromise<CodeRequested, { phone: string }>(({ input }) =>
      settle(
        connection.socket().timeout(timeoutMs).emitWithAck('requestVerificationCode', {
          phone: input.phone,
        }),
        CodeRequestedSchema,
      ),
    ),
    verifyCode: fromPromise<CodeVerified, { phone: string; code: string }>(async ({ input }) => {
      const verified = await settle(
        connection.socket().timeout(timeoutMs).emitWithAck('verifyCode', {
          phone: input.phone,
          code: input.code,
        }),
        CodeVerifiedSchema,
      );
      // A returning user is signed in now: the session's own socket takes over.
      if (verified.registered) connection.close();
      return verified;
    }),
    createUser: fromPromise<UserSignedIn, CreateUser>(async ({ input }) => {
      const signedIn = await settle(
        connection.socket().timeout(timeoutMs).emitWithAck('creatingNewUser', {
          phone: input.phone,
          firstName: input.firstName,
          lastName: input.lastName,
          verificationToken: input.verificationToken,
        }),
        UserSignedInSchema,
      );
      connection.close();
      return signedIn;
    }),
  };
}

export type OnboardingActors = ReturnType<typeof createOnboardingActors>;
