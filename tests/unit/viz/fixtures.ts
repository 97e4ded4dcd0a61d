// Small purpose-built machines that exercise every statechart feature the visualizer draws.
import { and, fromCallback, fromPromise, not, setup } from 'xstate';

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
