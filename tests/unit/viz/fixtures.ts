// Small purpose-built machines that exercise every statechart feature the visualizer draws.
import {
  and,
  assign,
  fromCallback,
  fromPromise,
  not,
  setup,
  stopChild,
  type AnyActorRef,
} from 'xstate';

/** Nested, parallel, guards, delays, always, invoke done/error, entry/exit, tags. */
export const featureMachine = setup({
  types: {} as {
    context: { tries: number };
    events: { type: 'go' } | { type: 'retry' } | { type: 'poke' };
  },
  guards: {
    canGo: () => true,
    hasTriesLeft: ({ context }) => context.tries > 0,
    isQuiet: () => false,
  },
  actions: { logEntry: () => {}, logExit: () => {}, countTry: () => {} },
  actors: {
    fetchThing: fromPromise(async () => 'thing'),
    listen: fromCallback(() => () => {}),
  },
  delays: { retryDelay: 500 },
}).createMachine({
  id: 'feature',
  initial: 'idle',
  context: { tries: 2 },
  states: {
    idle: {
      entry: 'logEntry',
      exit: ['logExit'],
      tags: ['resting'],
      on: {
        go: [
          { target: 'loading', guard: 'canGo' },
          { target: 'failed', guard: and(['hasTriesLeft', not('isQuiet')]) },
        ],
        poke: { actions: 'countTry' },
      },
    },
    loading: {
      tags: ['busy'],
      invoke: { id: 'fetch', src: 'fetchThing', onDone: 'ready', onError: 'failed' },
      after: { 3000: 'failed' },
    },
    failed: {
      after: { retryDelay: { target: 'idle', guard: 'hasTriesLeft' } },
      on: { retry: 'idle' },
    },
    ready: {
      type: 'parallel',
      invoke: { id: 'listener', src: 'listen' },
      states: {
        upload: {
          initial: 'pending',
          states: { pending: { on: { go: 'sent' } }, sent: { type: 'final' } },
        },
        download: {
          initial: 'waiting',
          states: {
            waiting: { always: { target: 'got', guard: 'canGo' } },
            got: { type: 'final' },
          },
        },
      },
      onDone: 'finished',
    },
    finished: { type: 'final' },
  },
});

// A miniature of the app's actor system (machines/system.ts), for the live actor tree:
// app -> session, messenger -> one conversation per id -> one outgoingMessage per unsent one.

export const outgoingFixture = setup({
  types: {} as { events: { type: 'acked' } },
}).createMachine({
  id: 'outgoingMessage',
  initial: 'sending',
  states: { sending: { on: { acked: 'sent' } }, sent: { type: 'final' } },
});

export const conversationFixture = setup({
  types: {} as {
    context: { outbox: Record<string, AnyActorRef> };
    events: { type: 'draft' } | { type: 'send'; clientMessageId: string };
  },
  actors: { outgoingMessage: outgoingFixture },
}).createMachine({
  id: 'conversation',
  context: { outbox: {} },
  initial: 'idle',
  states: { idle: { on: { draft: 'composing' } }, composing: {} },
  on: {
    send: {
      actions: assign({
        outbox: ({ context, event, spawn }) => ({
          ...context.outbox,
          [event.clientMessageId]: spawn('outgoingMessage', { id: event.clientMessageId }),
        }),
      }),
    },
  },
});

export const messengerFixture = setup({
  types: {} as {
    context: { conversations: Record<string, AnyActorRef> };
    events: { type: 'synced'; ids: string[] } | { type: 'closed'; id: string };
  },
  actors: { conversation: conversationFixture },
}).createMachine({
  id: 'messenger',
  context: { conversations: {} },
  initial: 'waiting',
  states: { waiting: {}, ready: {} },
  on: {
    synced: {
      target: '.ready',
      actions: assign({
        conversations: ({ context, event, spawn }) => ({
          ...context.conversations,
          ...Object.fromEntries(event.ids.map((id) => [id, spawn('conversation', { id })])),
        }),
      }),
    },
    closed: {
      actions: [
        stopChild(({ context, event }) => context.conversations[event.id]!),
        assign({
          conversations: ({ context, event }) =>
            Object.fromEntries(
              Object.entries(context.conversations).filter(([id]) => id !== event.id),
            ),
        }),
      ],
    },
  },
});

export const sessionFixture = setup({
  types: {} as { events: { type: 'connected' } },
}).createMachine({
  id: 'session',
  initial: 'connecting',
  states: { connecting: { on: { connected: 'online' } }, online: {} },
});

export const appFixture = setup({
  actors: { session: sessionFixture, messenger: messengerFixture },
}).createMachine({
  id: 'app',
  initial: 'signedIn',
  states: {
    signedIn: {
      invoke: [
        { id: 'session', src: 'session' },
        { id: 'messenger', src: 'messenger' },
      ],
    },
  },
});

/** The registry entries of the miniature system, as the visualizer page takes them. */
export const systemFixtureEntries = [
  { name: 'app', purpose: 'Root.', machine: appFixture },
  { name: 'session', purpose: 'Connection.', machine: sessionFixture },
  { name: 'messenger', purpose: 'Conversation list.', machine: messengerFixture },
  { name: 'conversation', purpose: 'One conversation.', machine: conversationFixture },
  { name: 'outgoingMessage', purpose: 'One unsent message.', machine: outgoingFixture },
];

/** The running miniature's actors, found the way the app finds them (by id under a parent). */
export function systemFixtureActors(app: AnyActorRef) {
  const children = (ref: AnyActorRef | undefined) =>
    (ref?.getSnapshot() as { children?: Record<string, AnyActorRef> } | undefined)?.children ?? {};
  const messenger = children(app)['messenger'];
  return {
    session: children(app)['session'],
    messenger,
    conversation: (id: string) => children(messenger)[id],
    outgoing: (conversationId: string, clientMessageId: string) =>
      children(children(messenger)[conversationId])[clientMessageId],
  };
}
