// @vitest-environment jsdom
// The messageSearch model's paths (tests/model/models.ts), executed against the real views: the
// real App over the real app machine, signed in with a saved token, the scripted socket played
// as the chat server (signedInWorld.tsx). The group "Capsule Corp" holds the two messages the
// model's answers find ("Back to the Kame House", seq 2, and "Kame House at noon", seq 5). The
// path starts with the list up and the search closed (the messenger invokes it; nothing asked).
//
// How each model event happens (by type and payload, never by path position):
// - search.opened: the user presses Ctrl+K (with the dialog open too: the field gets the focus
//   again, which the machine does not hear of).
// - search.closed: the user clicks Close in the dialog; with no dialog, nothing.
// - query.changed: the user types the text into "Search messages", replacing what is there (key
//   by key: each keystroke is a change, the last one the event's text); no dialog: nothing.
// - the search timer (xstate.after.searchDelay): the simulated clock moves on past the quiet
//   time while the query is being typed; otherwise there is no timer and nothing is done.
// - search.retried / olderResults.requested: the user clicks Retry / Load older results; not
//   shown (or disabled while loading): nothing.
// - hit.picked: the user clicks the hit (the message of that seq) in the dialog.
// - messages.found / messages.failed: the server answers the searchMessages with the event's
//   searchId that the app sent on this connection and that is not answered yet; with no such
//   request (never asked, already answered, or sent on a dropped connection) nothing.
// - connection.lost: the server drops the socket (the session tells the messenger, which tells
//   the search); the client reconnects, and the server answers its sync.
//
// What is asserted per step:
// - closed <-> no "Search messages" dialog. idle <-> its hint "Search what was said…";
//   debouncing and searching <-> "Searching…"; loadingMore <-> "Loading older results…";
//   failed <-> an alert with Retry; moreFailed <-> the alert "Could not load older results…";
//   found <-> none of these.
// - `query` <-> the field holds a non-blank query.
// - `hits` <-> the seqs of the hits listed, in order.
// - `hasMore` (while found) <-> "Load older results" is offered.
// - `error` <-> the alert's text: "Too many searches…" (rate_limited), "Not connected…" (the
//   offline error, code internal); no alert <-> null.
// - After hit.picked: the group is open in the main pane (and stays so until another path).
import { act, screen, within } from '@testing-library/react';
import type { EventObject, StateValue } from 'xstate';
import { messageSearchDelayMs } from '../../../machines/messageSearch.ts';
import { systemIds, type SocketCommand } from '../../../machines/system.ts';
import type { ConversationsAndUsers } from '../../../server/protocol.ts';
import { syncData } from '../fixtures.ts';
import type { Facts } from '../modelKit.ts';
import { kameHits, messageSearchTimer, models } from '../models.ts';
import { createTally, describeAdapter, expectKnownFacts } from '../realKit.ts';
import { loseConnection, runViewsPath, startWorld, titles, type World } from './signedInWorld.tsx';

const knownFacts = ['query', 'hits', 'hasMore', 'error'] as const;
const count = createTally();
const GROUP = 'c-group';
const seqOfText = new Map(kameHits.map((hit) => [hit.message.text, hit.message.seq]));

/** The fixtures' world, the group holding the two messages the model's answers find. */
function worldData(): ConversationsAndUsers {
  const data = syncData();
  const group = data.conversations.find((conversation) => conversation.id === GROUP)!;
  const messages = kameHits.map((hit) => hit.message).sort((a, b) => a.seq - b.seq);
  Object.assign(group, { messages, lastMessage: messages.at(-1), hasMore: false });
  return data;
}

interface Seen {
  dialog: 'none' | 'idle' | 'searching' | 'found' | 'loadingMore' | 'failed' | 'moreFailed';
  query?: boolean;
  hits?: string;
  hasMore?: boolean;
  error?: string | null;
}

const searchDialog = () => screen.queryByRole('dialog', { name: 'Search messages' });

function seenOnScreen(): Seen {
  const dialog = searchDialog();
  if (!dialog) return { dialog: 'none' };
  const alert = within(dialog).queryByRole('alert')?.textContent ?? null;
  const loadingMore = within(dialog).queryByRole('button', { name: 'Loading older results…' });
  const more = within(dialog).queryByRole('button', { name: 'Load older results' });
  const state: Seen['dialog'] = alert?.startsWith('Could not load older results')
    ? 'moreFailed'
    : alert !== null
      ? 'failed'
      : loadingMore
        ? 'loadingMore'
        : within(dialog).queryByText('Searching…')
          ? 'searching'
          : within(dialog).queryByText(/^Search what was said/)
            ? 'idle'
            : 'found';
  const field = within(dialog).getByRole('combobox', { name: 'Search messages' });
  const hits = within(dialog)
    .queryAllByRole('option')
    .map((option) => {
      const text = [...seqOfText.keys()].find((candidate) =>
        option.textContent?.endsWith(candidate),
      );
      return text === undefined ? `?${option.textContent}` : String(seqOfText.get(text));
    })
    .join(',');
  const seen: Seen = {
    dialog: state,
    query: (field as HTMLInputElement).value.trim() !== '',
    hits,
    error: alert === null ? null : /Too many searches/.test(alert) ? 'rate_limited' : alert,
  };
  if (seen.error !== null && /Not connected/.test(alert ?? '')) seen.error = 'internal';
  if (state === 'found') seen.hasMore = more !== null;
  return seen;
}

