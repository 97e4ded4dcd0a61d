// @vitest-environment jsdom
// The conversation model's paths (tests/model/models.ts), executed against the real views: the
// real App over the real app machine, signed in, the scripted socket played as the chat server
// (signedInWorld.tsx). The path's conversation is the group "Capsule Corp" of the fixtures; the
// DM with Vegeta is the other conversation, there to be switched to.
//
// How each model event happens (by type and payload, never by path position):
// - start: a conversation actor exists only from the sync that makes it live (the messenger
//   spawns it and hands it that sync at once), so the path's first state (offline, before any
//   sync) is reached as a conversation known from an earlier connection: the first sync, then
//   the connection drops. Its context is the model's input (the same sync data).
// - conversation.synced: the server answers a sync the app asked for: after a reconnect (the
//   session waits out its backoff on the simulated clock and the socket connects) when offline;
//   when live, after a push names a conversation the messenger does not know (it resyncs). The
//   sync carries the event's conversation. Actor-to-actor (messenger -> conversation).
// - connection.lost: the server drops the socket; the session, leaving live, tells the
//   messenger, which tells each conversation. When the session is not live the conversation is
//   offline already and nothing can lose the connection again: nothing is done.
// - channel.updated: the server pushes the event's update (on a connected socket).
// - member.left: the server announces a member leaving the group (memberLeft), through the
//   messenger as the real transport delivers it.
// - member.joined: the server announces a user joining the group (userJoined); the messenger
//   tells the conversation. Actor-to-actor.
// - conversation.opened: the user clicks "Capsule Corp" in the sidebar.
// - conversation.closed: the user clicks the DM in the sidebar (the views have no close
//   control; selecting another conversation closes this one).
// - draft.changed: the user types the text into the composer, over what it holds, or clears it.
//   Entering a fresh drafting signal, the second keystroke comes 1.5 s after the first, so the
//   refresh timer (3 s after the signal) and the idle timer (3 s after the last keystroke) are
//   apart, as they are when a person types.
// - message.submitted: the user presses Send, or Enter, alternately; a disabled Send is a press
//   the view does not offer (the machine's guard says no too).
// - history.requested: the user scrolls the log to the top.
//   The composer and the log exist only for the open conversation: draft.changed,
//   message.submitted and history.requested in a closed one have no user cause in these views;
//   they are sent to the conversation actor (systemId conversation.c-group) as the views would.
// - history.loaded / history.failed, catchUp.loaded / catchUp.failed: the server answers the
//   history or catch-up request the app sent on this connection; no request, nothing to answer
//   (the model ignores them outside loading and catchingUp). A catch-up answer carries the
//   request's `after` in the real transport; the event's `after` is kept when they differ (a
//   stale page), counted below.
// - outgoing.sent: the server acknowledges the message's sendMessage (the model's `p-<n>` is the
//   group's n-th message, `<prefix>-<n>`); the message reports it to the conversation.
//   outgoing.settled: the server refuses the message (text_too_long: failed, reported as
//   settled), or, when it failed already and is on screen, the user presses Retry. A message not
//   on the wire (offline, queued, already answered) cannot be acknowledged or refused: the
//   event is sent to the conversation as the message would. Actor-to-actor.
// - xstate.after.draftingRefresh / draftingIdle: the simulated clock moves to that timer.
// - message.jumpRequested: sent to the actor, as the search dialog does right after opening the
//   conversation at a hit (the fixtures' messages quote nothing; a reply's quote is clicked in
//   tests/unit/renderer/messenger/MessengerScreen.test.tsx and tests/e2e/messenger.test.ts).
//   message.jumpShown: the log sends it itself once it has scrolled to the message (nothing to
//   do); sent to the actor when the log has not (closed). message.jumpRetried: the user presses
//   "Try again" on the jump's alert (open), else sent to the actor.
// - changes.loaded / changes.failed: the server answers the listMessageChanges request the app
//   sent on this connection (no request, nothing to answer).
//
// What the user (or the server) is shown to observe, per step:
// - visibility: the main pane shows the region "Capsule Corp" (open) or not (closed).
// - link: the connection banner ("Reconnecting…", "Connecting…") is absent (online) or shown.
// - composer: typing <-> the server's last drafting signal for the group is `true`; signal fresh
//   <-> that signal went out less than 3 s ago (stale: it is due a refresh). keystrokes: not
//   observable apart from composer typing (it is always `recent` while typing).
// - history: loading <-> the server holds an unanswered history request on this connection
//   (and, open, the "Loading older messages" bar shows); failed: the error alert (open).
// - catchUp: catchingUp <-> the server holds an unanswered catch-up request; complete, settling
//   and gaveUp look the same (nothing asked): not observable apart.
// - window.blurred / window.focused: with the group open, the window loses or gets the focus
//   (document.hasFocus and a blur or focus event, which the views report to the messenger);
//   closed, the messenger tells it nobody: sent to the actor, where it changes nothing.
// - read.moved: another window of the user read further: readPositionChanged, through the
//   messenger as the transport delivers it.
// - receipts.moved: the members got or read further: receiptsChanged, through the messenger as
//   the transport delivers it.
// - mute.toggled: the user presses the open conversation's Mute / Unmute notifications button.
//   message.changed / message.hidden: the server pushes messageChanged (an edit) / messageHidden
//   (deleted for the user in another window), through the messenger.
//   mute.changed: another window of the user muted or unmuted it: mutedChanged, through the
//   messenger as the transport delivers it. A sync's `muted` rides in conversation.synced.
// - notifications: muted <-> the group's sidebar row shows the "Muted" icon.
// - jump (open): seeking <-> the log is busy (aria-busy); failed <-> the alert "Could not load the
//   message." with "Try again"; arrived, on the step that arrives <-> a message in the log is
//   the current one (aria-current), highlighted. The log says at once that it has shown it, so
//   arrived and idle look the same after that step.
// - changes: loading <-> the server holds an unanswered listMessageChanges request; idle and
//   failed look the same (nothing asked).
// - facts: newMessagesLine <-> the open log shows "New messages" (judged like the hole);
//   unread <-> the sidebar row shows "N unread"; draft <-> the composer holds text
//   (open); unsent <-> a "Sending" or "Not sent" bubble (open); members <-> the names in the
//   open group's member line ("Goku, Bulma and you": 3); historyError <-> the alert
//   (open); hole <-> the messages shown skip a seq the server has (open, and only when the log's
//   viewport holds every row; the virtualized log renders a window).
// Coverage (coverage/model-real/conversation.views.json) is of the whole real run, so the start
// (the first sync, the drop) counts too: link.offline on conversation.synced and link.online on
// connection.lost are taken by every path.
// Not observable, and why:
// - draft, unsent, members, historyError and hole while the conversation is closed (only the open
//   conversation's composer and log exist; the sidebar shows neither a draft nor the outbox).
// - hasMore: no passive affordance (no "load older" control, no "beginning of conversation"
//   marker); it shows through history.requested steps, whose scroll asks the server only when
//   there is more (the history region is then checked).
// - history failed vs idle while closed (the alert is the open conversation's).
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { EventObject, StateValue } from 'xstate';
import { draftingTiming } from '../../../machines/conversation.ts';
import { conversationSystemId, type SocketCommand } from '../../../machines/system.ts';
import type {
  ChannelUpdate,
  Conversation,
  Message,
  ProtocolError,
  Receipts,
} from '../../../server/protocol.ts';
import { newConversationUpdate, syncData } from '../fixtures.ts';
import { generatePaths, type Facts, type ModelPath } from '../modelKit.ts';
import { models } from '../models.ts';
import {
  createCoverageRecorder,
  createTally,
  describeAdapter,
  expectKnownFacts,
  type CoverageRecorder,
} from '../realKit.ts';
import { installLayout, same, startWorld, titles, type World } from './signedInWorld.tsx';
import { conversationRowName } from '../../unit/support/conversationRows.ts';

