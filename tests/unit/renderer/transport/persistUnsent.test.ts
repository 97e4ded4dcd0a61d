// The messenger's `persistUnsent` actor and the app's platform actors, in the app as
// connectApp builds it: the real app, session, messenger, conversation and outgoing message
// actors, with the scripted socket playing the server and a platform that records what it is
// asked to keep. Time is faked, so "after the delay" is exact.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, setup, toPromise, waitFor, type Actor, type AnyActorLogic } from 'xstate';
import { appMachine } from '../../../../machines/app.ts';
import type { ConversationRef } from '../../../../machines/conversation.ts';
import { messengerMachine } from '../../../../machines/messenger.ts';
import { sessionMachine } from '../../../../machines/session.ts';
import { conversationSystemId, systemIds } from '../../../../machines/system.ts';
import { emptyUnsentState, type UnsentState } from '../../../../machines/unsent.ts';
import type { ConversationsAndUsers, Message, User } from '../../../../server/protocol.ts';
import { Platform, PlatformStorageError } from '../../../../src/renderer/platform/Platform.ts';
import { createAppActors } from '../../../../src/renderer/transport/appActors.ts';
import {
  createPersistUnsentActor,
  draftSaveDelayMs,
} from '../../../../src/renderer/transport/persistUnsent.ts';
import { createScriptedSocket, type ScriptedSocket } from '../../support/scriptedSocket.ts';

/** Keeps what it is given in memory and records every call; `fail*` make the next calls throw. */
class RecordingPlatform extends Platform {
  readonly kind = 'web' as const;
  token: string | null = 'session-token';
  stored: string | null = null;
  /** Every saveUnsent argument, in order, failed ones included. */
  saves: (string | null)[] = [];
  tokenWrites: (string | null)[] = [];
  failSaves = 0;
  failTokenWrites = 0;

  serverUrl(): string {
    return 'http://chat.test';
  }
  override async getSessionToken(): Promise<string | null> {
    return this.token;
  }
  override async setSessionToken(token: string | null): Promise<void> {
    this.tokenWrites.push(token);
    if (this.failTokenWrites > 0) {
      this.failTokenWrites -= 1;
      throw new PlatformStorageError('keychain locked');
    }
    this.token = token;
  }
  override async loadUnsent(): Promise<string | null> {
    return this.stored;
  }
  override async saveUnsent(json: string | null): Promise<void> {
    this.saves.push(json);
    if (this.failSaves > 0) {
      this.failSaves -= 1;
      throw new PlatformStorageError('disk full');
    }
    this.stored = json;
  }
}

const ada: User = {
  id: 'u-ada',
  firstName: 'Ada',
  lastName: 'Lovelace',
  avatar: { initials: 'AL', color: '#336699' },
};
const grace: User = {
  id: 'u-grace',
  firstName: 'Grace',
  lastName: 'Hopper',
  avatar: { initials: 'GH', color: '#993366' },
};

const syncData: ConversationsAndUsers = {
  currentUserId: ada.id,
  users: [ada, grace],
  conversations: ['c-1', 'c-2'].map((id) => ({
    id,
    kind: 'direct' as const,
    title: id,
    lastMessage: null,
    drafting: [],
    memberIds: [ada.id, grace.id],
    messages: [],
    hasMore: false,
  })),
};

function stored(message: { conversationId: string; text: string; clientMessageId: string }) {
  return {
    id: `m-${message.clientMessageId}`,
    conversationId: message.conversationId,
    authorId: ada.id,
    text: message.text,
    sentAt: 1,
    seq: 0,
    clientMessageId: message.clientMessageId,
  } satisfies Message;
}

interface Running {
  app: Actor<typeof appMachine>;
  platform: RecordingPlatform;
  socket: ScriptedSocket;
  page: EventTarget;
  conversation(id: string): ConversationRef;
  /** What the platform was asked to keep since the sign-in, parsed (null: nothing). */
  saved(): (UnsentState | null)[];
}

