// @vitest-environment jsdom
// The receiptList model's paths (tests/model/models.ts), executed against the real views: the
// real App over the real app machine, signed in with a saved token, the scripted socket played
// as the chat server (signedInWorld.tsx). The group "Capsule Corp" holds two of the user's own
// messages, seq 3 ("Mine at three") and seq 5 ("Mine at five"), and is open in the main pane
// before the path starts (the receipt list is invoked by the messenger; nothing is asked yet).
//
// How each model event happens (by type and payload, never by path position):
// - receiptList.opened: the user clicks the tick ("… Message info") of the message with that
//   seq. With the dialog already open, the log behind it is covered (a modal dialog): no click
//   reaches a tick, so the event is sent to the receipt list as the log would (direct). With the
//   group closed (left by an earlier receiptList.closed), the user opens it first.
// - receiptList.retried: the user clicks Retry in the dialog; with no Retry shown, nothing.
// - receiptList.closed: the user clicks Close in the dialog; with no dialog, the user leaves the
//   group (clicks the DM's row), which closes the list as the conversation's views go away.
// - receiptList.loaded / receiptList.failed: the server answers the listReceipts request with
//   the event's number that the app sent on this connection and that is not answered yet; with
//   no such request (never asked, already answered, or sent on a dropped connection) nothing.
// - connection.lost: the server drops the socket (the session tells the messenger, which tells
//   the receipt list); the client reconnects, and the server answers its sync.
//
// What is asserted per step:
// - closed <-> no "Message info" dialog; loading <-> the dialog shows "Loading who read it";
//   shown <-> it shows "Read by N" and "Delivered to N"; failed <-> it shows an alert with Retry.
// - `error` <-> the alert is shown.
// - `readBy` / `deliveredTo` <-> the names listed under "Read by" / "Delivered to" (as ids).
// - `message` <-> while open, the seq of the last listReceipts request the server was sent;
//   null <-> no dialog.
import { act, screen, waitFor, within } from '@testing-library/react';
import type { EventObject, StateValue } from 'xstate';
import type { SocketCommand } from '../../../machines/system.ts';
import type { ConversationsAndUsers } from '../../../server/protocol.ts';
import { bulma, goku, me, message, syncData, vegeta } from '../fixtures.ts';
import type { Facts } from '../modelKit.ts';
import { models } from '../models.ts';
import { createTally, describeAdapter, expectKnownFacts } from '../realKit.ts';
import { startWorld, titles, type World, loseConnection, runViewsPath } from './signedInWorld.tsx';
import { conversationRowName } from '../../unit/support/conversationRows.ts';

const knownFacts = ['message', 'readBy', 'deliveredTo', 'error'] as const;
const count = createTally();
const GROUP = 'c-group';
const texts: Record<number, string> = { 3: 'Mine at three', 5: 'Mine at five' };

const people = [me, vegeta, goku, bulma];
const idOfName = (name: string) =>
  people.find((person) => `${person.firstName} ${person.lastName}` === name)?.id ?? `?${name}`;

/** The fixtures' world, the group holding two of the user's own messages and nothing more. */
function worldData(): ConversationsAndUsers {
  const data = syncData();
  const mine = [3, 5].map((seq) =>
    message({ id: `m-g-${seq}`, seq, conversationId: GROUP, authorId: me.id, text: texts[seq] }),
  );
  const group = data.conversations.find((conversation) => conversation.id === GROUP)!;
  Object.assign(group, { messages: mine, lastMessage: mine[1], hasMore: false });
  return data;
}

interface Seen {
  dialog: 'none' | 'loading' | 'shown' | 'failed';
  message?: number | null;
  readBy?: string;
  deliveredTo?: string;
  error?: boolean;
}

const isListReceipts = (command: SocketCommand) => command.type === 'listReceipts';