const GROUP = 'c-group';
const groupSystemId = conversationSystemId(GROUP);
/** The facts this adapter knows how to observe (a new one in the model fails the path). */
const knownFacts = [
  'draft',
  'unsent',
  'members',
  'unread',
  'hole',
  'hasMore',
  'historyError',
  'newMessagesLine',
] as const;
/** Between the first and the second keystroke of a draft that starts a drafting signal. */
const KEYSTROKE_GAP_MS = 1_500;
/**
 * Send and Enter take turns, counted within a path from a start that depends on the path alone
 * (its description), so a path presses the same keys when run alone, replayed or shrunk.
 */
const firstSubmission = (description: string) =>
  [...description].reduce((sum, char) => sum + char.charCodeAt(0), 0) % 2;

/** How often each event was produced by its real cause, or sent to the actor for lack of one. */
const count = createTally();

const checkFacts = (path: ModelPath) => expectKnownFacts('conversation.views', path, knownFacts);

// ---- what the user (and the server) sees ---------------------------------------------------

interface Seen {
  visibility: 'open' | 'closed';
  link: 'online' | 'offline';
  typing: boolean;
  signalFresh?: boolean;
  historyLoading: boolean;
  catchingUp: boolean;
  unread: boolean;
  draft?: boolean;
  unsent?: boolean;
  members?: number;
  historyError?: boolean;
  hole?: boolean;
  /** The log shows "New messages" (open, all rows rendered). */
  newMessagesLine?: boolean;
  /** The row shows the muted icon. */
  muted: boolean;
  changesLoading: boolean;
  /** The log is busy reaching a message (open). */
  seekingMessage?: boolean;
  /** The jump's failure alert (open). */
  jumpFailed?: boolean;
  /** A message of the log is the current one, where the jump took it (open, on arriving). */
  jumpedTo?: boolean;
}

