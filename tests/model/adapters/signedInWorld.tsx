// The world the messenger-side views adapters run paths in: the real App over the real app
// machine (session, messenger, one conversation actor each, one outgoing message actor each)
// and the real atoms, signed in with a saved token, the session's socket the scripted one
// (tests/unit/support/scriptedSocket.ts) played as the chat server by the adapter, XState's
// SimulatedClock for every delay, and a jsdom layout for the two virtualized scrollers.
//
// The server side is bookkept here: every command the app sends is logged with the connection
// attempt it went out on and the simulated time, so an adapter can answer only what was asked
// ("history.loaded" needs a history request on the live connection) and can tell what the
// server was told (the drafting signal).
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { atom, createStore } from 'jotai';
import {
  fromPromise,
  SimulatedClock,
  type AnyActorRef,
  type EventObject,
  type InspectionEvent,
  type StateValue,
} from 'xstate';
import { appMachine } from '../../../machines/app.ts';
import { reconnectDelayMs, sessionMachine } from '../../../machines/session.ts';
import { systemIds, type SocketCommand } from '../../../machines/system.ts';
import type { ConversationsAndUsers } from '../../../server/protocol.ts';
import { App } from '../../../src/renderer/App.tsx';
import { createAppAtoms, type AppAtoms } from '../../../src/renderer/state/index.ts';
import { createScriptedSocket, type ScriptedSocket } from '../../unit/support/scriptedSocket.ts';
import { groupHello, me, syncData, vegeta } from '../fixtures.ts';
import type { Facts, ModelPath } from '../modelKit.ts';
import type { CoverageRecorder } from '../realKit.ts';

// ---- layout ----------------------------------------------------------------------------------

/**
 * jsdom does no layout. The message log gets a viewport shorter than its first page (a day row
 * and one message, as estimated and as measured), so opening it does not ask for older messages
 * by itself (a log too short to scroll does, on mount: the model has no such coupling, and it
 * is a layout matter) and scrolling to the top is a gesture the reader makes. Rows measure what
 * the log estimates them to, so measuring never moves the scroll position. The sidebar gets a
 * tall viewport: every row of it is rendered.
 */
export const LOG_VIEWPORT = 100;
const DAY_ROW = 40;
const MESSAGE_ROW = 60;
const SIDEBAR_VIEWPORT = 600;
const SIDEBAR_ROW = 62;

const isLog = (element: HTMLElement) => element.getAttribute('role') === 'log';
const isSidebarScroller = (element: HTMLElement) =>
  element.firstElementChild?.getAttribute('aria-label') === 'Conversations';

export function installLayout(): () => void {
  const proto = HTMLElement.prototype;
  const names = ['clientHeight', 'clientWidth', 'offsetHeight', 'scrollHeight', 'scrollTo'];
  const originals = new Map(
    names.map((name) => [name, Object.getOwnPropertyDescriptor(proto, name)]),
  );
  const define = (name: string, descriptor: PropertyDescriptor) =>
    Object.defineProperty(proto, name, { configurable: true, ...descriptor });
  define('clientHeight', {
    get(this: HTMLElement) {
      if (isLog(this)) return LOG_VIEWPORT;
      return isSidebarScroller(this) ? SIDEBAR_VIEWPORT : 0;
    },
  });
  define('clientWidth', {
    get(this: HTMLElement) {
      return isLog(this) || isSidebarScroller(this) ? 800 : 0;
    },
  });
  define('offsetHeight', {
    get(this: HTMLElement) {
      if (!this.hasAttribute('data-index')) return 0;
      if (this.closest('[role="log"]')) {
        return this.querySelector('[role="article"]') ? MESSAGE_ROW : DAY_ROW;
      }
      return SIDEBAR_ROW;
    },
  });
  define('scrollHeight', {
    get(this: HTMLElement) {
      if (!isLog(this) && !isSidebarScroller(this)) return 0;
      const sizer = this.firstElementChild as HTMLElement | null;
      return Number.parseFloat(sizer?.style.height ?? '0') || 0;
    },
  });
  // The browser's scrollTo clamps to the scrollable range and fires a scroll event.
  define('scrollTo', {
    value(this: HTMLElement, options: ScrollToOptions) {
      const max = Math.max(0, this.scrollHeight - this.clientHeight);
      this.scrollTop = Math.min(max, Math.max(0, options.top ?? this.scrollTop));
      this.dispatchEvent(new Event('scroll'));
    },
  });
  return () => {
    for (const [name, descriptor] of originals) {
      if (descriptor) Object.defineProperty(proto, name, descriptor);
      else Reflect.deleteProperty(proto, name);
    }
  };
}