function seenOnScreen(world: World): Seen {
  const dialog = screen.queryByRole('dialog', { name: 'Message info' });
  if (!dialog) return { dialog: 'none', message: null };
  const asked = world.log.filter((entry) => isListReceipts(entry.command)).at(-1);
  const seq = asked ? (asked.command as { seq: number }).seq : null;
  const names = (label: RegExp) => {
    const list = within(dialog).queryByRole('list', { name: label });
    return list
      ? within(list)
          .queryAllByRole('listitem')
          .map((item) => idOfName(item.textContent ?? ''))
          .join(',')
      : '';
  };
  const alert = within(dialog).queryByRole('alert') !== null;
  const loading = within(dialog).queryByRole('progressbar', { name: 'Loading who read it' });
  const shown = within(dialog).queryByRole('heading', { name: /^Read by \d+$/ }) !== null;
  return {
    dialog: loading ? 'loading' : alert ? 'failed' : shown ? 'shown' : 'none',
    message: seq,
    readBy: names(/^Read by/),
    deliveredTo: names(/^Delivered to/),
    error: alert,
  };
}

function expectedOnScreen(value: StateValue, facts: Facts): Seen {
  if (value === 'closed') return { dialog: 'none', message: null };
  return {
    dialog: value as Seen['dialog'],
    message: facts.message as number,
    readBy: facts.readBy as string,
    deliveredTo: facts.deliveredTo as string,
    error: facts.error === true,
  };
}

const row = (title: string) => {
  const list = screen.getByRole('list', { name: 'Conversations' });
  return within(list).getByRole('button', { name: conversationRowName(title) });
};
const groupOpen = () => screen.queryByRole('region', { name: titles[GROUP] }) !== null;

async function answer(world: World, event: EventObject & Record<string, unknown>): Promise<void> {
  const [request] = world.outstanding(
    (command) => isListReceipts(command) && command.requestId === event.requestId,
  );
  if (!request) {
    count(`${event.type}: no such request outstanding, nothing answered`);
    return;
  }
  request.answered = true;
  count(`${event.type}: the server answers the request`);
  act(() => world.socket.receiptList(event as never));
}

async function perform(world: World, event: EventObject & Record<string, unknown>): Promise<void> {
  const dialog = () => screen.queryByRole('dialog', { name: 'Message info' });
  switch (event.type) {
    case 'receiptList.opened': {
      if (dialog()) {
        count('receiptList.opened: sent to the receipt list (the dialog covers the log)');
        world.tell('receiptList', event);
        return;
      }
      if (!groupOpen()) {
        await world.user.click(row(titles[GROUP]));
        await screen.findByRole('region', { name: titles[GROUP] });
      }
      const seq = event.seq as number;
      const article = screen
        .getAllByRole('article')
        .find((candidate) => candidate.textContent?.includes(texts[seq]!));
      if (!article) throw new Error(`message ${seq} is not in the log`);
      count('receiptList.opened: click the tick of the message');
      await world.user.click(within(article).getByRole('button', { name: /Message info$/ }));
      return;
    }
    case 'receiptList.retried': {
      const retry = dialog() && within(dialog()!).queryByRole('button', { name: 'Retry' });
      if (!retry) {
        count('receiptList.retried: no Retry shown, nothing');
        return;
      }
      count('receiptList.retried: click Retry');
      await world.user.click(retry);
      return;
    }
    case 'receiptList.closed': {
      const open = dialog();
      if (open) {
        count('receiptList.closed: click Close');
        await world.user.click(within(open).getByRole('button', { name: 'Close' }));
        return;
      }
      if (!groupOpen()) {
        count('receiptList.closed: nothing open to close or leave');
        return;
      }
      count('receiptList.closed: leave the group (click the DM)');
      await world.user.click(row(titles['c-vegeta']));
      return;
    }
    case 'receiptList.loaded':
    case 'receiptList.failed':
      await answer(world, event);
      return;
    case 'connection.lost':
      await loseConnection(world, count, worldData(), { comeBack: true });
      return;
    default:
      throw new Error(`receiptList.views does not know how to make ${event.type} happen`);
  }
}

describeAdapter('receiptList.views', models.receiptList!, async (path, recorder) => {
  expectKnownFacts('receiptList.views', path, knownFacts);
  await runViewsPath(path, recorder, {
    start: async (inspect) => {
      const world = await startWorld({ inspect, firstSync: false });
      await world.answerSync(worldData());
      await world.user.click(await waitFor(() => row(titles[GROUP])));
      await screen.findByRole('region', { name: titles[GROUP] });
      return world;
    },
    perform: perform,
    seen: seenOnScreen,
    expected: expectedOnScreen,
  });
});