type Region = Record<string, StateValue>;

function expectedOnScreen(
  value: StateValue,
  facts: Facts,
  holeVisible: boolean,
  justArrived: boolean,
): Seen {
  const regions = value as Region;
  const composer = regions.composer;
  const typing = composer !== 'quiet';
  // Open is `{ open: 'reading' | 'away' }`: the window's focus is not on screen apart from it.
  const open = regions.visibility !== 'closed';
  const signal = typing ? ((composer as Region).typing as Region).signal : undefined;
  return {
    visibility: open ? 'open' : 'closed',
    link: regions.link === 'online' ? 'online' : 'offline',
    typing,
    ...(typing ? { signalFresh: signal === 'fresh' } : {}),
    historyLoading: regions.history === 'loading',
    catchingUp: regions.catchUp === 'catchingUp',
    unread: facts.unread === true,
    muted: regions.notifications === 'muted',
    changesLoading: regions.changes === 'loading',
    ...(open
      ? {
          seekingMessage: typeof regions.jump === 'object' && 'seeking' in regions.jump,
          jumpFailed: regions.jump === 'failed',
          ...(justArrived ? { jumpedTo: true } : {}),
          draft: facts.draft === true,
          unsent: facts.unsent === true,
          members: facts.members as number,
          historyError: facts.historyError === true,
          ...(holeVisible
            ? { hole: facts.hole === true, newMessagesLine: facts.newMessagesLine === true }
            : {}),
        }
      : {}),
  };
}

/** Whether the window has the focus, as `document.hasFocus()` answers (jsdom's says yes). */
const focus = { has: true };

const sidebar = () => screen.getByRole('list', { name: 'Conversations' });
const row = (title: string) =>
  within(sidebar()).getByRole('button', { name: conversationRowName(title) });
const groupRegion = () => screen.queryByRole('region', { name: titles[GROUP] });
const composerField = () => screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;

class Server {
  /** Every message the server delivered, by text: what a bubble's text stands for. */
  readonly seqByText = new Map<string, number>();
  readonly world: World;
  constructor(world: World) {
    this.world = world;
  }

  know(messages: readonly Message[]): void {
    for (const message of messages) this.seqByText.set(message.text, message.seq);
  }

  lastDrafting() {
    const signals = this.world.log.filter(
      (entry) => entry.command.type === 'isDrafting' && entry.command.conversationId === GROUP,
    );
    return signals.at(-1) ?? null;
  }

  outstanding(match: (command: SocketCommand) => boolean) {
    return this.world.outstanding(match);
  }

  historyRequests() {
    return this.outstanding(
      (c) => c.type === 'requestMessages' && c.purpose === 'history' && c.conversationId === GROUP,
    );
  }

  changesRequests() {
    return this.outstanding((c) => c.type === 'listMessageChanges' && c.conversationId === GROUP);
  }

  catchUpRequests() {
    return this.outstanding(
      (c) => c.type === 'requestMessages' && c.purpose === 'catchUp' && c.conversationId === GROUP,
    );
  }

  sending(clientMessageId: string) {
    return this.outstanding(
      (c) => c.type === 'sendMessage' && c.clientMessageId === clientMessageId,
    );
  }
}

/** Scrolls the open log to its newest message, where new and unsent messages are. */
function lookAtNewest(): void {
  const log = screen.queryByRole('log', { name: 'Messages' });
  if (!log) return;
  act(() => {
    log.scrollTo({ top: log.scrollHeight });
  });
}

const jumpAlertText = 'Could not load the message.';