// ---- the world -------------------------------------------------------------------------------

/** When the user writes (a fixed minute the same day as the fixtures' messages). */
export const NOW = groupHello.sentAt + 10 * 60_000;
/** The reconnect jitter: 0 makes the first backoff the shortest one (250 ms). */
const random = () => 0;

export interface LoggedCommand {
  command: SocketCommand;
  /** The connection attempt (index into socket.attempts) it went out on. */
  attempt: number;
  /** Simulated time. */
  at: number;
  /** The session was live when it went out (a messenger's resync, not the session's sync). */
  sessionLive: boolean;
  answered: boolean;
}

export interface World {
  atoms: AppAtoms;
  socket: ScriptedSocket;
  clock: SimulatedClock;
  user: UserEvent;
  log: LoggedCommand[];
  actor(systemId: string): AnyActorRef | undefined;
  /** Sends an event to an actor by systemId (for model events without a real-world cause). */
  tell(systemId: string, event: EventObject & Record<string, unknown>): void;
  sessionMatches(value: unknown): boolean;
  /** The session's socket is connected (the server can push and answer). */
  readonly connected: boolean;
  /** Advances the simulated clock, inside act. */
  advance(ms: number): Promise<void>;
  /** Server side: the connection drops ('transport close'); the session leaves live. */
  dropConnection(): Promise<void>;
  /** Brings a socket up and connected (waiting out the backoff if the session waits). */
  ensureConnected(): Promise<void>;
  /** Unanswered requests of this connection, oldest first. */
  outstanding(match: (command: SocketCommand) => boolean): LoggedCommand[];
  /** Answers every outstanding sync request with `data`. */
  answerSync(data: ConversationsAndUsers): Promise<void>;
  /**
   * A time a clock advance made for the world's own sake (a backoff) must stay before: the
   * adapter sets it to the next composer timer the path has not reached.
   */
  deadline: number;
  stop(): void;
}

interface StartOptions {
  inspect: (event: InspectionEvent) => void;
  /** Answer the session's first sync with the fixtures' world (default); else leave it asked. */
  firstSync?: boolean;
  /** What the first sync answers (default: the fixtures' world). */
  firstSyncData?: ConversationsAndUsers;
}

/**
 * Renders the signed-in app, lets the session connect and answers its first sync with the
 * fixtures' world (the DM with Vegeta and the group "Capsule Corp").
 */
