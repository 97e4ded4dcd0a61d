// @vitest-environment jsdom
// The messenger model's paths (tests/model/models.ts), executed against the real views: the real
// App over the real app machine, signed in with a saved token, the scripted socket played as
// the chat server (signedInWorld.tsx). The path starts where a signed-in app starts: the
// session connected and asking for its first sync, the messenger loading.
//
// How each model event happens (by type and payload, never by path position):
// - sync.received: the server answers the sync the app asked for (the session's on connecting,
//   or the messenger's resync) with the event's data. With nothing asked (live, up to date) the
//   only sync that can come is a reconnect's: the server drops the socket, the client reconnects
//   after its backoff (simulated clock) and asks; the messenger also hears connection.lost,
//   which changes nothing of its own up to date.
// - sync.failed: the server fails the sync request (the messenger's resync, or the session's;
//   delivered to both as the real transport does); nothing asked, nothing fails.
// - channel.updated, user.joined: the server pushes them (on a connected socket).
// - connection.lost: the server drops the socket; the session, leaving live, tells the
//   messenger. When the session is not live there is no connection to lose: nothing is done.
// - authors.seen: from a conversation reporting the authors of a page. Made as it happens: the
//   server pushes a message from Vegeta two past the DM's last one, the DM asks for the missing
//   one (a catch-up) and the server answers with a page written by the event's people. (The
//   messenger also hears the push, which changes nothing of its own.) With no live connection
//   or no DM, no conversation can report: the event is sent to the messenger (systemId
//   "messenger") as the conversation would.
// - conversation.selected: the user clicks the conversation's row in the sidebar; a conversation
//   with no row (unknown, not listed, or the list still loading) cannot be clicked: the step
//   must leave everything as it was.
// - conversation.closed: the user presses Escape in the open conversation's composer (in a
//   narrow window Back to chats does the same; jsdom has no media queries, so the views are
//   wide here). With none open there is nothing to close: sent to the messenger as a view would.
// - user.updated, member.left, conversation.removed, conversation.added: the server pushes them
//   (userUpdated, memberLeft, conversationRemoved, conversationAdded); a conversation.added that
//   opens what it adds is newChat's hand-over of a conversation made in its dialog, sent as it.
// - notice.dismissed: the user clicks Dismiss on the notice; with none shown, nothing.
// - window.focused / window.blurred: the window gets or loses the focus (document.hasFocus and
//   the event, which the views report); read.changed: the server pushes readPositionChanged;
//   receipts.changed: the server pushes receiptsChanged.
//   muted.changed: the server pushes mutedChanged.
//   message.changed / message.hidden: the server pushes messageChanged / messageHidden.
// - permission.changed, notification.clicked: from the platform's notifier, which this world
//   does not have (jsdom has no notifications): sent to the messenger as the notifier would.
//   message.notable: from a conversation announcing a message, sent as it would.
// - prompt.accepted / prompt.declined: the user clicks "Turn on notifications" / "Not now" in
//   the sidebar's prompt; with no prompt shown, nothing.
//
// What is asserted per step:
// - loading <-> the skeleton ("Loading conversations") instead of the conversation list.
// - ready.selection + `selected`: the main pane shows the selected conversation's region (its
//   title) and its sidebar row is marked current (viewing), or the "Choose a conversation"
//   placeholder (browsing).
// - ready.sync: resyncing <-> the server holds the messenger's unanswered sync request (one
//   sent besides the session's own sync of the connection); upToDate <-> none.
// - `conversations` <-> the number of rows in the sidebar.
// - `notice` <-> "You were removed from …" is shown.
// - ready.permission: offering <-> the sidebar shows the notifications prompt.
// - `people`: 0 <-> no names (the skeleton); otherwise the people of the sync are named (the DM
//   is titled "Vegeta Saiyan", not the bare conversation title "Vegeta"). The newcomer among
//   them (5 people) shows only in the open group's member line ("Goku, Bulma, Alan and you");
//   with the group closed, or the newcomer not its member, the count is not observable beyond
//   that (the views show no list of people).
import { act, screen, waitFor, within } from '@testing-library/react';
import { vi } from 'vitest';
import type { EventObject, StateValue } from 'xstate';
import { conversationSystemId, systemIds, type SocketCommand } from '../../../machines/system.ts';
import type {
  ChannelUpdate,
  ConversationsAndUsers,
  Message,
  ProtocolError,
  UserJoined,
} from '../../../server/protocol.ts';
import { vegeta } from '../fixtures.ts';
import type { Facts, ModelPath } from '../modelKit.ts';
import { models } from '../models.ts';
import { createTally, describeAdapter, expectKnownFacts } from '../realKit.ts';
import {
  installLayout,
  same,
  startWorld,
  titles,
  type LoggedCommand,
  type World,
} from './signedInWorld.tsx';
import { conversationRowName } from '../../unit/support/conversationRows.ts';

