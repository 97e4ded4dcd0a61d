import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor, type ActorRefFrom } from 'xstate';
import { appMachine } from '../../../machines/app.ts';
import type { ConversationRef } from '../../../machines/conversation.ts';
import type { MessengerMachine } from '../../../machines/messenger.ts';
import { sessionMachine, type SessionMachine } from '../../../machines/session.ts';
import { conversationSystemId, systemIds } from '../../../machines/system.ts';
import { emptyUnsentState, type UnsentState } from '../../../machines/unsent.ts';
import type { SelfUser } from '../../../server/protocol.ts';
import { me, syncData } from '../../model/fixtures.ts';
import { createScriptedSocket } from '../support/scriptedSocket.ts';
import { serverUrl } from './signedIn.ts';

const savedUnsent: UnsentState = {
  version: 1,
  userId: me.id,
  drafts: { 'c-vegeta': 'where were we' },
  outbox: [
    {
      conversationId: 'c-vegeta',
      text: 'still waiting',
      clientMessageId: 'old-1',
      createdAt: 1,
      failure: null,
    },
  ],
};

/** The app with its stores scripted (`log` says what they were asked) and the scripted socket. */
function start(
  saved: {
    token?: string | null | Error;
    unsent?: UnsentState | Error;
    online?: boolean;
    randomId?: () => string;
  } = {},
) {
  const log: string[] = [];
  const scripted = createScriptedSocket();
  const answer = <T>(value: T | Error) => (value instanceof Error ? Promise.reject(value) : value);
  const actor = createActor(
    appMachine.provide({
      actors: {
        loadSessionToken: fromPromise(async () => {
          log.push('loadSessionToken');
          return answer(saved.token === undefined ? 'saved' : saved.token);
        }),
        loadUnsent: fromPromise(async () => {
          log.push('loadUnsent');
          return answer(saved.unsent ?? emptyUnsentState);
        }),
        saveSessionToken: fromPromise<void, { token: string }>(async ({ input }) => {
          log.push(`saveSessionToken ${input.token}`);
        }),
        forgetSession: fromPromise<void, { keepUnsent: boolean }>(async ({ input }) => {
          log.push(`forgetSession keepUnsent=${input.keepUnsent}`);
        }),
        session: sessionMachine.provide({ actors: { socket: scripted.actor } }),
      },
    }),
    {
      input: {
        serverUrl,
        locale: 'en-US',
        online: saved.online ?? true,
        clientIdPrefix: 'run1',
        now: () => 0,
        random: () => 0,
        ...(saved.randomId ? { randomId: saved.randomId } : {}),
      },
    },
  ).start();
  const session = () =>
    actor.system.get(systemIds.session) as ActorRefFrom<SessionMachine> | undefined;
  const messenger = () =>
    actor.system.get(systemIds.messenger) as ActorRefFrom<MessengerMachine> | undefined;
  const conversation = (id: string) =>
    actor.system.get(conversationSystemId(id)) as ConversationRef | undefined;
  const signedIn = () => waitFor(actor, (s) => s.matches('signedIn'));
  const onboarding = () => waitFor(actor, (s) => s.matches('onboarding'));
  return { actor, log, scripted, session, messenger, conversation, signedIn, onboarding };
}