let running: Running | null = null;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  running?.app.stop();
  running = null;
  vi.useRealTimers();
});

/** Lets the platform's promises settle. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** The app as connectApp builds it, signed in with a saved token and synced. */
async function signedIn(platform = new RecordingPlatform()): Promise<Running> {
  const socket = createScriptedSocket();
  const page = new EventTarget();
  const machine = appMachine.provide({
    actors: {
      ...createAppActors(platform),
      session: sessionMachine.provide({ actors: { socket: socket.actor } }),
      messenger: messengerMachine.provide({
        actors: {
          persistUnsent: createPersistUnsentActor(platform, {
            target: page as unknown as Window,
          }),
        },
      }),
    },
  });
  let now = 1_000;
  const app = createActor(machine, {
    input: {
      serverUrl: platform.serverUrl(),
      locale: 'en-US',
      online: true,
      clientIdPrefix: 'run',
      now: () => (now += 1),
      random: () => 0,
    },
  }).start();
  await waitFor(app, (s) => s.matches('signedIn'));
  socket.connect();
  socket.sync(syncData);
  await settle();
  const conversation = (id: string) => app.system.get(conversationSystemId(id)) as ConversationRef;
  expect(conversation('c-1')).toBeDefined();
  const since = platform.saves.length;
  running = {
    app,
    platform,
    socket,
    page,
    conversation,
    saved: () =>
      platform.saves.slice(since).map((json) => (json === null ? null : JSON.parse(json))),
  };
  return running;
}

const type = (conversation: ConversationRef, text: string) =>
  conversation.send({ type: 'draft.changed', text });

