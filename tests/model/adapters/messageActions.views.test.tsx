// @vitest-environment jsdom
// The messageActions model's paths (tests/model/models.ts), executed against the real views: the
// real App over the real app machine, signed in with a saved token, the scripted socket played
// as the chat server (signedInWorld.tsx). The group "Capsule Corp" holds Goku's "Spar with me"
// (seq 4) and the user's own "Mine at five" (seq 5), and is open before the path starts.
//
// How each model event happens (by type and payload, never by path position):
// - reply.started / edit.started / delete.started / reaction.chosen: the user presses the
//   message's toolbar button (Reply, React then the emoji, More actions then Edit or Delete).
//   With the delete dialog open, the log behind it is covered (a modal dialog): the event is
//   sent to the machine as the log would (direct).
// - edit.changed: with the composer editing, the user clears the field and types the text (a
//   read-only field, while saving, takes nothing); otherwise nothing (typing writes the draft).
// - edit.submitted: with the composer editing, the user presses Enter; otherwise nothing.
// - reply.submitted: with the composer replying, the user types an answer and presses Enter
//   (with the dialog open: direct); otherwise nothing (Enter would send a plain message).
// - composer.cancelled: with a reply or an edit shown, Escape in the composer; otherwise
//   nothing (Escape would close the conversation). With the dialog open: direct.
// - delete.confirmed / delete.cancelled: the dialog's button, when shown and enabled; else
//   nothing.
// - failure.dismissed: the failure alert's close button; with none, nothing.
// - edit.saved / edit.refused / change.done / change.failed: the server answers the request of
//   the event's number that the app sent on this connection and that is not answered yet (with
//   the message as it is: the world stays as the model's next events expect it); with no such
//   request (already answered, or sent on a dropped connection), nothing.
// - connection.lost: the server drops the socket; the client reconnects, its sync is answered.
// - message.gone: the server pushes the message deleted for everyone (Goku deleting his, the
//   user's other window deleting theirs). Deleted messages do not come back: a later event of
//   the path on that message cannot be produced for real (the path is reported skipped).
//
// What is asserted per step:
// - composer idle <-> no banner; replying <-> "Replying to Goku Son" with the snippet of the
//   message of `replyingTo`; editing <-> "Editing message", the field holding `editText`, read
//   only exactly while saving, the "Edit not saved" alert exactly while refused (`editError`).
// - change idle <-> no dialog and no failure alert (and no reaction awaiting its answer);
//   confirmingDelete / deleting <-> the "Delete message?" dialog, its buttons enabled / disabled,
//   "Delete for everyone" offered exactly when `deleting` is 'everyone'; reacting <-> a
//   reactToMessage request awaits its answer; failed <-> the "Message action failed" alert
//   (`changeError`).
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent, { PointerEventsCheckLevel } from '@testing-library/user-event';
import type { EventObject, StateValue } from 'xstate';
import type { SocketCommand } from '../../../machines/system.ts';
import type { ConversationsAndUsers, Message } from '../../../server/protocol.ts';
import { syncData } from '../fixtures.ts';
import type { Facts } from '../modelKit.ts';
import { messageActionsTargets, models } from '../models.ts';
import { createTally, describeAdapter, expectKnownFacts, Unproducible } from '../realKit.ts';
import { startWorld, titles, type World, loseConnection, runViewsPath } from './signedInWorld.tsx';
import { conversationRowName } from '../../unit/support/conversationRows.ts';

const knownFacts = ['replyingTo', 'editText', 'editError', 'deleting', 'changeError'] as const;
const count = createTally();
const GROUP = 'c-group';
const { theirs, mine } = messageActionsTargets;
const bySeq: Record<number, Message> = { [theirs.seq]: theirs, [mine.seq]: mine };

/** The fixtures' world, the group holding Goku's message and the user's own, nothing more. */
function worldData(): ConversationsAndUsers {
  const data = syncData();
  const group = data.conversations.find((conversation) => conversation.id === GROUP)!;
  Object.assign(group, { messages: [theirs, mine], lastMessage: mine, hasMore: false });
  return data;
}

type ComposerSeen = 'idle' | 'replying' | { editing: 'writing' | 'saving' | 'refused' };
type ChangeSeen = 'idle' | 'confirmingDelete' | 'deleting' | 'reacting' | 'failed';

interface Seen {
  composer: ComposerSeen;
  change: ChangeSeen;
  replyingTo: number | null;
  editText: string | null;
  editError: boolean;
  deleting: 'everyone' | 'me' | null;
  changeError: boolean;
}

// The composer's parts are found hidden too: the delete dialog, being modal, hides the rest of
// the page from assistive technology while it is open.
const hidden = { hidden: true } as const;
const field = () =>
  screen.getByRole('textbox', { name: 'Message', ...hidden }) as HTMLTextAreaElement;
const dialog = () => screen.queryByRole('dialog', { name: 'Delete message?' });
const editAlert = () => screen.queryByRole('alert', { name: 'Edit not saved', ...hidden });
const changeAlert = () => screen.queryByRole('alert', { name: 'Message action failed', ...hidden });
const isChange = (command: SocketCommand) =>
  command.type === 'reactToMessage' ||
  command.type === 'deleteMessage' ||
  command.type === 'hideMessage';