describe('app machine', () => {
  it('restores a saved session and what was left unsent straight into the signed-in system', async () => {
    const app = start({ unsent: savedUnsent });
    await app.signedIn();
    expect(app.log).toEqual(['loadSessionToken', 'loadUnsent']);
    expect(app.scripted.attempts.map((a) => a.input)).toEqual([{ url: serverUrl, token: 'saved' }]);
    app.scripted.connect();
    app.scripted.sync(syncData());
    expect(app.conversation('c-vegeta')?.getSnapshot().context.draft).toBe('where were we');
    expect(app.scripted.sentIds()).toEqual(['old-1']);
  });

  it('without a saved session, onboarding; its result is saved and the signed-in system starts with it', async () => {
    const app = start({ token: null });
    await app.onboarding();
    expect(app.actor.getSnapshot().children.onboarding).toBeDefined();
    // Finish onboarding as its invoke would.
    app.actor.send({
      type: 'xstate.done.actor.onboarding',
      output: { user: me, sessionToken: 'fresh' },
    } as never);
    await app.signedIn();
    // What this user may have left unsent when their last session was refused is read too.
    expect(app.log).toEqual(['loadSessionToken', 'saveSessionToken fresh', 'loadUnsent']);
    expect(app.scripted.attempts.map((a) => a.input.token)).toEqual(['fresh']);
    expect(app.actor.getSnapshot().context.user).toEqual(me);
    expect(app.session()?.getSnapshot().matches('connection')).toBe(true);
    expect(app.messenger()?.getSnapshot().value).toBe('loading');
  });

  it('a token store that fails counts as nothing saved; an unreadable unsent state as nothing unsent', async () => {
    const noToken = start({ token: new Error('unreadable') });
    await noToken.onboarding();
    const noUnsent = start({ unsent: new Error('unreadable') });
    await noUnsent.signedIn();
    noUnsent.scripted.connect();
    noUnsent.scripted.sync(syncData());
    expect(noUnsent.conversation('c-vegeta')?.getSnapshot().context.draft).toBe('');
    expect(noUnsent.scripted.sentIds()).toEqual([]);
  });

  it('the session, the messenger and the conversations reach each other through the system', async () => {
    const app = start();
    await app.signedIn();
    app.scripted.connect();
    app.scripted.sync(syncData());
    expect(app.messenger()?.getSnapshot().matches('ready')).toBe(true);
    const vegeta = app.conversation('c-vegeta')!;
    vegeta.send({ type: 'draft.changed', text: 'Hi' });
    vegeta.send({ type: 'message.submitted' });
    expect(app.scripted.commands).toEqual([
      { type: 'requestConversationsAndUsers' },
      { type: 'isDrafting', conversationId: 'c-vegeta', isDrafting: true },
      { type: 'isDrafting', conversationId: 'c-vegeta', isDrafting: false },
      { type: 'sendMessage', conversationId: 'c-vegeta', text: 'Hi', clientMessageId: 'run1-1-1' },
    ]);
  });

  it('sign-out revokes the token on the live socket, then forgets the session and the unsent state', async () => {
    const app = start({ unsent: savedUnsent });
    await app.signedIn();
    app.scripted.connect();
    app.scripted.sync(syncData());
    app.actor.send({ type: 'signOut.requested' });
    expect(app.session()?.getSnapshot().matches({ connection: 'signingOut' })).toBe(true);
    expect(app.scripted.commands.at(-1)).toEqual({ type: 'signOut' });
    expect(app.scripted.attempts).toHaveLength(1);
    expect(app.log).not.toContain('forgetSession');
    app.scripted.session({ type: 'signOut.done' });
    await app.onboarding();
    expect(app.log).toEqual(['loadSessionToken', 'loadUnsent', 'forgetSession keepUnsent=false']);
    const { context } = app.actor.getSnapshot();
    expect(context.notice).toBeNull();
    expect(context.sessionToken).toBeNull();
    expect(context.user).toBeNull();
    expect(context.unsent).toEqual(emptyUnsentState);
    expect(app.session()).toBeUndefined();
    expect(app.messenger()).toBeUndefined();
    expect(app.conversation('c-vegeta')).toBeUndefined();
    expect(app.scripted.open).toBe(false);
  });

  it('sign-out while offline forgets the session at once, without a socket', async () => {
    const app = start({ online: false });
    await app.signedIn();
    app.actor.send({ type: 'signOut.requested' });
    await app.onboarding();
    expect(app.scripted.attempts).toEqual([]);
    expect(app.log).toEqual(['loadSessionToken', 'loadUnsent', 'forgetSession keepUnsent=false']);
    expect(app.actor.getSnapshot().context.notice).toBeNull();
  });

  it('a refused token forgets the session (keeping the unsent state) and returns to onboarding with a notice, cleared on signing in', async () => {
    const app = start({ token: 'stale', unsent: savedUnsent });
    await app.signedIn();
    app.scripted.session({
      type: 'socket.authRejected',
      error: { code: 'invalid_token', message: 'invalid_token' },
    });
    await app.onboarding();
    // The stored unsent state stays (bound to its user); the app's copy is let go.
    expect(app.log).toEqual(['loadSessionToken', 'loadUnsent', 'forgetSession keepUnsent=true']);
    expect(app.actor.getSnapshot().context.notice).toMatch(/sign in again/);
    expect(app.actor.getSnapshot().context.sessionToken).toBeNull();
    expect(app.actor.getSnapshot().context.unsent).toEqual(emptyUnsentState);
    app.actor.send({
      type: 'xstate.done.actor.onboarding',
      output: { user: me, sessionToken: 'fresh' },
    } as never);
    await app.signedIn();
    expect(app.actor.getSnapshot().context.notice).toBeNull();
    expect(app.scripted.attempts.map((a) => a.input.token)).toEqual(['stale', 'fresh']);
  });

  describe('after a refused token', () => {
    /** Signed in with a stale token, refused, and signed in again through onboarding as `user`. */
    async function refusedThenSignedInAs(user: SelfUser) {
      const app = start({ token: 'stale', unsent: savedUnsent });
      await app.signedIn();
      app.scripted.session({
        type: 'socket.authRejected',
        error: { code: 'invalid_token', message: 'invalid_token' },
      });
      await app.onboarding();
      app.actor.send({
        type: 'xstate.done.actor.onboarding',
        output: { user, sessionToken: 'fresh' },
      } as never);
      await app.signedIn();
      // The stored unsent state was kept, and is read again for whoever signed in.
      expect(app.log).toEqual([
        'loadSessionToken',
        'loadUnsent',
        'forgetSession keepUnsent=true',
        'saveSessionToken fresh',
        'loadUnsent',
      ]);
      app.scripted.connect();
      const data = syncData();
      data.currentUserId = user.id;
      if (user.id !== me.id) data.users.push(user);
      app.scripted.sync(data);
      return app;
    }

    it('the same person signing in again gets back what they left unsent', async () => {
      const app = await refusedThenSignedInAs(me);
      expect(app.conversation('c-vegeta')?.getSnapshot().context.draft).toBe('where were we');
      expect(app.scripted.sentIds()).toEqual(['old-1']);
    });

    it('someone else signing in on this device gets none of it', async () => {
      const other: SelfUser = { ...me, id: 'u-other', firstName: 'Grace' };
      const app = await refusedThenSignedInAs(other);
      expect(app.conversation('c-vegeta')?.getSnapshot().context.draft).toBe('');
      expect(app.scripted.sentIds()).toEqual([]);
    });
  });

  it('gives the messenger its randomId: message ids are the random ones', async () => {
    let n = 0;
    const app = start({ randomId: () => `rnd${(n += 1)}` });
    await app.signedIn();
    app.scripted.connect();
    app.scripted.sync(syncData());
    const vegeta = app.conversation('c-vegeta')!;
    vegeta.send({ type: 'draft.changed', text: 'Hi' });
    vegeta.send({ type: 'message.submitted' });
    expect(app.scripted.sentIds()).toEqual(['rnd1']);
  });

  it('passes the OS network state to the session', async () => {
    const app = start();
    await app.signedIn();
    app.actor.send({ type: 'network.offline' });
    expect(app.session()?.getSnapshot().value).toBe('offline');
    expect(app.actor.getSnapshot().context.online).toBe(false);
    app.actor.send({ type: 'network.online' });
    expect(app.session()?.getSnapshot().matches('connection')).toBe(true);
    expect(app.scripted.attempts).toHaveLength(2);
  });

  it('starts the session offline when the OS says so at sign-in', async () => {
    const app = start();
    app.actor.send({ type: 'network.offline' });
    await app.signedIn();
    expect(app.session()?.getSnapshot().value).toBe('offline');
    expect(app.scripted.attempts).toEqual([]);
  });

  it('ignores unknown events', async () => {
    const app = start();
    await app.signedIn();
    app.actor.send({ type: 'nonsense' } as never);
    app.actor.send({ type: 'session.bogus' } as never);
    expect(app.actor.getSnapshot().status).toBe('active');
    expect(app.actor.getSnapshot().matches('signedIn')).toBe(true);
  });
});