describe('persistUnsent', () => {
  it('writes nothing at sign-in: what the actors hold is what the platform keeps', async () => {
    const platform = new RecordingPlatform();
    await signedIn(platform);
    await vi.advanceTimersByTimeAsync(10 * draftSaveDelayMs);
    expect(platform.saves).toEqual([]);
  });

  it('saves a sent message at once, without the draft it was', async () => {
    const { conversation, saved, socket } = await signedIn();
    const c1 = conversation('c-1');
    type(c1, 'Hello');
    expect(saved()).toEqual([]);
    c1.send({ type: 'message.submitted' });
    const [clientMessageId] = socket.sentIds();
    // Saved in the same task (a microtask after the change), not after the draft delay.
    await Promise.resolve();
    expect(saved()).toEqual([
      {
        version: 1,
        userId: ada.id,
        drafts: {},
        outbox: [
          {
            conversationId: 'c-1',
            text: 'Hello',
            clientMessageId,
            createdAt: expect.any(Number),
            failure: null,
          },
        ],
      },
    ]);
    // The draft's pending save has nothing left to add.
    await vi.advanceTimersByTimeAsync(10 * draftSaveDelayMs);
    expect(saved()).toHaveLength(1);
  });

  it('saves a draft being typed once, after the delay', async () => {
    const { conversation, saved } = await signedIn();
    const c1 = conversation('c-1');
    type(c1, 'H');
    type(c1, 'He');
    type(c1, 'Hel');
    await vi.advanceTimersByTimeAsync(draftSaveDelayMs - 1);
    expect(saved()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved()).toEqual([{ version: 1, userId: ada.id, drafts: { 'c-1': 'Hel' }, outbox: [] }]);
    // The drafting signal times out and the composer goes quiet: nothing new to keep.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(saved()).toHaveLength(1);
  });

  it('does not hold the save back while typing goes on', async () => {
    const { conversation, saved } = await signedIn();
    const c1 = conversation('c-1');
    let text = '';
    for (let keystroke = 0; keystroke < 10; keystroke += 1) {
      text += 'x';
      type(c1, text);
      await vi.advanceTimersByTimeAsync(draftSaveDelayMs / 4);
    }
    // Ten keystrokes over 2.5 delays: saved at the end of each delay, never more often.
    expect(saved().map((state) => state?.drafts['c-1'])).toEqual(['xxxx', 'xxxxxxxx']);
  });

  it('does not save the same state twice', async () => {
    const { conversation, saved, page } = await signedIn();
    const c1 = conversation('c-1');
    type(c1, 'a');
    await vi.advanceTimersByTimeAsync(draftSaveDelayMs);
    expect(saved()).toHaveLength(1);
    type(c1, 'ab');
    type(c1, 'a');
    await vi.advanceTimersByTimeAsync(draftSaveDelayMs);
    page.dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(saved()).toEqual([{ version: 1, userId: ada.id, drafts: { 'c-1': 'a' }, outbox: [] }]);
  });

  it('keeps drafts and messages of several conversations together, and saves null once all is sent', async () => {
    const { conversation, saved, socket } = await signedIn();
    type(conversation('c-2'), 'later');
    type(conversation('c-1'), 'first');
    conversation('c-1').send({ type: 'message.submitted' });
    const [clientMessageId] = socket.sentIds();
    await Promise.resolve();
    expect(saved().at(-1)).toMatchObject({
      drafts: { 'c-2': 'later' },
      outbox: [{ conversationId: 'c-1', text: 'first', clientMessageId }],
    });
    socket.ack(
      clientMessageId!,
      stored({ conversationId: 'c-1', text: 'first', clientMessageId: clientMessageId! }),
    );
    await Promise.resolve();
    expect(saved().at(-1)).toEqual({
      version: 1,
      userId: ada.id,
      drafts: { 'c-2': 'later' },
      outbox: [],
    });
    type(conversation('c-2'), '');
    await vi.advanceTimersByTimeAsync(draftSaveDelayMs);
    // Everything sent and no draft: null, so the platform keeps nothing.
    expect(saved().at(-1)).toBeNull();
    const count = saved().length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(saved()).toHaveLength(count);
  });

  it('tries a failed save again on the next change', async () => {
    const { conversation, saved, platform } = await signedIn();
    const c1 = conversation('c-1');
    platform.failSaves = 1;
    type(c1, 'a');
    await vi.advanceTimersByTimeAsync(draftSaveDelayMs);
    expect(saved()).toEqual([{ version: 1, userId: ada.id, drafts: { 'c-1': 'a' }, outbox: [] }]);
    expect(platform.stored).toBeNull();
    type(c1, 'ab');
    await vi.advanceTimersByTimeAsync(draftSaveDelayMs);
    expect(saved()).toHaveLength(2);
    expect(platform.stored).toBe(
      JSON.stringify({ version: 1, userId: ada.id, drafts: { 'c-1': 'ab' }, outbox: [] }),
    );
  });

  it('tries a failed save again even when the change brings back what failed', async () => {
    const { conversation, saved, platform } = await signedIn();
    const c1 = conversation('c-1');
    platform.failSaves = 1;
    type(c1, 'a');
    await vi.advanceTimersByTimeAsync(draftSaveDelayMs);
    type(c1, 'ab');
    type(c1, 'a');
    await vi.advanceTimersByTimeAsync(draftSaveDelayMs);
    expect(saved()).toHaveLength(2);
    expect(platform.stored).toBe(
      JSON.stringify({ version: 1, userId: ada.id, drafts: { 'c-1': 'a' }, outbox: [] }),
    );
  });

  it('saves a pending draft at once when the page goes away', async () => {
    const { conversation, saved, page } = await signedIn();
    type(conversation('c-1'), 'unfinished');
    page.dispatchEvent(new Event('pagehide'));
    expect(saved()).toEqual([
      { version: 1, userId: ada.id, drafts: { 'c-1': 'unfinished' }, outbox: [] },
    ]);
    await vi.advanceTimersByTimeAsync(10 * draftSaveDelayMs);
    expect(saved()).toHaveLength(1);
  });

  it('saves nothing once the app stops, not even a draft that was waiting', async () => {
    const { app, conversation, saved, page } = await signedIn();
    type(conversation('c-1'), 'unfinished');
    app.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    page.dispatchEvent(new Event('pagehide'));
    expect(saved()).toEqual([]);
  });

  it('once stopped itself, with the messenger still running, it saves nothing more', async () => {
    // The messenger stops it only by stopping too; here it runs beside a live messenger, so
    // what is shown is its own cleanup: the waiting save cancelled, the system and the page
    // no longer heard.
    const platform = new RecordingPlatform();
    const page = new EventTarget();
    const system = setup({
      actors: {
        messenger: messengerMachine,
        persistUnsent: createPersistUnsentActor(platform, { target: page as unknown as Window }),
      },
    }).createMachine({
      invoke: {
        src: 'messenger',
        systemId: systemIds.messenger,
        input: { clientIdPrefix: 'run', now: () => 1 },
      },
      initial: 'persisting',
      states: {
        persisting: { invoke: { src: 'persistUnsent' }, on: { stop: 'stopped' } },
        stopped: {},
      },
    });
    const actor = createActor(system).start();
    actor.system.get(systemIds.messenger)!.send({ type: 'sync.received', data: syncData });
    const c1 = actor.system.get(conversationSystemId('c-1')) as ConversationRef;
    type(c1, 'a');
    await vi.advanceTimersByTimeAsync(draftSaveDelayMs);
    expect(platform.saves).toHaveLength(1);

    type(c1, 'ab');
    actor.send({ type: 'stop' });
    await vi.advanceTimersByTimeAsync(draftSaveDelayMs);
    type(c1, 'abc');
    c1.send({ type: 'message.submitted' });
    page.dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(platform.saves).toHaveLength(1);
    actor.stop();
  });

  it('does not write a waiting draft back after sign-out has forgotten the session', async () => {
    const { app, conversation, saved, page, platform, socket } = await signedIn();
    type(conversation('c-1'), 'unfinished');
    app.send({ type: 'signOut.requested' });
    expect(socket.commands.at(-1)).toEqual({ type: 'signOut' });
    socket.session({ type: 'signOut.done' });
    await waitFor(app, (s) => s.matches('onboarding'));
    await vi.advanceTimersByTimeAsync(10_000);
    page.dispatchEvent(new Event('pagehide'));
    await settle();
    // The one save is forgetSession's.
    expect(saved()).toEqual([null]);
    expect(platform.stored).toBeNull();
    expect(platform.token).toBeNull();
  });

  it('starts from what a restart restored: not written back, and a change saves it with the change', async () => {
    const platform = new RecordingPlatform();
    const restored: UnsentState = {
      version: 1,
      userId: ada.id,
      drafts: { 'c-2': 'where was I' },
      outbox: [
        {
          conversationId: 'c-1',
          text: 'sent before the restart',
          clientMessageId: 'old-1-1',
          createdAt: 5,
          failure: null,
        },
      ],
    };
    platform.stored = JSON.stringify(restored);
    const { conversation, saved, socket } = await signedIn(platform);
    // The restored message is on its way again; the draft is back in its composer.
    expect(socket.sentIds()).toEqual(['old-1-1']);
    const c2 = conversation('c-2');
    expect(c2.getSnapshot().context.draft).toBe('where was I');
    await vi.advanceTimersByTimeAsync(10 * draftSaveDelayMs);
    expect(platform.saves).toEqual([]);

    // Only the draft changed: it waits, like any draft.
    type(c2, 'where was I?');
    expect(saved()).toEqual([]);
    await vi.advanceTimersByTimeAsync(draftSaveDelayMs);
    expect(saved()).toEqual([{ ...restored, drafts: { 'c-2': 'where was I?' } }]);
  });
});