function seenOnScreen(
  server: Server,
  now: number,
  justArrived: boolean,
): { seen: Seen; holeVisible: boolean } {
  const region = groupRegion();
  const signal = server.lastDrafting();
  const typing = signal?.command.type === 'isDrafting' && signal.command.isDrafting;
  const badge = within(row(titles[GROUP])).queryByLabelText(/unread$/);
  const seen: Seen = {
    visibility: region ? 'open' : 'closed',
    link: screen.queryByText(/Reconnecting…|Connecting…/) ? 'offline' : 'online',
    typing,
    ...(typing ? { signalFresh: now - signal.at < draftingTiming.refreshMs } : {}),
    historyLoading: server.historyRequests().length > 0,
    catchingUp: server.catchUpRequests().length > 0,
    unread: badge !== null,
    muted: within(row(titles[GROUP])).queryByRole('img', { name: 'Muted' }) !== null,
    changesLoading: server.changesRequests().length > 0,
  };
  if (!region) return { seen, holeVisible: false };
  const bar = screen.queryByRole('progressbar', { name: 'Loading older messages' });
  if ((bar !== null) !== seen.historyLoading) {
    // The server's view and the screen's disagree: show it as a loading mismatch.
    seen.historyLoading = bar !== null;
  }
  seen.draft = composerField().value !== '';
  // "Goku, Bulma and you": the members line of the header names each member.
  const membersLine = within(region).getAllByRole('status').at(-1)?.textContent ?? '';
  seen.members = membersLine.split(/, | and /).length;
  const log = within(region).getByRole('log', { name: 'Messages' });
  const articles = within(log).queryAllByRole('article');
  seen.unsent = articles.some(
    (article) =>
      within(article).queryByTitle('Sending') !== null ||
      within(article).queryByTitle('Not sent') !== null,
  );
  const alerts = within(region).queryAllByRole('alert');
  const jumpAlerts = alerts.filter((alert) => alert.textContent?.includes(jumpAlertText));
  seen.historyError = alerts.length > jumpAlerts.length;
  seen.jumpFailed =
    jumpAlerts.length > 0 &&
    within(jumpAlerts[0]!).queryByRole('button', { name: 'Try again' }) !== null;
  seen.seekingMessage = log.getAttribute('aria-busy') === 'true';
  if (justArrived) {
    // (Focus is not judged: the jump comes as the search dialog sends it, which leaves the
    // keyboard where it is; a quote's click moves it, in the MessengerScreen test.)
    seen.jumpedTo = articles.some((article) => article.getAttribute('aria-current') === 'true');
  }
  // Every row rendered? (The log is virtualized: only a window of rows exists in the DOM.)
  const rows = [...log.querySelectorAll<HTMLElement>('[data-index]')];
  const indexes = rows.map((element) => Number(element.dataset.index)).sort((a, b) => a - b);
  const sizer = log.firstElementChild as HTMLElement | null;
  const total = Number.parseFloat(sizer?.style.height ?? '0');
  const rendered = rows.reduce((sum, element) => sum + element.offsetHeight, 0);
  const holeVisible =
    indexes[0] === 0 && indexes.every((index, at) => index === at) && rendered + 12 === total;
  if (holeVisible) {
    const seqs: number[] = [];
    for (const article of articles) {
      if (within(article).queryByTitle('Sending') || within(article).queryByTitle('Not sent')) {
        continue;
      }
      const text = article.querySelector('.MuiTypography-body2')?.textContent ?? '';
      const seq = server.seqByText.get(text);
      if (seq === undefined)
        throw new Error(`a bubble says "${text}", which the server never sent`);
      seqs.push(seq);
    }
    seen.hole = seqs.some((seq, at) => at > 0 && seq > seqs[at - 1]! + 1);
    seen.newMessagesLine = within(log).queryByRole('separator', { name: 'New messages' }) !== null;
  }
  return { seen, holeVisible };
}

// ---- what the user and the server do ---------------------------------------------------------

interface Composer {
  /** Due times of the composer's timers, as the path has started them. */
  freshDue: number | null;
  idleDue: number | null;
}

const isTyping = (value: StateValue) => (value as Region).composer !== 'quiet';
const signalOf = (value: StateValue) =>
  isTyping(value)
    ? ((((value as Region).composer as Region).typing as Region).signal as string)
    : null;

