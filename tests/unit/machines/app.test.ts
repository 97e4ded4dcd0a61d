import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, waitFor, type AnyActorRef } from 'xstate';
import { appMachine } from '../../../machines/app.ts';
import {
  sessionMachine,
  type SessionEvent,
  type SocketCommand,
} from '../../../machines/session.ts';
import { me, syncData } from '../../model/fixtures.ts';

function start(savedToken: string | null) {
  const log: string[] = [];
  const commands: SocketCommand[] = [];
  let emit: (event: SessionEvent) => void = () => {};
  const actor = createActor(
    appMachine.provide({
      actors: {
        loadSessionToken: fromPromise(async () => savedToken),
        saveSessionToken: fromPromise<void, { token: string }>(async ({ input }) => {
          log.push(`save ${input.token}`);
        }),
        clearSessionToken: fromPromise(async () => {
          log.push('clear');
        }),
        revokeSession: fromPromise<void, { serverUrl: string; token: string }>(
          async ({ input }) => {
            log.push(`revoke ${input.token}`);
          },
        ),
        session: sessionMachine.provide({
          actors: {
            socket: fromCallback<SocketCommand, { url: string; token: string }>(
              ({ sendBack, receive, input }) => {
                log.push(`socket ${input.token}`);
                emit = sendBack as typeof emit;
                receive((command) => commands.push(command));
              },
            ),
          },
        }),
      },
    }),
    {
      input: {
        serverUrl: 'http://127.0.0.1:1',
        locale: 'en-US',
        online: true,
        clientIdPrefix: 'p',
      },
    },
  ).start();
  const child = (id: string) =>
    actor.getSnapshot().children[id as 'session'] as AnyActorRef | undefined;
  return { actor, log, commands, child, emit: (event: SessionEvent) => emit(event) };
}

describe('app machine', () => {
  it('restores a saved session straight into the messenger', async () => {
    const app = start('saved');
    await waitFor(app.actor, (s) => s.matches('signedIn'));
    expect(app.log).toEqual(['socket saved']);
  });

  it('without a saved session, onboarding; its result is saved and the messenger starts', async () => {
    const app = start(null);
    await waitFor(app.actor, (s) => s.matches('onboarding'));
    const onboarding = app.child('onboarding');
    expect(onboarding).toBeDefined();
    // Finish onboarding as its invoke would.
    app.actor.send({
      type: 'xstate.done.actor.onboarding',
      output: { user: me, sessionToken: 'fresh' },
    } as never);
    await waitFor(app.actor, (s) => s.matches('signedIn'));
    expect(app.log).toEqual(['save fresh', 'socket fresh']);
    expect(app.actor.getSnapshot().context.user).toEqual(me);
  });

  it('relays between session and messenger', async () => {
    const app = start('saved');
    await waitFor(app.actor, (s) => s.matches('signedIn'));
    app.emit({ type: 'socket.connected' });
    app.emit({ type: 'socket.synced', data: syncData() });
    const messenger = app.child('messenger')!;
    expect(messenger.getSnapshot().matches('ready')).toBe(true);
    messenger.send({ type: 'conversation.selected', conversationId: 'c-vegeta' });
    messenger.send({ type: 'draft.changed', text: 'Hi' });
    messenger.send({ type: 'message.submitted' });
    expect(app.commands.map((c) => c.type)).toEqual([
      'socket.sync',
      'socket.sendDrafting',
      'socket.sendDrafting',
      'socket.sendMessage',
    ]);
  });

  it('a refused token clears the saved one and returns to onboarding with a notice', async () => {
    const app = start('stale');
    await waitFor(app.actor, (s) => s.matches('signedIn'));
    app.emit({
      type: 'socket.authRejected',
      error: { code: 'invalid_token', message: 'invalid_token' },
    });
    await waitFor(app.actor, (s) => s.matches('onboarding'));
    expect(app.log).toEqual(['socket stale', 'clear']);
    expect(app.actor.getSnapshot().context.notice).toMatch(/sign in again/);
    expect(app.actor.getSnapshot().context.sessionToken).toBeNull();
  });

  it('sign out revokes, clears and returns to onboarding', async () => {
    const app = start('saved');
    await waitFor(app.actor, (s) => s.matches('signedIn'));
    app.actor.send({ type: 'signOut.requested' });
    await waitFor(app.actor, (s) => s.matches('onboarding'));
    expect(app.log).toEqual(['socket saved', 'revoke saved', 'clear']);
    expect(app.child('session')).toBeUndefined();
  });

  it('passes the OS network state to the session', async () => {
    const app = start('saved');
    await waitFor(app.actor, (s) => s.matches('signedIn'));
    app.actor.send({ type: 'network.offline' });
    expect(app.child('session')?.getSnapshot().value).toBe('offline');
    app.actor.send({ type: 'network.online' });
    expect(app.child('session')?.getSnapshot().matches('connection')).toBe(true);
  });

  it('ignores unknown events', async () => {
    const app = start('saved');
    await waitFor(app.actor, (s) => s.matches('signedIn'));
    app.actor.send({ type: 'nonsense' } as never);
    app.actor.send({ type: 'session.bogus' } as never);
    expect(app.actor.getSnapshot().status).toBe('active');
    expect(app.actor.getSnapshot().matches('signedIn')).toBe(true);
  });
});
