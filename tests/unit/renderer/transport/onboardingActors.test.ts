import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { onboardingMachine } from '../../../../machines/onboarding.ts';
import { ProtocolFailure } from '../../../../machines/protocolFailure.ts';
import type { ChatServer } from '../../../../server/chatServer.ts';
import type { CodeRequested, CodeVerified } from '../../../../server/protocol.ts';
import { createOnboardingActors } from '../../../../src/renderer/transport/onboardingActors.ts';
import {
  createOnboardingConnection,
  type OnboardingConnection,
} from '../../../../src/renderer/transport/onboardingConnection.ts';
import { freshPhone, nextCode, run, startServer } from './realServer.ts';

let server: ChatServer;
let connection: OnboardingConnection;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
afterEach(() => connection?.close());

function connect() {
  connection = createOnboardingConnection(server.url);
  return createOnboardingActors(connection);
}

async function failureOf(promise: Promise<unknown>): Promise<ProtocolFailure> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProtocolFailure);
  return error as ProtocolFailure;
}

describe('onboarding actors against a real server', () => {
  it('requests a code, whose simulated SMS arrives on the connection', async () => {
    const actors = connect();
    const phone = freshPhone();
    const delivered = nextCode(connection, phone);
    const requested = await run<CodeRequested>(actors.requestCode, { phone });
    expect(requested.resendAfterMs).toBeGreaterThan(0);
    expect(requested.expiresInMs).toBeGreaterThan(0);
    expect(await delivered).toMatch(/^\d{6}$/);
  });

  it('turns a too-early resend into resend_too_soon with the wait', async () => {
    const actors = connect();
    const phone = freshPhone();
    await run(actors.requestCode, { phone });
    const failure = await failureOf(run(actors.requestCode, { phone }));
    expect(failure.code).toBe('resend_too_soon');
    expect(failure.retryAfterMs).toBeGreaterThan(0);
  });

  it('turns a wrong code into code_incorrect with the tries left', async () => {
    const actors = connect();
    const phone = freshPhone();
    const delivered = nextCode(connection, phone);
    await run(actors.requestCode, { phone });
    const wrong = (await delivered) === '000000' ? '111111' : '000000';
    const failure = await failureOf(run(actors.verifyCode, { phone, code: wrong }));
    expect(failure.code).toBe('code_incorrect');
    expect(failure.triesLeft).toBe(4);
  });

  it('passes the server’s validation error through (a number that is not E.164)', async () => {
    const actors = connect();
    const failure = await failureOf(run(actors.requestCode, { phone: '415-555' }));
    expect(failure.code).toBe('invalid_payload');
  });

  it('reports network when the server does not answer in time', async () => {
    const down = await startServer();
    const url = down.url;
    await down.close();
    connection = createOnboardingConnection(url);
    const actors = createOnboardingActors(connection, { timeoutMs: 300 });
    const failure = await failureOf(run(actors.requestCode, { phone: freshPhone() }));
    expect(failure.code).toBe('network');
  });

  it('signs a new person up, then signs them in again as a registered user', async () => {
    const actors = connect();
    const phone = freshPhone();
    let code = nextCode(connection, phone);
    await run(actors.requestCode, { phone });
    const verified = await run<CodeVerified>(actors.verifyCode, { phone, code: await code });
    expect(verified.registered).toBe(false);
    const signedIn = await run<{
      user: { id: string; firstName: string; phone: string };
      sessionToken: string;
    }>(actors.createUser, {
      phone,
      firstName: 'Ada',
      lastName: 'Lovelace',
      verificationToken: verified.verificationToken,
    });
    expect(signedIn.user).toMatchObject({ firstName: 'Ada', phone });
    expect(signedIn.sessionToken.length).toBeGreaterThan(10);

    code = nextCode(connection, phone);
    await run(actors.requestCode, { phone });
    const again = await run<CodeVerified>(actors.verifyCode, { phone, code: await code });
    expect(again).toMatchObject({ registered: true, user: { id: signedIn.user.id } });
  });

  it('drives the real onboarding machine from phone to done', async () => {
    const actors = connect();
    const actor = createActor(onboardingMachine.provide({ actors }), {
      input: { locale: 'en-US' },
    }).start();
    const code = nextCode(connection, '+14155550199');
    actor.send({ type: 'phone.changed', text: '4155550199' });
    actor.send({ type: 'phone.submitted' });
    await waitFor(actor, (snapshot) => snapshot.matches('code'));
    actor.send({ type: 'code.pasted', text: await code });
    await waitFor(actor, (snapshot) => snapshot.matches('name'));
    actor.send({ type: 'firstName.changed', text: 'Grace' });
    actor.send({ type: 'lastName.changed', text: 'Hopper' });
    actor.send({ type: 'name.submitted' });
    const done = await waitFor(actor, (snapshot) => snapshot.status === 'done');
    expect(done.output?.user).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      phone: '+14155550199',
    });
    actor.stop();
  });
});