function seenOnScreen(world: World): Seen {
  const replying = screen.queryByRole('status', { name: /^Replying to /, ...hidden });
  const editing = screen.queryByRole('status', { name: 'Editing message', ...hidden });
  const open = dialog();
  const buttons = open ? within(open).queryAllByRole('button') : [];
  const reactionAwaited = world.outstanding((command) => command.type === 'reactToMessage');
  let composer: ComposerSeen = 'idle';
  if (replying) composer = 'replying';
  if (editing) {
    composer = {
      editing: field().readOnly ? 'saving' : editAlert() ? 'refused' : 'writing',
    };
  }
  let change: ChangeSeen = 'idle';
  if (open) {
    change = buttons.every((button) => (button as HTMLButtonElement).disabled)
      ? 'deleting'
      : 'confirmingDelete';
  } else if (changeAlert()) change = 'failed';
  else if (reactionAwaited.length > 0) change = 'reacting';
  const snippet = replying?.textContent ?? '';
  return {
    composer,
    change,
    replyingTo: replying
      ? (Object.values(bySeq).find((message) => snippet.includes(message.text))?.seq ?? -1)
      : null,
    editText: editing ? field().value : null,
    editError: editAlert() !== null,
    deleting: open
      ? within(open).queryByRole('button', { name: 'Delete for everyone' })
        ? 'everyone'
        : 'me'
      : null,
    changeError: changeAlert() !== null,
  };
}

function expectedOnScreen(value: StateValue, facts: Facts): Seen {
  const { composer, change } = value as { composer: ComposerSeen; change: ChangeSeen };
  return {
    composer,
    change,
    replyingTo: facts.replyingTo as number | null,
    editText: facts.editText as string | null,
    editError: facts.editError === true,
    deleting: facts.deleting as Seen['deleting'],
    changeError: facts.changeError === true,
  };
}

const article = (seq: number) => {
  const log = screen.getByRole('log', { name: 'Messages' });
  const found = within(log)
    .getAllByRole('article')
    .find((candidate) => candidate.textContent?.includes(bySeq[seq]!.text));
  if (!found) throw new Error(`message ${seq} is not in the log`);
  return found;
};
const seqOf = (messageId: unknown) => (messageId === theirs.id ? theirs.seq : mine.seq);
const toolbarButton = (seq: number, name: string) =>
  within(within(article(seq)).getByRole('toolbar', { name: 'Message actions' })).getByRole(
    'button',
    { name },
  );

/**
 * The toolbar takes the pointer only while its message is hovered (CSS `:hover`, which jsdom
 * does not apply): the user hovers first, so its buttons are pressed without user-event's
 * pointer-events check. The e2e tests press them in Chromium, where the check is the browser's.
 */
const hovering = userEvent.setup({
  delay: null,
  pointerEventsCheck: PointerEventsCheckLevel.Never,
});
async function pressInToolbar(seq: number, name: string): Promise<void> {
  await hovering.hover(article(seq));
  await hovering.click(toolbarButton(seq, name));
}

async function fromMenu(world: World, seq: number, item: string): Promise<void> {
  await pressInToolbar(seq, 'More actions');
  await world.user.click(await screen.findByRole('menuitem', { name: item }));
}

/** The messages each world's server deleted (message.gone), as they now are. */
const deletedIn = new WeakMap<World, Map<string, Message>>();
const deleted = (world: World) => {
  let map = deletedIn.get(world);
  if (!map) deletedIn.set(world, (map = new Map()));
  return map;
};
const messageOf = (id: unknown) => (id === theirs.id ? theirs : mine);
/** A later event on a deleted message: the user cannot do it (the path is skipped). */
function refuseIfGone(world: World, event: EventObject & Record<string, unknown>): void {
  const id =
    event.type === 'reply.started'
      ? (event.quote as { messageId: string }).messageId
      : (event.messageId as string | undefined);
  if (id !== undefined && deleted(world).has(id)) {
    throw new Unproducible(`${event.type} on a message deleted earlier in the path`);
  }
}

async function answer(world: World, event: EventObject & Record<string, unknown>): Promise<void> {
  const edit = event.type === 'edit.saved' || event.type === 'edit.refused';
  const [request] = world.outstanding((command) =>
    edit
      ? command.type === 'editMessage' && command.requestId === event.requestId
      : isChange(command) && 'requestId' in command && command.requestId === event.requestId,
  );
  if (!request) {
    count(`${event.type}: no such request outstanding, nothing answered`);
    return;
  }
  request.answered = true;
  count(`${event.type}: the server answers the request`);
  const asked = request.command as { messageId: string };
  // The message as it is: the world stays as the model's later events expect it.
  const asItIs = deleted(world).get(asked.messageId) ?? messageOf(asked.messageId);
  const answerEvent = 'message' in event ? { ...event, message: asItIs } : event;
  act(() => world.socket.toMessageActions(answerEvent as never));
}

