import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import type { CodeVerified, CreateUser, UserSignedIn } from '../../../server/protocol.ts';
import { onboardingMachine } from '../../../machines/onboarding.ts';
import { ProtocolFailure } from '../../../machines/protocolFailure.ts';
import { me } from '../../model/fixtures.ts';

const codeSent = { resendAfterMs: 30_000, expiresInMs: 600_000 };

/** An onboarding actor whose server answers are scripted per call. */
function start(answers: {
  requestCode?: (input: { phone: string }) => Promise<typeof codeSent>;
  verifyCode?: (input: { phone: string; code: string }) => Promise<CodeVerified>;
  createUser?: (input: CreateUser) => Promise<UserSignedIn>;
}) {
  const calls: { actor: string; input: unknown }[] = [];
  const record =
    <I, O>(actor: string, answer?: (input: I) => Promise<O>) =>
    ({ input }: { input: I }) => {
      calls.push({ actor, input });
      return answer ? answer(input) : new Promise<O>(() => {});
    };
  const clock = new SimulatedClock();
  const actor = createActor(
    onboardingMachine.provide({
      actors: {
        requestCode: fromPromise(
          record('requestCode', answers.requestCode ?? (async () => codeSent)),
        ),
        verifyCode: fromPromise(record('verifyCode', answers.verifyCode)),
        createUser: fromPromise<UserSignedIn, CreateUser>(record('createUser', answers.createUser)),
      },
    }),
    { input: { locale: 'en-US', now: () => clock.now() }, clock },
  ).start();
  return { actor, calls, clock };
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function toCodeStep(setup: ReturnType<typeof start>) {
  setup.actor.send({ type: 'phone.changed', text: '415-555-0132' });
  setup.actor.send({ type: 'phone.submitted' });
  await settle();
  expect(setup.actor.getSnapshot().matches('code')).toBe(true);
}

describe('onboarding machine', () => {
  it('sends the E.164 number and refuses Next for an incomplete one', async () => {
    const setup = start({});
    setup.actor.send({ type: 'phone.changed', text: '415555' });
    setup.actor.send({ type: 'phone.submitted' });
    expect(setup.actor.getSnapshot().value).toBe('phone');
    await toCodeStep(setup);
    expect(setup.calls[0]).toEqual({ actor: 'requestCode', input: { phone: '+14155550132' } });
  });

  it('a full code submits itself; a new user names themselves and is created', async () => {
    const setup = start({
      verifyCode: async () => ({ registered: false, verificationToken: 'vt' }),
      createUser: async () => ({ user: me, sessionToken: 'st' }),
    });
    await toCodeStep(setup);
    setup.actor.send({ type: 'code.changed', text: '12a3-456' });
    expect(setup.calls.at(-1)).toEqual({
      actor: 'verifyCode',
      input: { phone: '+14155550132', code: '123456' },
    });
    await settle();
    expect(setup.actor.getSnapshot().value).toBe('name');
    setup.actor.send({ type: 'firstName.changed', text: ' Al ' });
    setup.actor.send({ type: 'lastName.changed', text: 'Lovelace' });
    setup.actor.send({ type: 'name.submitted' });
    expect(setup.actor.getSnapshot().value).toBe('name');
    setup.actor.send({ type: 'firstName.changed', text: '  Ada ' });
    setup.actor.send({ type: 'name.submitted' });
    expect(setup.calls.at(-1)).toEqual({
      actor: 'createUser',
      input: {
        phone: '+14155550132',
        firstName: 'Ada',
        lastName: 'Lovelace',
        verificationToken: 'vt',
      },
    });
    await settle();
    expect(setup.actor.getSnapshot().status).toBe('done');
    expect(setup.actor.getSnapshot().output).toEqual({ user: me, sessionToken: 'st' });
  });

  it('a registered phone skips the name step', async () => {
    const setup = start({
      verifyCode: async () => ({
        registered: true,
        verificationToken: 'vt',
        user: me,
        sessionToken: 'st',
      }),
    });
    await toCodeStep(setup);
    setup.actor.send({ type: 'code.pasted', text: ' 654 321 ' });
    await settle();
    expect(setup.actor.getSnapshot().output).toEqual({ user: me, sessionToken: 'st' });
    expect(setup.calls.some((call) => call.actor === 'createUser')).toBe(false);
  });

  it('a wrong code stays, clears the field and says how many tries are left', async () => {
    const setup = start({
      verifyCode: async () => {
        throw new ProtocolFailure({ code: 'code_incorrect', message: 'wrong', triesLeft: 3 });
      },
    });
    await toCodeStep(setup);
    setup.actor.send({ type: 'code.changed', text: '111111' });
    await settle();
    const { context } = setup.actor.getSnapshot();
    expect(setup.actor.getSnapshot().matches({ code: { entry: 'editing' } })).toBe(true);
    expect(context.code).toBe('');
    expect(context.triesLeft).toBe(3);
    expect(context.failure?.message).toMatch(/3 tries left/);
  });

  it('an expired code says so and offers resend at once', async () => {
    const setup = start({
      verifyCode: async () => {
        throw new ProtocolFailure({ code: 'code_expired', message: 'expired' });
      },
    });
    await toCodeStep(setup);
    expect(setup.actor.getSnapshot().can({ type: 'code.resendRequested' })).toBe(false);
    setup.actor.send({ type: 'code.changed', text: '111111' });
    await settle();
    expect(setup.actor.getSnapshot().context.failure?.message).toMatch(/expired/);
    expect(setup.actor.getSnapshot().can({ type: 'code.resendRequested' })).toBe(true);
  });

  it('a dead code stays dead (typing does not revive it) until a new one is sent', async () => {
    let resend: () => void = () => {};
    let requests = 0;
    const setup = start({
      requestCode: () => {
        requests += 1;
        return requests === 1
          ? Promise.resolve(codeSent)
          : new Promise((resolve) => (resend = () => resolve(codeSent)));
      },
      verifyCode: async () => {
        throw new ProtocolFailure({ code: 'code_dead', message: 'dead' });
      },
    });
    await toCodeStep(setup);
    const sentCode = () => setup.actor.getSnapshot().matches({ code: { sentCode: 'usable' } });
    expect(sentCode()).toBe(true);
    setup.actor.send({ type: 'code.changed', text: '111111' });
    await settle();
    expect(setup.actor.getSnapshot().matches({ code: { sentCode: 'dead' } })).toBe(true);
    setup.actor.send({ type: 'code.changed', text: '12' });
    expect(setup.actor.getSnapshot().context.failure).toBeNull();
    expect(sentCode()).toBe(false);
    setup.actor.send({ type: 'code.resendRequested' });
    await settle();
    expect(sentCode()).toBe(false);
    resend();
    await settle();
    expect(sentCode()).toBe(true);
  });

  it('resend is offered only after the server countdown', async () => {
    const setup = start({});
    await toCodeStep(setup);
    expect(setup.actor.getSnapshot().context.resendAvailableAt).toBe(30_000);
    setup.clock.increment(29_999);
    expect(setup.actor.getSnapshot().can({ type: 'code.resendRequested' })).toBe(false);
    setup.clock.increment(1);
    expect(setup.actor.getSnapshot().can({ type: 'code.resendRequested' })).toBe(true);
    setup.actor.send({ type: 'code.resendRequested' });
    await settle();
    expect(setup.calls.filter((call) => call.actor === 'requestCode')).toHaveLength(2);
    expect(setup.actor.getSnapshot().matches({ code: { resend: 'countingDown' } })).toBe(true);
  });

  it('"change number" goes back with the number kept', async () => {
    const setup = start({});
    await toCodeStep(setup);
    setup.actor.send({ type: 'phone.editRequested' });
    expect(setup.actor.getSnapshot().value).toBe('phone');
    expect(setup.actor.getSnapshot().context.phoneFormatted).toBe('415-555-0132');
  });

  it('a server error keeps the input, explains, and allows retry', async () => {
    let fail = true;
    const setup = start({
      requestCode: async () => {
        if (fail) throw new Error('socket closed');
        return codeSent;
      },
    });
    setup.actor.send({ type: 'phone.changed', text: '4155550132' });
    setup.actor.send({ type: 'phone.submitted' });
    await settle();
    const { context, value } = setup.actor.getSnapshot();
    expect(value).toBe('phone');
    expect(context.phoneFormatted).toBe('415-555-0132');
    expect(context.failure).toEqual({
      code: 'network',
      message: expect.stringMatching(/reach the server/),
    });
    fail = false;
    setup.actor.send({ type: 'phone.submitted' });
    await settle();
    expect(setup.actor.getSnapshot().matches('code')).toBe(true);
  });

  // Payload shapes are the views' types' business (TypeScript), not guards': the machine
  // turns away what its guards judge on content, and ignores events it does not know.
  it('ignores unknown events, an unsupported country and steps out of order', () => {
    const setup = start({});
    const before = setup.actor.getSnapshot().context;
    for (const event of [
      { type: 'nonsense' },
      { type: 'country.changed', country: 'XX' },
      { type: 'code.changed', text: '123456' },
      { type: 'firstName.changed', text: 'Goku' },
      { type: 'phone.submitted' },
    ]) {
      setup.actor.send(event as never);
    }
    expect(setup.actor.getSnapshot().status).toBe('active');
    expect(setup.actor.getSnapshot().value).toBe('phone');
    expect(setup.actor.getSnapshot().context).toEqual(before);
  });
});