/** The facts this adapter knows how to observe (a new one in the model fails the path). */
const knownFacts = ['selected', 'conversations', 'people', 'notice', 'focused'] as const;
const NEWCOMER = 'Alan';

/** How often each event was produced by its real cause, or sent to the actor for lack of one. */
const count = createTally();

const checkFacts = (path: ModelPath) => expectKnownFacts('messenger.views', path, knownFacts);

const titleOf = (conversationId: string) =>
  (titles as Record<string, string>)[conversationId] ?? null;

// ---- what the user (and the server) sees ---------------------------------------------------

interface Seen {
  screen: 'loading' | 'ready';
  /** The conversation whose pane is open (by title), or null. */
  open?: string | null;
  /** The sidebar row marked current, or null. */
  current?: string | null;
  resyncing?: boolean;
  conversations: number;
  peopleNamed: boolean;
  /** The open group names the newcomer (only when the group is open and they are a member). */
  newcomer?: boolean;
  /** "You were removed from …" is shown. */
  notice: boolean;
  /** The sidebar offers to turn notifications on. */
  prompt?: boolean;
  /** The window has the focus, as the views ask it (document.hasFocus). */
  focused?: boolean;
}

/** The messenger's own sync requests: each one past the first of its connection. */
function resyncRequests(world: World): LoggedCommand[] {
  const isSync = (c: SocketCommand) => c.type === 'requestConversationsAndUsers';
  return world.outstanding(isSync).filter((entry) => {
    const first = world.log.find(
      (other) => other.attempt === entry.attempt && isSync(other.command),
    );
    return first !== entry;
  });
}

function seenOnScreen(world: World): Seen {
  const list = screen.queryByRole('list', { name: 'Conversations' });
  if (!list) {
    const skeleton = screen.queryByRole('progressbar', { name: 'Loading conversations' });
    return {
      screen: skeleton ? 'loading' : 'ready',
      conversations: 0,
      peopleNamed: false,
      notice: false,
    };
  }
  const rows = within(list).queryAllByRole('button');
  const current = rows.find((row) => row.getAttribute('aria-current') === 'true');
  const region = screen.queryByRole('region');
  const seen: Seen = {
    screen: 'ready',
    open: region?.getAttribute('aria-label') ?? null,
    // The row is labelled by its visible parts, its title first.
    current: current
      ? (document.getElementById(current.getAttribute('aria-labelledby')?.split(' ')[0] ?? '')
          ?.textContent ?? '?')
      : null,
    resyncing: resyncRequests(world).length > 0,
    conversations: rows.length,
    peopleNamed:
      within(list).queryByRole('button', { name: conversationRowName(titles['c-vegeta']) }) !==
      null,
    notice: screen.queryByText(/^You were removed from /) !== null,
    prompt: screen.queryByRole('button', { name: 'Turn on notifications' }) !== null,
    focused: document.hasFocus(),
  };
  if (region?.getAttribute('aria-label') === titles['c-group']) {
    const line = within(region).getAllByRole('status').at(-1)?.textContent ?? '';
    if (line.includes(NEWCOMER) || line.includes('Someone'))
      seen.newcomer = line.includes(NEWCOMER);
  }
  return seen;
}

function expectedOnScreen(value: StateValue, facts: Facts, seenNewcomer: boolean): Seen {
  if (value === 'loading') {
    return { screen: 'loading', conversations: 0, peopleNamed: false, notice: false };
  }
  const ready = (value as { ready: { selection: string; sync: string; permission: string } }).ready;
  const selected = facts.selected as string | null;
  const title = ready.selection === 'viewing' && selected ? titleOf(selected) : null;
  return {
    screen: 'ready',
    open: title,
    current: title,
    resyncing: ready.sync === 'resyncing',
    conversations: facts.conversations as number,
    peopleNamed: (facts.people as number) > 0,
    notice: facts.notice === true,
    prompt: ready.permission === 'offering',
    focused: facts.focused === true,
    // The model has the newcomer among the people: the open group must name them.
    ...(seenNewcomer ? { newcomer: (facts.people as number) > 4 } : {}),
  };
}