describe('createAppActors', () => {
  const run = <T>(logic: AnyActorLogic, input?: unknown) =>
    toPromise(createActor(logic, { input }).start()) as Promise<T>;
  const signOut = { keepUnsent: false };

  beforeEach(() => {
    vi.useRealTimers();
  });

  it('loads the saved unsent state through parseUnsentState', async () => {
    const platform = new RecordingPlatform();
    const state: UnsentState = {
      version: 1,
      userId: ada.id,
      drafts: { 'c-1': 'hi' },
      outbox: [
        { conversationId: 'c-1', text: 'x', clientMessageId: 'a-1', createdAt: 1, failure: 'no' },
      ],
    };
    platform.stored = JSON.stringify(state);
    expect(await run(createAppActors(platform).loadUnsent)).toEqual(state);
  });

  it.each([
    ['nothing saved', null],
    ['not JSON', '{"version":1,'],
    ['another version', JSON.stringify({ version: 2, userId: ada.id, drafts: {}, outbox: [] })],
    // Saved before unsent state was bound to its user: nobody's, so nobody gets it.
    ['no user', JSON.stringify({ version: 1, drafts: { 'c-1': 'hi' }, outbox: [] })],
    ['a bare string', JSON.stringify('drafts')],
  ])('loads %s as the empty state', async (_, stored) => {
    const platform = new RecordingPlatform();
    platform.stored = stored;
    expect(await run(createAppActors(platform).loadUnsent)).toEqual(emptyUnsentState);
  });

  it('loads a state with a bad message without that message only', async () => {
    const platform = new RecordingPlatform();
    platform.stored = JSON.stringify({
      version: 1,
      userId: ada.id,
      drafts: { 'c-1': 'hi' },
      outbox: [{ text: '' }],
    });
    expect(await run(createAppActors(platform).loadUnsent)).toEqual({
      version: 1,
      userId: ada.id,
      drafts: { 'c-1': 'hi' },
      outbox: [],
    });
  });

  it('loads and saves the session token through the platform', async () => {
    const platform = new RecordingPlatform();
    const actors = createAppActors(platform);
    expect(await run(actors.loadSessionToken)).toBe('session-token');
    await toPromise(createActor(actors.saveSessionToken, { input: { token: 'next' } }).start());
    expect(platform.token).toBe('next');
  });

  it('forgets the session on sign-out: the token and the unsent state', async () => {
    const platform = new RecordingPlatform();
    platform.stored = JSON.stringify(emptyUnsentState);
    await run(createAppActors(platform).forgetSession, signOut);
    expect(platform.tokenWrites).toEqual([null]);
    expect(platform.saves).toEqual([null]);
    expect(platform.token).toBeNull();
    expect(platform.stored).toBeNull();
  });

  it('after a refused token forgets the token only: the unsent state stays for its user', async () => {
    const platform = new RecordingPlatform();
    const kept = JSON.stringify({
      version: 1,
      userId: ada.id,
      drafts: { 'c-1': 'hi' },
      outbox: [],
    });
    platform.stored = kept;
    await run(createAppActors(platform).forgetSession, { keepUnsent: true });
    expect(platform.tokenWrites).toEqual([null]);
    expect(platform.saves).toEqual([]);
    expect(platform.token).toBeNull();
    expect(platform.stored).toBe(kept);
  });

  it('still forgets the unsent state when the token cannot be removed, and reports the failure', async () => {
    const platform = new RecordingPlatform();
    platform.stored = '{"version":1,"userId":"u-ada","drafts":{"c-1":"secret"},"outbox":[]}';
    platform.failTokenWrites = 1;
    await expect(run(createAppActors(platform).forgetSession, signOut)).rejects.toThrow(
      'keychain locked',
    );
    expect(platform.stored).toBeNull();
  });

  it('still removes the token when the unsent state cannot be forgotten, and reports the failure', async () => {
    const platform = new RecordingPlatform();
    platform.stored = '{"version":1,"userId":"u-ada","drafts":{"c-1":"secret"},"outbox":[]}';
    platform.failSaves = 1;
    await expect(run(createAppActors(platform).forgetSession, signOut)).rejects.toThrow(
      'disk full',
    );
    expect(platform.token).toBeNull();
  });
});