async function perform(
  world: World,
  server: Server,
  composer: Composer,
  event: EventObject & Record<string, unknown>,
  before: StateValue,
  submissions: { count: number },
): Promise<{ firstKeyAt: number; lastKeyAt: number } | null> {
  const open = groupRegion() !== null;
  const direct = (why: string) => {
    count(`${event.type}: sent to the actor (${why})`);
    world.tell(groupSystemId, event);
  };
  const group = () =>
    world.actor(groupSystemId)?.getSnapshot().context as {
      clientIdPrefix: string;
      nextClientId: number;
      outbox: { getSnapshot(): { value: unknown; context: { clientMessageId: string } } }[];
    };
  // The model names the group's n-th message `p-<n>`; the app `<its prefix>-<n>`. Messages the
  // server sends back as the user's own carry the app's id.
  const realId = (modelId: string) => `${group().clientIdPrefix}-${modelId.split('-').at(-1)}`;
  // A message of the user's the server hands back as `p-<n>` is this window's n-th once it has
  // written that many; before, it can only come from another of their windows (the model's
  // comment allows both), whose ids are its own.
  const real = (message: Message): Message => {
    const modelId = message.clientMessageId;
    if (!modelId || !/^p-\d+$/.test(modelId)) return message;
    const n = Number(modelId.split('-').at(-1));
    const written = group().nextClientId > n;
    return { ...message, clientMessageId: written ? realId(modelId) : `other-window-${n}` };
  };
  const realOrNull = (message: Message | null) => (message ? real(message) : null);
  switch (event.type) {
    case 'conversation.synced': {
      const modelConversation = event.conversation as Conversation;
      const conversation = {
        ...modelConversation,
        lastMessage: realOrNull(modelConversation.lastMessage),
        messages: modelConversation.messages.map(real),
      };
      const base = syncData();
      const data = {
        ...base,
        currentUserId: event.currentUserId as string,
        conversations: base.conversations.map((c) => (c.id === conversation.id ? conversation : c)),
      };
      server.know(conversation.messages);
      if (world.sessionMatches({ connection: 'live' })) {
        // A push names a conversation the messenger does not know: it asks for a sync.
        act(() => world.socket.push(newConversationUpdate()));
        const asked = world.outstanding((c) => c.type === 'requestConversationsAndUsers');
        expect(
          asked,
          'the messenger did not resync after a push from an unknown group',
        ).not.toEqual([]);
        count('conversation.synced: a resync the messenger asked for');
      } else {
        await world.ensureConnected();
        count('conversation.synced: the sync after a reconnect');
      }
      await world.answerSync(data);
      return null;
    }
    case 'connection.lost':
      if (world.sessionMatches({ connection: 'live' })) {
        count('connection.lost: the server drops the socket');
        await world.dropConnection();
      } else count('connection.lost: nothing (the session is not live)');
      return null;
    case 'channel.updated': {
      await world.ensureConnected();
      const modelUpdate = event.update as ChannelUpdate;
      const update: ChannelUpdate = {
        conversation: {
          ...modelUpdate.conversation,
          lastMessage: realOrNull(modelUpdate.conversation.lastMessage),
        },
        message: realOrNull(modelUpdate.message),
      };
      if (update.message) server.know([update.message]);
      count('channel.updated: pushed');
      act(() => world.socket.push(update));
      return null;
    }
    case 'member.joined': {
      await world.ensureConnected();
      const userId = event.userId as string;
      count('member.joined: the server announces a user joining the group');
      act(() =>
        world.socket.joined({
          user: {
            id: userId,
            firstName: 'Alan',
            lastName: 'Turing',
            avatar: { initials: 'AT', color: '#336699' },
          },
          conversationIds: [GROUP],
        }),
      );
      return null;
    }
    case 'member.left': {
      await world.ensureConnected();
      count('member.left: the server announces a member leaving the group');
      act(() =>
        world.socket.toMessenger({
          type: 'member.left',
          left: {
            conversationId: GROUP,
            userId: event.userId as string,
            adminId: (event.adminId as string | null) ?? null,
          },
        }),
      );
      return null;
    }
    case 'window.blurred':
    case 'window.focused': {
      if (!open) {
        // The messenger tells only the open conversation: the window's focus changes nothing
        // here (the real messenger would tell the group when it opens, which the model's
        // conversation hears as this very event, sent then).
        direct('only the open conversation hears of the focus');
        return null;
      }
      const focused = event.type === 'window.focused';
      count(`${event.type}: the window ${focused ? 'gets' : 'loses'} the focus`);
      act(() => {
        focus.has = focused;
        window.dispatchEvent(new Event(focused ? 'focus' : 'blur'));
      });
      return null;
    }
    case 'read.moved': {
      await world.ensureConnected();
      count('read.moved: another window of the user read further (readPositionChanged)');
      act(() =>
        world.socket.toMessenger({
          type: 'read.changed',
          position: { conversationId: GROUP, readSeq: event.readSeq as number },
        }),
      );
      return null;
    }
    case 'receipts.moved': {
      await world.ensureConnected();
      count('receipts.moved: the members got or read further (receiptsChanged)');
      act(() =>
        world.socket.toMessenger({
          type: 'receipts.changed',
          receipts: { conversationId: GROUP, ...(event.receipts as Receipts) },
        }),
      );
      return null;
    }
    case 'mute.toggled': {
      if (!open) {
        direct('no header for a closed conversation');
        return null;
      }
      count('mute.toggled: the header’s Mute / Unmute notifications button');
      const region = groupRegion()!;
      await world.user.click(
        within(region).getByRole('button', { name: /^(Mute|Unmute) notifications$/ }),
      );
      return null;
    }
    case 'message.changed': {
      await world.ensureConnected();
      count('message.changed: its author edited it (messageChanged)');
      act(() =>
        world.socket.toMessenger({ type: 'message.changed', message: event.message as Message }),
      );
      return null;
    }
    case 'message.hidden': {
      await world.ensureConnected();
      count('message.hidden: the user deleted it for themselves elsewhere (messageHidden)');
      act(() =>
        world.socket.toMessenger({
          type: 'message.hidden',
          conversationId: GROUP,
          messageId: event.messageId as string,
        }),
      );
      return null;
    }
    case 'message.jumpRequested': {
      count('message.jumpRequested: sent to the actor, as the search dialog does');
      world.tell(groupSystemId, event);
      return null;
    }
    case 'message.jumpShown': {
      const jump = world.actor(groupSystemId)?.getSnapshot() as
        | { matches(value: unknown): boolean }
        | undefined;
      if (jump && !jump.matches({ jump: 'arrived' })) {
        count('message.jumpShown: the log sent it once it had scrolled there');
        return null;
      }
      direct('the log has not shown it (closed)');
      return null;
    }
    case 'message.jumpRetried': {
      const alert = open
        ? within(groupRegion()!)
            .queryAllByRole('alert')
            .find((candidate) => candidate.textContent?.includes(jumpAlertText))
        : undefined;
      if (!alert) {
        direct('no jump alert on screen');
        return null;
      }
      count('message.jumpRetried: the user presses Try again');
      await world.user.click(within(alert).getByRole('button', { name: 'Try again' }));
      return null;
    }
    case 'changes.loaded':
    case 'changes.failed': {
      const [request] = server.changesRequests();
      if (!request) {
        count(`${event.type}: nothing asked, nothing answered`);
        return null;
      }
      request.answered = true;
      if (event.type === 'changes.failed') {
        count('changes.failed: the server fails the listMessageChanges request');
        act(() => world.socket.changesFailed(GROUP, event.error as ProtocolError));
        return null;
      }
      count('changes.loaded: the server answers the listMessageChanges request');
      const messages = (event.messages as Message[]).map(real);
      server.know(messages);
      act(() =>
        world.socket.changes(GROUP, messages, event.hasMore as boolean, event.revision as number),
      );
      return null;
    }
    case 'mute.changed': {
      await world.ensureConnected();
      count('mute.changed: another window of the user switched it (mutedChanged)');
      act(() =>
        world.socket.toMessenger({
          type: 'muted.changed',
          state: { conversationId: GROUP, muted: event.muted as boolean },
        }),
      );
      return null;
    }
    case 'conversation.opened': {
      // The window has the focus or not as the event says, before the row is clicked.
      const focused = event.focused !== false;
      count(`conversation.opened: click the row (the window ${focused ? 'focused' : 'unfocused'})`);
      if (focus.has !== focused) {
        act(() => {
          focus.has = focused;
          window.dispatchEvent(new Event(focused ? 'focus' : 'blur'));
        });
      }
      await world.user.click(row(titles[GROUP]));
      return null;
    }
    case 'conversation.closed':
      count('conversation.closed: click the other conversation');
      await world.user.click(row(titles['c-vegeta']));
      return null;
    case 'draft.changed': {
      const text = event.text as string;
      const entersFresh = text.trim() !== '' && signalOf(before) !== 'fresh';
      if (!open) {
        // What the composer would send, keystroke by keystroke, had it been there.
        count('draft.changed: sent to the actor (no composer for a closed conversation)');
        const firstKeyAt = world.clock.now();
        if (entersFresh && text.length > 1) {
          world.tell(groupSystemId, { type: 'draft.changed', text: text.slice(0, 1) });
          await act(async () => world.clock.increment(KEYSTROKE_GAP_MS));
        }
        world.tell(groupSystemId, event);
        return text === '' ? null : { firstKeyAt, lastKeyAt: world.clock.now() };
      }
      count('draft.changed: typed');
      const field = composerField();
      await world.user.click(field);
      if (text === '') {
        await world.user.clear(field);
        return null;
      }
      await world.user.type(field, text.slice(0, 1), {
        initialSelectionStart: 0,
        initialSelectionEnd: field.value.length,
      });
      const firstKeyAt = world.clock.now();
      if (text.length > 1) {
        if (entersFresh) await act(async () => world.clock.increment(KEYSTROKE_GAP_MS));
        await world.user.type(field, text.slice(1), { skipClick: true });
      }
      return { firstKeyAt, lastKeyAt: world.clock.now() };
    }
    case 'message.submitted': {
      if (!open) {
        direct('no composer for a closed conversation');
        return null;
      }
      const send = screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
      // A press the machine turns away (its guard says no) is one the view does not offer.
      if (send.disabled) {
        count('message.submitted: not offered (Send disabled)');
        return null;
      }
      submissions.count += 1;
      if (submissions.count % 2 === 1) {
        count('message.submitted: Send pressed');
        await world.user.click(send);
      } else {
        count('message.submitted: Enter pressed');
        await world.user.click(composerField());
        await world.user.keyboard('{Enter}');
      }
      return null;
    }
    case 'history.requested': {
      if (!open) {
        direct('no log for a closed conversation');
        return null;
      }
      count('history.requested: scrolled to the top');
      const log = screen.getByRole('log', { name: 'Messages' });
      act(() => {
        log.scrollTop = 0;
        fireEvent.scroll(log);
      });
      return null;
    }
    case 'history.loaded':
    case 'history.failed': {
      const [request] = server.historyRequests();
      if (!request) {
        count(`${event.type}: nothing asked, nothing answered`);
        return null;
      }
      request.answered = true;
      count(`${event.type}: the server answers the history request`);
      if (event.type === 'history.loaded') {
        const messages = (event.messages as Message[]).map(real);
        server.know(messages);
        act(() => world.socket.history(GROUP, messages, event.hasMore as boolean));
      } else {
        act(() => world.socket.historyFailed(GROUP, event.error as ProtocolError));
      }
      return null;
    }
    case 'catchUp.loaded':
    case 'catchUp.failed': {
      const [request] = server.catchUpRequests();
      if (!request) {
        count(`${event.type}: nothing asked, nothing answered`);
        return null;
      }
      request.answered = true;
      if (event.type === 'catchUp.failed') {
        count('catchUp.failed: the server fails the catch-up request');
        act(() => world.socket.catchUpFailed(GROUP, event.error as ProtocolError));
        return null;
      }
      const asked = (request.command as { after: number }).after;
      const after = event.after as number;
      count(
        asked === after
          ? 'catchUp.loaded: the server answers the catch-up request'
          : `catchUp.loaded: answered with the event's after ${after} (asked after ${asked})`,
      );
      const messages = (event.messages as Message[]).map(real);
      server.know(messages);
      act(() => world.socket.catchUp(GROUP, after, messages, event.hasMore as boolean));
      return null;
    }
    case 'outgoing.sent': {
      const id = realId(event.clientMessageId as string);
      const message = { ...(event.message as Message), clientMessageId: id };
      server.know([message]);
      const [request] = server.sending(id);
      if (!request) {
        // As the message would report it: with the app's id, and the message as stored.
        count(`${event.type}: sent to the actor (the message is not on the wire: no ack can come)`);
        world.tell(groupSystemId, { ...event, clientMessageId: id, message });
        return null;
      }
      request.answered = true;
      count('outgoing.sent: the server acknowledges the message');
      act(() => world.socket.ack(id, message));
      return null;
    }
    case 'outgoing.settled': {
      const id = realId(event.clientMessageId as string);
      const [request] = server.sending(id);
      if (request) {
        request.answered = true;
        count('outgoing.settled: the server refuses the message (text_too_long)');
        act(() => world.socket.reject(id, { code: 'text_too_long', message: 'Too long.' }));
        return null;
      }
      const failed = group().outbox.filter((ref) => ref.getSnapshot().value === 'failed');
      const at = failed.findIndex((ref) => ref.getSnapshot().context.clientMessageId === id);
      if (open && at >= 0) {
        lookAtNewest();
        const retries = within(screen.getByRole('log', { name: 'Messages' })).queryAllByRole(
          'button',
          { name: 'Retry' },
        );
        const retry = retries[retries.length - failed.length + at];
        if (retry) {
          count('outgoing.settled: the user presses Retry');
          await world.user.click(retry);
          return null;
        }
      }
      count(
        `${event.type}: sent to the actor (the message is neither on the wire nor failed on screen)`,
      );
      world.tell(groupSystemId, { ...event, clientMessageId: id });
      return null;
    }
    default:
      if (event.type === `xstate.after.draftingRefresh.conversation.composer.typing.signal.fresh`) {
        if (composer.freshDue === null) {
          count('draftingRefresh: no such timer running');
          return null;
        }
        count('draftingRefresh: the clock moves on');
        const due = composer.freshDue;
        await act(async () => world.clock.increment(due - world.clock.now()));
        return null;
      }
      if (
        event.type === `xstate.after.draftingIdle.conversation.composer.typing.keystrokes.recent`
      ) {
        if (composer.idleDue === null) {
          count('draftingIdle: no such timer running');
          return null;
        }
        count('draftingIdle: the clock moves on');
        const due = composer.idleDue;
        await act(async () => world.clock.increment(due - world.clock.now()));
        return null;
      }
      throw new Error(`conversation.views does not know how to make ${event.type} happen`);
  }
}