// ---- what the user and the server do ---------------------------------------------------------

interface Dm {
  /** The last seq of the DM the server has handed out. */
  lastSeq: number;
}

async function perform(
  world: World,
  dm: Dm,
  event: EventObject & Record<string, unknown>,
): Promise<void> {
  const direct = (why: string) => {
    count(`${event.type}: sent to the messenger (${why})`);
    world.tell(systemIds.messenger, event);
  };
  const live = world.sessionMatches({ connection: 'live' });
  switch (event.type) {
    case 'sync.received': {
      const data = event.data as ConversationsAndUsers;
      const asked = world.outstanding((c) => c.type === 'requestConversationsAndUsers');
      if (asked.length > 0) {
        count('sync.received: the server answers the sync asked for');
      } else if (live) {
        count('sync.received: after a reconnect (the server drops the socket)');
        await world.dropConnection();
        await world.ensureConnected();
      } else {
        count('sync.received: the sync of a new connection');
        await world.ensureConnected();
      }
      await world.answerSync(data);
      return;
    }
    case 'sync.failed': {
      const asked = world.outstanding((c) => c.type === 'requestConversationsAndUsers');
      if (asked.length === 0) {
        count('sync.failed: nothing asked, nothing fails');
        return;
      }
      for (const request of asked) request.answered = true;
      count('sync.failed: the server fails the sync request');
      const error: ProtocolError = { code: 'internal', message: 'internal' };
      // As the real transport delivers a failed sync: to the messenger, then to the session.
      act(() => {
        world.actor(systemIds.messenger)?.send({ type: 'sync.failed' });
        world.socket.session({ type: 'sync.failed', error });
      });
      return;
    }
    case 'channel.updated':
      await world.ensureConnected();
      count('channel.updated: pushed');
      act(() => world.socket.push(event.update as ChannelUpdate));
      return;
    case 'user.joined':
      await world.ensureConnected();
      count('user.joined: pushed');
      act(() => world.socket.joined(event.joined as UserJoined));
      return;
    case 'connection.lost':
      if (live) {
        count('connection.lost: the server drops the socket');
        await world.dropConnection();
      } else count('connection.lost: nothing (the session is not live)');
      return;
    case 'authors.seen': {
      const userIds = event.userIds as string[];
      const dmActor = world.actor(conversationSystemId('c-vegeta'));
      if (!live || !dmActor) {
        direct(!live ? 'no live connection: no page can come' : 'no conversation to report');
        return;
      }
      count('authors.seen: a catch-up page in the DM names them');
      const page: Message[] = userIds.map((authorId, at) => ({
        id: `m-v-${dm.lastSeq + 1 + at}`,
        seq: dm.lastSeq + 1 + at,
        conversationId: 'c-vegeta',
        authorId,
        text: `Page ${dm.lastSeq + 1 + at}`,
        sentAt: 1_700_000_000_000 + (dm.lastSeq + 1 + at) * 60_000,
        clientMessageId: null,
      }));
      const seq = dm.lastSeq + userIds.length + 1;
      const pushed: Message = {
        id: `m-v-${seq}`,
        seq,
        conversationId: 'c-vegeta',
        authorId: vegeta.id,
        text: `Message ${seq}`,
        sentAt: 1_700_000_000_000 + seq * 60_000,
        clientMessageId: null,
      };
      dm.lastSeq = seq;
      act(() =>
        world.socket.push({
          conversation: {
            id: 'c-vegeta',
            kind: 'direct',
            title: 'Vegeta',
            lastMessage: pushed,
            drafting: [],
          },
          message: pushed,
        }),
      );
      const [request] = world.outstanding(
        (c) => c.type === 'requestMessages' && c.purpose === 'catchUp',
      );
      if (!request) throw new Error('the DM did not ask for the message it missed');
      request.answered = true;
      const after = (request.command as { after: number }).after;
      act(() => world.socket.catchUp('c-vegeta', after, page, false));
      return;
    }
    case 'conversation.selected': {
      const title = titleOf(event.conversationId as string);
      const list = screen.queryByRole('list', { name: 'Conversations' });
      const row =
        title && list
          ? within(list).queryByRole('button', { name: conversationRowName(title) })
          : null;
      if (!row) {
        count('conversation.selected: no row to click');
        return;
      }
      count('conversation.selected: click the row');
      await world.user.click(row);
      return;
    }
    case 'conversation.closed': {
      const field = screen.queryByRole('textbox', { name: 'Message' });
      if (!field) {
        direct('no conversation open: nothing to close');
        return;
      }
      count('conversation.closed: Escape in the composer');
      await world.user.type(field, '{Escape}');
      return;
    }
    case 'user.updated':
    case 'member.left':
    case 'conversation.removed':
      await world.ensureConnected();
      count(`${event.type}: pushed`);
      act(() => world.socket.toMessenger(event as never));
      return;
    case 'conversation.added':
      if (event.open === true) {
        // Made in the New chat dialog, whose own adapter drives it: its hand-over is this event.
        direct('newChat hands over the conversation it made');
        return;
      }
      await world.ensureConnected();
      count('conversation.added: pushed');
      act(() => world.socket.toMessenger(event as never));
      return;
    case 'window.blurred':
    case 'window.focused': {
      const focused = event.type === 'window.focused';
      count(`${event.type}: the window ${focused ? 'gets' : 'loses'} the focus`);
      act(() => {
        focus.has = focused;
        window.dispatchEvent(new Event(focused ? 'focus' : 'blur'));
      });
      return;
    }
    case 'read.changed':
      await world.ensureConnected();
      count('read.changed: pushed (readPositionChanged)');
      act(() => world.socket.toMessenger(event as never));
      return;
    case 'receipts.changed':
      await world.ensureConnected();
      count('receipts.changed: pushed (receiptsChanged)');
      act(() => world.socket.toMessenger(event as never));
      return;
    case 'message.changed':
    case 'message.hidden':
      await world.ensureConnected();
      count(
        `${event.type}: pushed (${event.type === 'message.changed' ? 'messageChanged' : 'messageHidden'})`,
      );
      act(() => world.socket.toMessenger(event as never));
      return;
    case 'muted.changed':
      await world.ensureConnected();
      count('muted.changed: pushed (mutedChanged)');
      act(() => world.socket.toMessenger(event as never));
      return;
    case 'permission.changed':
      direct('the platform’s notifier reports what it allows');
      return;
    case 'notification.clicked':
      direct('the platform’s notifier reports a click');
      return;
    case 'message.notable':
      direct('a conversation announces a message');
      return;
    case 'prompt.accepted':
    case 'prompt.declined': {
      const name = event.type === 'prompt.accepted' ? 'Turn on notifications' : 'Not now';
      const button = screen.queryByRole('button', { name });
      if (!button) {
        count(`${event.type}: no prompt`);
        return;
      }
      count(`${event.type}: click ${name}`);
      await world.user.click(button);
      return;
    }
    case 'notice.dismissed': {
      const dismiss = screen.queryByRole('button', { name: 'Dismiss' });
      if (!dismiss) {
        count('notice.dismissed: no notice to dismiss');
        return;
      }
      count('notice.dismissed: click Dismiss');
      await world.user.click(dismiss);
      return;
    }
    default:
      throw new Error(`messenger.views does not know how to make ${event.type} happen`);
  }
}