export async function startWorld({
  inspect,
  firstSync = true,
  firstSyncData = syncData(),
}: StartOptions): Promise<World> {
  const clock = new SimulatedClock();
  const socket = createScriptedSocket();
  const log: LoggedCommand[] = [];
  const machine = appMachine.provide({
    actors: {
      loadSessionToken: fromPromise<string | null>(async () => 'saved-token'),
      session: sessionMachine.provide({ actors: { socket: socket.actor } }),
    },
  });
  const atoms = createAppAtoms(
    machine,
    {
      serverUrl: 'http://127.0.0.1:1',
      locale: 'en-US',
      online: true,
      clientIdPrefix: 'p',
      now: () => NOW,
      random,
    },
    { clock, inspect },
  );
  const actor = (systemId: string) => atoms.appActor.system.get(systemId);
  const sessionMatches = (value: unknown) => {
    const session = actor(systemIds.session);
    return Boolean(
      session?.getSnapshot().status === 'active' && session.getSnapshot().matches(value),
    );
  };
  // Log each command with its connection attempt and time (the scripted socket only lists them).
  const push = socket.commands.push.bind(socket.commands);
  socket.commands.push = (...commands: SocketCommand[]) => {
    for (const command of commands) {
      log.push({
        command,
        attempt: socket.attempts.length - 1,
        at: clock.now(),
        sessionLive: sessionMatches({ connection: 'live' }),
        answered: false,
      });
    }
    return push(...commands);
  };
  const connectedAttempts = new Set<number>();
  const sessionAttempt = () =>
    (actor(systemIds.session)?.getSnapshot().context as { attempt: number } | undefined)?.attempt ??
    0;

  const advance = async (ms: number) => {
    if (clock.now() + ms >= world.deadline) {
      throw new Error(
        `adapter limitation: waiting ${ms} ms at ${clock.now()} would reach ${world.deadline}, ` +
          'a deadline the path does not reach yet (a composer timer)',
      );
    }
    await act(async () => clock.increment(ms));
  };

  const currentAttempt = () => socket.attempts.length - 1;
  const world: World = {
    atoms,
    socket,
    clock,
    user: userEvent.setup({ delay: null }),
    log,
    actor,
    tell: (systemId, event) => {
      const target = actor(systemId);
      if (!target) throw new Error(`no actor ${systemId} to send ${event.type} to`);
      act(() => target.send(event));
    },
    sessionMatches,
    get connected() {
      return socket.open && connectedAttempts.has(currentAttempt());
    },
    advance,
    async dropConnection() {
      if (!world.connected) throw new Error('no connection to drop');
      act(() => socket.session({ type: 'socket.disconnected', reason: 'transport close' }));
      await waitFor(() => {
        if (!sessionMatches('reconnecting')) throw new Error('the session did not start over');
      });
      // The client waits out its backoff and tries again at once (a socket that is still
      // connecting, so commands have somewhere to go, as Socket.IO buffers them): no pending
      // session timer is left to go off while a path's later steps move the clock.
      const attempt = sessionAttempt();
      await advance(reconnectDelayMs(attempt, random));
      if (!socket.open) throw new Error('the session did not try again after its backoff');
    },
    async ensureConnected() {
      if (world.connected) return;
      if (!socket.open) {
        const attempt = sessionAttempt();
        await advance(reconnectDelayMs(attempt, random));
      }
      if (!socket.open) throw new Error('the session has no socket to connect');
      act(() => socket.connect());
      connectedAttempts.add(currentAttempt());
    },
    outstanding: (match) =>
      log.filter(
        (entry) =>
          !entry.answered &&
          entry.attempt === currentAttempt() &&
          socket.open &&
          match(entry.command),
      ),
    async answerSync(data) {
      const requests = world.outstanding((c) => c.type === 'requestConversationsAndUsers');
      if (requests.length === 0) throw new Error('the app asked for no sync to answer');
      for (const request of requests) request.answered = true;
      act(() => socket.sync(data));
    },
    deadline: Infinity,
    stop() {
      cleanup();
      atoms.stop();
    },
  };

  render(<App atoms={atoms} store={createStore()} simulatedSmsAtom={atom(null)} />);
  // The saved session is read first (promise actors): the socket opens after that.
  await waitFor(() => {
    if (!socket.open) throw new Error('the session did not open its socket');
  });
  await world.ensureConnected();
  if (!firstSync) return world;
  await world.answerSync(firstSyncData);
  await screen.findByRole('list', { name: 'Conversations' });
  return world;
}