/** The composer's timers after a step, as the path (the expected states) has them. */
function nextComposer(
  composer: Composer,
  before: StateValue,
  after: StateValue,
  keys: { firstKeyAt: number; lastKeyAt: number } | null,
): Composer {
  if (!isTyping(after)) return { freshDue: null, idleDue: null };
  const freshDue =
    signalOf(after) !== 'fresh'
      ? null
      : signalOf(before) !== 'fresh' && keys
        ? keys.firstKeyAt + draftingTiming.refreshMs
        : composer.freshDue;
  const idleDue = keys ? keys.lastKeyAt + draftingTiming.idleMs : composer.idleDue;
  return { freshDue, idleDue };
}

async function runOne(path: ModelPath, recorder: CoverageRecorder): Promise<void> {
  checkFacts(path);
  const restoreLayout = installLayout();
  focus.has = true;
  const hasFocus = vi.spyOn(document, 'hasFocus').mockImplementation(() => focus.has);
  let world: World | undefined;
  try {
    // The first sync brings the group as the model's input has it (its change revision).
    const { conversation: input } = models.conversation!.inputs[0] as {
      conversation: Conversation;
    };
    const firstSyncData = syncData();
    firstSyncData.conversations = firstSyncData.conversations.map((c) =>
      c.id === GROUP ? input : c,
    );
    world = await startWorld({ inspect: recorder.inspect, firstSyncData });
    // The path's start: the group known from an earlier connection, which has just dropped.
    await world.dropConnection();
    const server = new Server(world);
    server.know(syncData().conversations.flatMap((c) => c.messages));
    let composer: Composer = { freshDue: null, idleDue: null };
    const check = async (where: string, value: StateValue, facts: Facts, justArrived = false) => {
      // Not scrolled away from the message the jump took the log to, on the step it arrives.
      if (!justArrived) lookAtNewest();
      const open = await waitFor(
        () => {
          const { seen, holeVisible } = seenOnScreen(server, world!.clock.now(), justArrived);
          same(where, seen, expectedOnScreen(value, facts, holeVisible, justArrived));
          return seen.visibility === 'open' ? holeVisible : null;
        },
        { onTimeout: (error) => error },
      );
      if (open !== null)
        count(`open: hole ${open ? 'judged' : 'not judged (rows outside the log window)'}`);
    };
    await check(`${path.description}: start`, path.initial.value, path.initial.facts);
    let before = path.initial.value;
    const submissions = { count: firstSubmission(path.description) };
    for (const [index, step] of path.steps.entries()) {
      const deadlines = [composer.freshDue, composer.idleDue].filter((t) => t !== null);
      world.deadline = Math.min(Infinity, ...deadlines);
      const keys = await perform(
        world,
        server,
        composer,
        step.event as EventObject & Record<string, unknown>,
        before,
        submissions,
      );
      composer = nextComposer(composer, before, step.expected.value, keys);
      const arrivedNow =
        (step.expected.value as Region).jump === 'arrived' &&
        (before as Region).jump !== 'arrived' &&
        (step.expected.value as Region).visibility !== 'closed';
      await check(
        `${path.description}: step ${index + 1} (${step.event.type})`,
        step.expected.value,
        step.expected.facts,
        arrivedNow,
      );
      before = step.expected.value;
    }
  } finally {
    world?.stop();
    restoreLayout();
    hasFocus.mockRestore();
  }
}