async function perform(world: World, event: EventObject & Record<string, unknown>): Promise<void> {
  const covered = dialog() !== null;
  const direct = (why: string) => {
    count(`${event.type}: sent to the machine (${why})`);
    world.tell('messageActions', event);
  };
  const editing = () =>
    screen.queryByRole('status', { name: 'Editing message', ...hidden }) !== null;
  const replying = () =>
    screen.queryByRole('status', { name: /^Replying to /, ...hidden }) !== null;
  refuseIfGone(world, event);
  switch (event.type) {
    case 'message.gone': {
      const target = messageOf(event.messageId);
      const tombstone: Message = {
        ...target,
        text: '',
        deletedAt: target.sentAt + 60_000,
        revision: deleted(world).size + 1,
      };
      deleted(world).set(target.id, tombstone);
      count('message.gone: the server pushes the message deleted for everyone');
      act(() => world.socket.toMessenger({ type: 'message.changed', message: tombstone }));
      return;
    }
    case 'reply.started': {
      if (covered) return direct('the dialog covers the log');
      count('reply.started: the Reply button of the message');
      await pressInToolbar((event.quote as { seq: number }).seq, 'Reply');
      return;
    }
    case 'edit.started': {
      if (covered) return direct('the dialog covers the log');
      count('edit.started: More actions, then Edit');
      await fromMenu(world, event.seq as number, 'Edit');
      return;
    }
    case 'delete.started': {
      if (covered) return direct('the dialog covers the log');
      count('delete.started: More actions, then Delete');
      await fromMenu(world, seqOf(event.messageId), 'Delete');
      return;
    }
    case 'reaction.chosen': {
      if (covered) return direct('the dialog covers the log');
      count('reaction.chosen: React, then the emoji');
      await pressInToolbar(seqOf(event.messageId), 'React');
      await world.user.click(
        await screen.findByRole('menuitem', { name: `React with ${event.emoji as string}` }),
      );
      return;
    }
    case 'edit.changed': {
      if (!editing()) {
        count('edit.changed: no edit shown, nothing');
        return;
      }
      if (covered) return direct('the dialog covers the composer');
      count('edit.changed: clear the field and type');
      await world.user.clear(field());
      await world.user.type(field(), event.text as string);
      return;
    }
    case 'edit.submitted': {
      if (!editing()) {
        count('edit.submitted: no edit shown, nothing');
        return;
      }
      if (covered) return direct('the dialog covers the composer');
      count('edit.submitted: Enter in the field');
      await world.user.type(field(), '{Enter}');
      return;
    }
    case 'reply.submitted': {
      if (!replying()) {
        count('reply.submitted: no reply shown, nothing');
        return;
      }
      if (covered) return direct('the dialog covers the composer');
      count('reply.submitted: type an answer and press Enter');
      if (field().value.trim() === '') await world.user.type(field(), 'On it');
      await world.user.type(field(), '{Enter}');
      return;
    }
    case 'composer.cancelled': {
      if (!editing() && !replying()) {
        count('composer.cancelled: nothing to cancel, nothing');
        return;
      }
      if (covered) return direct('the dialog covers the composer');
      count('composer.cancelled: Escape in the composer');
      await world.user.type(field(), '{Escape}');
      return;
    }
    case 'delete.confirmed':
    case 'delete.cancelled': {
      const open = dialog();
      const name =
        event.type === 'delete.cancelled'
          ? 'Cancel'
          : event.forEveryone
            ? 'Delete for everyone'
            : 'Delete for me';
      const button = open && within(open).queryByRole('button', { name });
      if (!button || (button as HTMLButtonElement).disabled) {
        count(`${event.type}: no ${name} to press, nothing`);
        return;
      }
      count(`${event.type}: press ${name}`);
      await world.user.click(button);
      return;
    }
    case 'failure.dismissed': {
      const alert = changeAlert();
      if (!alert) {
        count('failure.dismissed: no failure shown, nothing');
        return;
      }
      count('failure.dismissed: close the alert');
      await world.user.click(within(alert).getByRole('button', { name: 'Close' }));
      return;
    }
    case 'edit.saved':
    case 'edit.refused':
    case 'change.done':
    case 'change.failed':
      await answer(world, event);
      return;
    case 'connection.lost':
      await loseConnection(world, count, worldData(), { comeBack: true });
      return;
    default:
      throw new Error(`messageActions.views does not know how to make ${event.type} happen`);
  }
}

const row = (title: string) => {
  const list = screen.getByRole('list', { name: 'Conversations' });
  return within(list).getByRole('button', { name: conversationRowName(title) });
};

describeAdapter('messageActions.views', models.messageActions!, async (path, recorder) => {
  expectKnownFacts('messageActions.views', path, knownFacts);
  await runViewsPath(path, recorder, {
    start: async (inspect) => {
      const world = await startWorld({ inspect, firstSync: false });
      await world.answerSync(worldData());
      await world.user.click(await waitFor(() => row(titles[GROUP])));
      await screen.findByRole('region', { name: titles[GROUP] });
      return world;
    },
    perform,
    seen: seenOnScreen,
    expected: expectedOnScreen,
  });
});