function expectedOnScreen(value: StateValue, facts: Facts): Seen {
  if (value === 'closed') return { dialog: 'none' };
  const state = (value as { open: string }).open;
  const expected: Seen = {
    dialog: state === 'debouncing' ? 'searching' : (state as Seen['dialog']),
    query: facts.query === true,
    hits: facts.hits as string,
    error: (facts.error as string | null) ?? null,
  };
  if (state === 'found') expected.hasMore = facts.hasMore === true;
  return expected;
}

const isSearchMessages = (command: SocketCommand) => command.type === 'searchMessages';

async function answer(world: World, event: EventObject & Record<string, unknown>): Promise<void> {
  const [request] = world.outstanding(
    (command) => isSearchMessages(command) && command.searchId === event.searchId,
  );
  if (!request) {
    count(`${event.type}: no such request outstanding, nothing answered`);
    return;
  }
  request.answered = true;
  count(`${event.type}: the server answers the request`);
  act(() => world.socket.toMessageSearch(event as never));
}

async function typeInto(world: World, field: HTMLElement, text: string): Promise<void> {
  const length = (field as HTMLInputElement).value.length;
  await world.user.type(field, text, { initialSelectionStart: 0, initialSelectionEnd: length });
}

async function perform(world: World, event: EventObject & Record<string, unknown>): Promise<void> {
  const dialog = searchDialog();
  const click = async (name: string, what: string) => {
    const button = dialog ? within(dialog).queryByRole('button', { name }) : null;
    if (!button || button.hasAttribute('disabled')) {
      count(`${event.type}: no ${what} offered, nothing`);
      return;
    }
    count(`${event.type}: click ${what}`);
    await world.user.click(button);
  };
  switch (event.type) {
    case 'search.opened':
      count(`search.opened: press Ctrl+K${dialog ? ' (the dialog is open)' : ''}`);
      await world.user.keyboard('{Control>}k{/Control}');
      return;
    case 'search.closed':
      await click('Close', 'Close');
      return;
    case 'query.changed': {
      const field = dialog
        ? within(dialog).queryByRole('combobox', { name: 'Search messages' })
        : null;
      if (!field) {
        count('query.changed: no dialog, nothing');
        return;
      }
      count('query.changed: type it');
      await typeInto(world, field, event.text as string);
      return;
    }
    case messageSearchTimer: {
      const snapshot = world.actor(systemIds.messageSearch)?.getSnapshot();
      if (!snapshot?.matches({ open: 'debouncing' })) {
        count(`${messageSearchTimer}: no timer running`);
        return;
      }
      count(`${messageSearchTimer}: the quiet time passes`);
      await world.advance(messageSearchDelayMs);
      return;
    }
    case 'search.retried':
      await click('Retry', 'Retry');
      return;
    case 'olderResults.requested':
      await click('Load older results', 'Load older results');
      return;
    case 'hit.picked': {
      const hit = kameHits.find((candidate) => candidate.message.seq === event.seq)!;
      const option = dialog
        ? within(dialog)
            .queryAllByRole('option')
            .find((candidate) => candidate.textContent?.endsWith(hit.message.text))
        : undefined;
      if (!option) throw new Error(`hit ${String(event.seq)} is not listed`);
      count('hit.picked: click the hit');
      await world.user.click(option);
      await screen.findByRole('region', { name: titles[GROUP] });
      return;
    }
    case 'messages.found':
    case 'messages.failed':
      await answer(world, event);
      return;
    case 'connection.lost':
      await loseConnection(world, count, worldData(), { comeBack: true });
      return;
    default:
      throw new Error(`messageSearch.views does not know how to make ${event.type} happen`);
  }
}

describeAdapter('messageSearch.views', models.messageSearch!, async (path, recorder) => {
  expectKnownFacts('messageSearch.views', path, knownFacts);
  await runViewsPath(path, recorder, {
    start: async (inspect) => {
      const world = await startWorld({ inspect, firstSync: false });
      await world.answerSync(worldData());
      await screen.findByRole('list', { name: 'Conversations' });
      return world;
    },
    perform: perform,
    seen: seenOnScreen,
    expected: expectedOnScreen,
  });
});