/** Whether the window has the focus, as `document.hasFocus()` answers (jsdom's says yes). */
const focus = { has: true };

describeAdapter('messenger.views', models.messenger!, async (path, recorder) => {
  checkFacts(path);
  const restoreLayout = installLayout();
  focus.has = true;
  const hasFocus = vi.spyOn(document, 'hasFocus').mockImplementation(() => focus.has);
  let world: World | undefined;
  try {
    world = await startWorld({ inspect: recorder.inspect, firstSync: false });
    const dm: Dm = { lastSeq: 0 };
    const check = async (where: string, value: StateValue, facts: Facts) => {
      await waitFor(
        () => {
          const seen = seenOnScreen(world!);
          same(where, seen, expectedOnScreen(value, facts, seen.newcomer !== undefined));
        },
        { onTimeout: (error) => error },
      );
    };
    await check(`${path.description}: start`, path.initial.value, path.initial.facts);
    for (const [index, step] of path.steps.entries()) {
      await perform(world, dm, step.event as EventObject & Record<string, unknown>);
      await check(
        `${path.description}: step ${index + 1} (${step.event.type})`,
        step.expected.value,
        step.expected.facts,
      );
    }
  } finally {
    world?.stop();
    restoreLayout();
    hasFocus.mockRestore();
  }
});