describeAdapter('conversation.views', models.conversation!, runOne);

/**
 * The paths the kit picks cover the machine's transitions, and most of them type, send and
 * scroll in a closed conversation, which these views cannot do (those events are sent to the
 * actor). So the default run also takes, for each user action and each answer the open log
 * shows, the shortest path that has it happen in the open conversation: the composer, the Send
 * button, Enter, the scroll to the top and the loading bar are exercised on every run.
 */
const userFacing = new Set([
  'message.jumpRequested',
  'message.jumpRetried',
  'changes.loaded',
  'draft.changed',
  'message.submitted',
  'history.requested',
  'history.loaded',
  'history.failed',
  'outgoing.sent',
  'outgoing.settled',
  'xstate.after.draftingRefresh.conversation.composer.typing.signal.fresh',
  'xstate.after.draftingIdle.conversation.composer.typing.keystrokes.recent',
]);
function openConversationSample(): ModelPath[] {
  if (process.env.PARLEY_MODEL_REPLAY || process.env.PARLEY_MODEL_PATHS === 'all') return [];
  const shortest = new Map<string, ModelPath>();
  for (const path of generatePaths(models.conversation!)) {
    let before = path.initial.value as Region;
    for (const step of path.steps) {
      const event = step.event as EventObject & { text?: string };
      if (before.visibility === 'open' && userFacing.has(event.type)) {
        const key = `${event.type}${event.text === undefined ? '' : `:${event.text}`}`;
        const known = shortest.get(key);
        if (!known || path.steps.length < known.steps.length) shortest.set(key, path);
      }
      before = step.expected.value as Region;
    }
  }
  return [...new Set(shortest.values())];
}
const sample = openConversationSample();
describe.skipIf(sample.length === 0)(
  'conversation.views: user actions in the open conversation',
  () => {
    it.each(sample.map((path) => [path.description, path] as const))('%s', async (_, path) => {
      const recorder = createCoverageRecorder(models.conversation!.machine.id);
      await runOne(path, recorder);
      expect(recorder.run().stateIds.size, 'no conversation actor was observed').toBeGreaterThan(0);
    });
  },
);