/** Throws, saying where and what differs, unless the screen shows what the model expects. */
export function same<T extends object>(where: string, seen: T, expected: T): void {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(seen)])] as (keyof T)[];
  const differ = keys.filter((key) => JSON.stringify(seen[key]) !== JSON.stringify(expected[key]));
  if (differ.length === 0) return;
  const show = (key: keyof T) =>
    `${String(key)}: expected ${JSON.stringify(expected[key])}, seen ${JSON.stringify(seen[key])}`;
  throw new Error(`${where}: ${differ.map(show).join('; ')}`);
}

export const titles = {
  'c-group': 'Capsule Corp',
  // A DM is titled by the other person's full name once the people are known.
  'c-vegeta': `${vegeta.firstName} ${vegeta.lastName}`,
  // The messenger model's conversation someone opened with the user (a DM with Goku).
  'c-added': 'Goku Son',
} as const;

export { me };

// ---- running a path --------------------------------------------------------------------------

/** The fixtures' world with the user as the admin of the group "Capsule Corp". */
export function adminSync(): ConversationsAndUsers {
  const data = syncData();
  return {
    ...data,
    conversations: data.conversations.map((conversation) =>
      conversation.id === 'c-group' ? { ...conversation, adminId: me.id } : conversation,
    ),
  };
}

/** Brings the session back to live: connected, its sync (if asked) answered with `data`. */
export async function goLive(world: World, data: ConversationsAndUsers): Promise<void> {
  await world.ensureConnected();
  if (world.outstanding((c) => c.type === 'requestConversationsAndUsers').length > 0) {
    await world.answerSync(data);
  }
  await waitFor(() => {
    if (!world.sessionMatches({ connection: 'live' })) throw new Error('the session is not live');
  });
}

/**
 * The model's `connection.lost`, as the server makes it happen: the socket drops (the session
 * tells the messenger, which tells its children). When the session is not live it is first
 * brought back, so there is a connection to lose. With `comeBack`, the client then reconnects
 * and its sync is answered with `data`.
 */
export async function loseConnection(
  world: World,
  count: (key: string) => void,
  data: ConversationsAndUsers,
  { comeBack }: { comeBack: boolean },
): Promise<void> {
  if (!world.sessionMatches({ connection: 'live' })) {
    count('connection.lost: the session comes back first');
    await goLive(world, data);
  }
  count('connection.lost: the server drops the socket');
  await world.dropConnection();
  if (!comeBack) return;
  await world.ensureConnected();
  await world.answerSync(data);
}

interface ViewsPathRun<Seen extends object> {
  /** Signs in and brings the views to where the path starts. */
  start: (inspect: (event: InspectionEvent) => void) => Promise<World>;
  /** Makes one model event happen (by its type and payload, never by path position). */
  perform: (world: World, event: EventObject & Record<string, unknown>) => Promise<void>;
  /** What the user sees now. */
  seen: (world: World) => Seen;
  /** What the user should see in this model state. */
  expected: (value: StateValue, facts: Facts) => Seen;
}

/**
 * Runs one model path against the real views: starts the world, checks the start, then makes
 * each step's event happen and checks the screen after it (waiting for it to settle), and
 * tears the world down whatever happened.
 */
export async function runViewsPath<Seen extends object>(
  path: ModelPath,
  recorder: CoverageRecorder,
  { start, perform, seen, expected }: ViewsPathRun<Seen>,
): Promise<void> {
  const restoreLayout = installLayout();
  let world: World | undefined;
  try {
    world = await start(recorder.inspect);
    const running = world;
    const check = async (where: string, value: StateValue, facts: Facts) => {
      await waitFor(() => same(where, seen(running), expected(value, facts)), {
        onTimeout: (error) => error,
      });
    };
    await check(`${path.description}: start`, path.initial.value, path.initial.facts);
    for (const [index, step] of path.steps.entries()) {
      await perform(running, step.event as EventObject & Record<string, unknown>);
      await check(
        `${path.description}: step ${index + 1} (${step.event.type})`,
        step.expected.value,
        step.expected.facts,
      );
    }
  } finally {
    world?.stop();
    restoreLayout();
  }
}
