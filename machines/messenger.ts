// Messenger: the conversation list of the signed-in user. It spawns one `conversation` actor per
// conversation the server lists (and stops those it no longer lists), keeps the people
// (`users`), the server's order and the selection, and hands each conversation its share of
// the sync and of the pushes. Everything inside a conversation (draft, outbox, history, unread,
// muted) is that conversation's; the views talk to it directly. It turns the messages a
// conversation announces into notifications for the platform's `notifier`, and asks the person
// for permission to show them through a one-time prompt in the sidebar (permission region).
import { assign, enqueueActions, fromCallback, setup, stateIn, type ActorRefFrom } from 'xstate';
import type {
  ChannelUpdate,
  Conversation,
  ConversationAdded,
  ConversationRemoved,
  ConversationsAndUsers,
  ConversationKind,
  MemberLeft,
  Message,
  MutedState,
  ReadPosition,
  ReceiptsChanged,
  User,
  UserJoined,
} from '../server/protocol.ts';
import {
  conversationMachine,
  type ConversationContext,
  type ConversationEvent,
  type ConversationInput,
  type ConversationRef,
} from './conversation.ts';
import { membershipMachine } from './membership.ts';
import { newChatMachine } from './newChat.ts';
import { messageSearchMachine } from './messageSearch.ts';
import { receiptListMachine } from './receiptList.ts';
import { messageActionsMachine } from './messageActions.ts';
import { settingsMachine } from './settings.ts';
import {
  conversationSystemId,
  hasOwnKey,
  notificationLimits,
  ownValue,
  systemIds,
  type MessageNotification,
  type NotificationPermission,
  type NotifierCommand,
} from './system.ts';
import {
  emptyUnsentState,
  unsentFailureMaxChars,
  unsentOutboxMax,
  type UnsentMessage,
  type UnsentState,
} from './unsent.ts';

export interface MessengerInput {
  /** Unique per app run: client message ids are `<prefix>-<k>-<n>` (letters, digits, - or _). */
  clientIdPrefix: string;
  /** Clock for when a message was written (defaults to Date.now). */
  now?: () => number;
  /** Drafts and unsent messages saved before a restart, handed to the conversations. */
  unsent?: UnsentState;
  /**
   * A fresh unguessable id per message (the app passes a random UUID). Without it ids are
   * `<prefix>-<k>-<n>`, which tests rely on; predictable ids would let another member send a
   * message under one's next id, which the client would take for its own as delivered.
   */
  randomId?: () => string;
}

export interface MessengerContext {
  clientIdPrefix: string;
  randomId: (() => string) | null;
  now: () => number;
  currentUserId: string | null;
  users: Record<string, User>;
  /** The conversation actors by conversation id. */
  conversations: Record<string, ConversationRef>;
  /** Conversation ids in the order the server listed them. */
  conversationIds: string[];
  selectedConversationId: string | null;
  /** Conversations spawned so far: each gets its own client id prefix. */
  spawned: number;
  /** What a restart left unsent, until the conversation it belongs to is spawned. */
  unsent: UnsentState;
  /** Told once, until dismissed: a group the user was removed from. */
  notice: string | null;
  /** The window has the focus: the open conversation is being read. */
  windowFocused: boolean;
}

export type MessengerEvent =
  // From the socket.
  | { type: 'sync.received'; data: ConversationsAndUsers }
  | { type: 'sync.failed' }
  | { type: 'channel.updated'; update: ChannelUpdate }
  | { type: 'user.joined'; joined: UserJoined }
  | { type: 'user.updated'; user: User }
  | { type: 'member.left'; left: MemberLeft }
  | { type: 'conversation.removed'; removed: ConversationRemoved }
  /** The user read a conversation further in another window. */
  | { type: 'read.changed'; position: ReadPosition }
  /** The members received or read a conversation further (the server's watermarks). */
  | { type: 'receipts.changed'; receipts: ReceiptsChanged }
  /** The user muted or unmuted a conversation in another window. */
  | { type: 'muted.changed'; state: MutedState }
  /** A message was edited, deleted for everyone or reacted to (issue 16). */
  | { type: 'message.changed'; message: Message }
  /** The user deleted a message for themselves in another window. */
  | { type: 'message.hidden'; conversationId: string; messageId: string }
  /** From the server's push, or from newChat with the conversation it made (`open`: show it). */
  | { type: 'conversation.added'; added: ConversationAdded; open?: boolean }
  // From the session.
  | { type: 'connection.lost' }
  // From a conversation: people a page of messages names.
  | { type: 'authors.seen'; userIds: string[] }
  /** A message the person is not reading, in a conversation not muted: worth a notification. */
  | {
      type: 'message.notable';
      conversationId: string;
      kind: ConversationKind;
      title: string;
      message: Message;
    }
  // From the notifier (the platform).
  /** Whether notifications may be shown, and whether "Not now" was chosen before. */
  | { type: 'permission.changed'; permission: NotificationPermission; dismissed: boolean }
  /** The person clicked a notification (the platform brought the window forward). */
  | { type: 'notification.clicked'; conversationId: string }
  // From the views: the sidebar's prompt.
  | { type: 'prompt.accepted' }
  | { type: 'prompt.declined' }
  // From the views.
  | { type: 'conversation.selected'; conversationId: string }
  | { type: 'conversation.closed' }
  | { type: 'notice.dismissed' }
  // From the platform.
  | { type: 'window.focused' }
  | { type: 'window.blurred' };

// Declared before setup() so XState can type the actions' params against them.
const guards = {
  /** The person allowed notifications (the platform would refuse them anyway). */
  mayNotify: stateIn('#messenger.ready.permission.on'),
  nothingSelected: ({ context }: { context: MessengerContext }) =>
    context.selectedConversationId === null,
  isKnownConversation: (
    { context }: { context: MessengerContext },
    params: { conversationId: string },
  ) => hasOwnKey(context.conversations, params.conversationId),
  /** A user we do not know (their `userJoined` was missed): sync conversations and users. */
  namesUnknownPeople: (
    { context }: { context: MessengerContext },
    params: { userIds: readonly string[] },
  ) => params.userIds.some((id) => !hasOwnKey(context.users, id)),
  isGranted: (_: unknown, params: { permission: NotificationPermission }) =>
    params.permission === 'granted',
  /** Not asked yet, and "Not now" not chosen: the prompt is offered. */
  mayOffer: (_: unknown, params: { permission: NotificationPermission; dismissed: boolean }) =>
    params.permission === 'default' && !params.dismissed,
  isUnknownConversationOrPeople: (
    { context }: { context: MessengerContext },
    params: { update: ChannelUpdate },
  ) => {
    const { conversation, message } = params.update;
    if (!hasOwnKey(context.conversations, conversation.id)) return true;
    const people = [message?.authorId, conversation.lastMessage?.authorId];
    return people.some((id) => id !== undefined && !hasOwnKey(context.users, id));
  },
};

export const messengerMachine = setup({
  types: {
    context: {} as MessengerContext,
    events: {} as MessengerEvent,
    input: {} as MessengerInput,
  },
  actors: {
    conversation: conversationMachine,
    newChat: newChatMachine,
    membership: membershipMachine,
    receiptList: receiptListMachine,
    messageActions: messageActionsMachine,
    messageSearch: messageSearchMachine,
    settings: settingsMachine,
    /**
     * Keeps `unsentOf(context)` saved while the list is up (provided by the platform; the
     * default keeps nothing): it finds the messenger by systemId and watches the system.
     */
    persistUnsent: fromCallback(() => () => {}),
    /**
     * Shows notifications and asks for permission (provided by the platform; the default shows
     * nothing and never answers): takes `NotifierCommand`s, sends back
     * `permission.changed` (at start and after asking) and `notification.clicked`.
     */
    notifier: fromCallback<NotifierCommand>(() => () => {}),
  },
  guards,
  actions: {
    applySync: enqueueActions(({ context, enqueue }, params: { data: ConversationsAndUsers }) => {
      const { data } = params;
      // Records keyed by server ids are built with fromEntries (an own key even for
      // "__proto__"); a conversation listed twice is taken once, as spawning it twice would
      // register its systemId twice.
      const users: Record<string, User> = Object.fromEntries(data.users.map((u) => [u.id, u]));
      const listed = [...new Map(data.conversations.map((c) => [c.id, c])).values()];
      const listedIds = new Set(listed.map((c) => c.id));
      const kept = new Map<string, ConversationRef>();
      let spawned = context.spawned;
      // What a restart left unsent belongs to the user who left it: another account signing in
      // on this device gets none of it.
      let unsent = context.unsent.userId === data.currentUserId ? context.unsent : emptyUnsentState;
      for (const conversation of listed) {
        const existing = ownValue(context.conversations, conversation.id);
        if (existing) {
          kept.set(conversation.id, existing);
          enqueue.sendTo(existing, {
            type: 'conversation.synced',
            conversation,
            currentUserId: data.currentUserId,
          });
          continue;
        }
        spawned += 1;
        unsent = spawnConversation(enqueue, context, {
          conversation,
          currentUserId: data.currentUserId,
          prefix: `${context.clientIdPrefix}-${spawned}`,
          unsent,
        });
      }
      // Conversations the server no longer lists (left, removed) stop; what they held unsent
      // is kept, as for a conversation not listed after a restart, should it come back.
      for (const [id, ref] of Object.entries(context.conversations)) {
        if (kept.has(id)) continue;
        unsent = withShareOf(unsent, ref);
        enqueue.stopChild(ref);
      }
      const selected = context.selectedConversationId;
      enqueue.assign(({ context: current }) => ({
        currentUserId: data.currentUserId,
        users,
        conversations: Object.fromEntries(
          listed.map((c) => [c.id, ownValue(current.conversations, c.id) as ConversationRef]),
        ),
        conversationIds: listed.map((c) => c.id),
        // Still listed? (`current.conversations` holds the ones just stopped too.)
        selectedConversationId: selected !== null && listedIds.has(selected) ? selected : null,
        spawned,
        unsent: { ...unsent, userId: data.currentUserId },
      }));
    }),
    addConversation: enqueueActions(
      ({ context, enqueue }, params: { added: ConversationAdded; open: boolean }) => {
        const { conversation, users } = params.added;
        const currentUserId = context.currentUserId;
        if (currentUserId === null) return;
        const known = { ...context.users };
        for (const user of users) known[user.id] = user;
        enqueue.assign({ users: Object.fromEntries(Object.entries(known)) });
        const existing = ownValue(context.conversations, conversation.id);
        if (existing) {
          enqueue.sendTo(existing, { type: 'conversation.synced', conversation, currentUserId });
        } else {
          const spawned = context.spawned + 1;
          const unsent = spawnConversation(enqueue, context, {
            conversation,
            currentUserId,
            prefix: `${context.clientIdPrefix}-${spawned}`,
            unsent: context.unsent,
          });
          // Newest first, as a new conversation tops Telegram's and Signal's lists.
          enqueue.assign({
            spawned,
            unsent,
            conversationIds: [conversation.id, ...context.conversationIds],
          });
        }
        if (params.open) {
          enqueue.raise({ type: 'conversation.selected', conversationId: conversation.id });
        }
      },
    ),
    dropConversation: enqueueActions(
      ({ context, enqueue }, params: { removed: ConversationRemoved }) => {
        const { conversationId, reason, title } = params.removed;
        const ref = ownValue(context.conversations, conversationId);
        if (!ref) return;
        // What it held unsent is kept, as for a conversation a sync no longer lists.
        const unsent = withShareOf(context.unsent, ref);
        enqueue.stopChild(ref);
        enqueue.assign({
          conversations: Object.fromEntries(
            Object.entries(context.conversations).filter(([id]) => id !== conversationId),
          ),
          conversationIds: context.conversationIds.filter((id) => id !== conversationId),
          selectedConversationId:
            context.selectedConversationId === conversationId
              ? null
              : context.selectedConversationId,
          unsent,
          notice: reason === 'removed' ? `You were removed from ${title}.` : context.notice,
        });
      },
    ),
    forwardMemberLeft: enqueueActions(({ context, enqueue }, params: { left: MemberLeft }) => {
      const ref = ownValue(context.conversations, params.left.conversationId);
      if (ref) {
        enqueue.sendTo(ref, {
          type: 'member.left',
          userId: params.left.userId,
          adminId: params.left.adminId,
        });
      }
    }),
    forwardReadPosition: enqueueActions(
      ({ context, enqueue }, params: { position: ReadPosition }) => {
        const ref = ownValue(context.conversations, params.position.conversationId);
        if (ref) enqueue.sendTo(ref, { type: 'read.moved', readSeq: params.position.readSeq });
      },
    ),
    forwardReceipts: enqueueActions(
      ({ context, enqueue }, params: { receipts: ReceiptsChanged }) => {
        const { conversationId, deliveredSeq, readSeq } = params.receipts;
        const ref = ownValue(context.conversations, conversationId);
        if (ref)
          enqueue.sendTo(ref, { type: 'receipts.moved', receipts: { deliveredSeq, readSeq } });
      },
    ),
    /** Hands a change to one message to its conversation (unknown conversations: nothing). */
    forwardMessageChange: enqueueActions(
      ({ context, enqueue }, params: { conversationId: string; event: ConversationEvent }) => {
        const ref = ownValue(context.conversations, params.conversationId);
        if (ref) enqueue.sendTo(ref, params.event);
      },
    ),
    /** Remembers the focus and tells the open conversation (only it reads). */
    setFocus: enqueueActions(({ context, enqueue }, params: { focused: boolean }) => {
      enqueue.assign({ windowFocused: params.focused });
      const id = context.selectedConversationId;
      const ref = id === null ? undefined : ownValue(context.conversations, id);
      if (ref) enqueue.sendTo(ref, { type: params.focused ? 'window.focused' : 'window.blurred' });
    }),
    updateUser: assign(({ context }, params: { user: User }) =>
      hasOwnKey(context.users, params.user.id)
        ? { users: { ...context.users, [params.user.id]: params.user } }
        : {},
    ),
    forwardUpdate: enqueueActions(({ context, enqueue }, params: { update: ChannelUpdate }) => {
      const ref = ownValue(context.conversations, params.update.conversation.id);
      if (ref) enqueue.sendTo(ref, { type: 'channel.updated', update: params.update });
    }),
    addJoinedUser: enqueueActions(({ context, enqueue }, params: { joined: UserJoined }) => {
      const { user, conversationIds } = params.joined;
      enqueue.assign({ users: { ...context.users, [user.id]: user } });
      for (const id of new Set(conversationIds)) {
        const ref = ownValue(context.conversations, id);
        if (ref) enqueue.sendTo(ref, { type: 'member.joined', userId: user.id });
      }
    }),
    forwardConnectionLost: enqueueActions(({ context, enqueue, system }) => {
      for (const ref of Object.values(context.conversations)) {
        enqueue.sendTo(ref, { type: 'connection.lost' });
      }
      const children = [
        systemIds.newChat,
        systemIds.membership,
        systemIds.receiptList,
        systemIds.messageActions,
        systemIds.messageSearch,
        systemIds.settings,
      ];
      for (const id of children) {
        const child = system.get(id);
        if (child) enqueue.sendTo(child, { type: 'connection.lost' });
      }
    }),
    requestSync: enqueueActions(({ system, enqueue }) => {
      const socket = system.get(systemIds.socket);
      if (socket) enqueue.sendTo(socket, { type: 'requestConversationsAndUsers' });
    }),
    select: enqueueActions(({ context, enqueue }, params: { conversationId: string }) => {
      const previous = context.selectedConversationId;
      if (previous === params.conversationId) return;
      const before = previous ? ownValue(context.conversations, previous) : undefined;
      if (before) enqueue.sendTo(before, { type: 'conversation.closed' });
      const next = ownValue(context.conversations, params.conversationId);
      if (next) {
        // Opened in a window without the focus (a notification's click comes first): not read.
        enqueue.sendTo(next, { type: 'conversation.opened', focused: context.windowFocused });
      }
      enqueue.assign({ selectedConversationId: params.conversationId });
    }),
    notify: enqueueActions(
      (
        { context, enqueue, system },
        params: { conversationId: string; kind: ConversationKind; title: string; message: Message },
      ) => {
        const notifier = system.get(systemIds.notifier);
        if (!notifier) return;
        const command: NotifierCommand = {
          type: 'notify',
          notification: notificationFor(context.users, params),
        };
        enqueue.sendTo(notifier, command);
      },
    ),
    /** The conversation of a clicked notification opens, as if chosen in the list. */
    openClicked: enqueueActions(({ enqueue }, params: { conversationId: string }) => {
      enqueue.raise({ type: 'conversation.selected', conversationId: params.conversationId });
    }),
    tellNotifier: enqueueActions(({ system, enqueue }, params: { command: NotifierCommand }) => {
      const notifier = system.get(systemIds.notifier);
      if (notifier) enqueue.sendTo(notifier, params.command);
    }),
    forwardMuted: enqueueActions(({ context, enqueue }, params: { state: MutedState }) => {
      const ref = ownValue(context.conversations, params.state.conversationId);
      if (ref) enqueue.sendTo(ref, { type: 'mute.changed', muted: params.state.muted });
    }),
    unselect: enqueueActions(({ context, enqueue }) => {
      const id = context.selectedConversationId;
      const ref = id ? ownValue(context.conversations, id) : undefined;
      if (ref) enqueue.sendTo(ref, { type: 'conversation.closed' });
      enqueue.assign({ selectedConversationId: null });
    }),
  },
}).createMachine({
  id: 'messenger',
  context: ({ input }) => ({
    clientIdPrefix: input.clientIdPrefix,
    randomId: input.randomId ?? null,
    now: input.now ?? Date.now,
    currentUserId: null,
    users: {},
    conversations: {},
    conversationIds: [],
    selectedConversationId: null,
    spawned: 0,
    unsent: input.unsent ?? emptyUnsentState,
    notice: null,
    windowFocused: true,
  }),
  initial: 'loading',
  states: {
    loading: {
      on: {
        'sync.received': {
          target: 'ready',
          actions: { type: 'applySync', params: ({ event }) => ({ data: event.data }) },
        },
      },
    },
    ready: {
      type: 'parallel',
      invoke: [
        { id: 'persistUnsent', src: 'persistUnsent' },
        { id: systemIds.newChat, src: 'newChat', systemId: systemIds.newChat },
        { id: systemIds.membership, src: 'membership', systemId: systemIds.membership },
        { id: systemIds.receiptList, src: 'receiptList', systemId: systemIds.receiptList },
        {
          id: systemIds.messageActions,
          src: 'messageActions',
          systemId: systemIds.messageActions,
        },
        { id: systemIds.messageSearch, src: 'messageSearch', systemId: systemIds.messageSearch },
        { id: systemIds.settings, src: 'settings', systemId: systemIds.settings },
        { id: systemIds.notifier, src: 'notifier', systemId: systemIds.notifier },
      ],
      on: {
        'user.joined': {
          actions: { type: 'addJoinedUser', params: ({ event }) => ({ joined: event.joined }) },
        },
        'user.updated': {
          actions: { type: 'updateUser', params: ({ event }) => ({ user: event.user }) },
        },
        'member.left': {
          actions: { type: 'forwardMemberLeft', params: ({ event }) => ({ left: event.left }) },
        },
        'conversation.added': {
          actions: {
            type: 'addConversation',
            params: ({ event }) => ({ added: event.added, open: event.open ?? false }),
          },
        },
        'conversation.removed': {
          actions: {
            type: 'dropConversation',
            params: ({ event }) => ({ removed: event.removed }),
          },
        },
        'notice.dismissed': { actions: assign({ notice: null }) },
        'read.changed': {
          actions: {
            type: 'forwardReadPosition',
            params: ({ event }) => ({ position: event.position }),
          },
        },
        'receipts.changed': {
          actions: {
            type: 'forwardReceipts',
            params: ({ event }) => ({ receipts: event.receipts }),
          },
        },
        'message.changed': {
          actions: {
            type: 'forwardMessageChange',
            params: ({ event }) => ({
              conversationId: event.message.conversationId,
              event: { type: 'message.changed', message: event.message },
            }),
          },
        },
        'message.hidden': {
          actions: {
            type: 'forwardMessageChange',
            params: ({ event }) => ({
              conversationId: event.conversationId,
              event: { type: 'message.hidden', messageId: event.messageId },
            }),
          },
        },
        'window.focused': { actions: { type: 'setFocus', params: { focused: true } } },
        'window.blurred': { actions: { type: 'setFocus', params: { focused: false } } },
        'muted.changed': {
          actions: { type: 'forwardMuted', params: ({ event }) => ({ state: event.state }) },
        },
        'message.notable': {
          guard: 'mayNotify',
          actions: {
            type: 'notify',
            params: ({ event }) => ({
              conversationId: event.conversationId,
              kind: event.kind,
              title: event.title,
              message: event.message,
            }),
          },
        },
        'notification.clicked': {
          actions: {
            type: 'openClicked',
            params: ({ event }) => ({ conversationId: event.conversationId }),
          },
        },
      },
      states: {
        selection: {
          initial: 'browsing',
          states: {
            browsing: {
              on: {
                'conversation.selected': {
                  guard: {
                    type: 'isKnownConversation',
                    params: ({ event }) => ({ conversationId: event.conversationId }),
                  },
                  target: 'viewing',
                  actions: {
                    type: 'select',
                    params: ({ event }) => ({ conversationId: event.conversationId }),
                  },
                },
              },
            },
            viewing: {
              // The open conversation left the list (a sync no longer lists it).
              always: { guard: 'nothingSelected', target: 'browsing' },
              on: {
                'conversation.selected': {
                  guard: {
                    type: 'isKnownConversation',
                    params: ({ event }) => ({ conversationId: event.conversationId }),
                  },
                  actions: {
                    type: 'select',
                    params: ({ event }) => ({ conversationId: event.conversationId }),
                  },
                },
                'conversation.closed': { target: 'browsing', actions: 'unselect' },
              },
            },
          },
        },
        // Whether the list is known to be complete: a push or a page that names a conversation
        // or a person we do not know means something was missed, so sync again.
        sync: {
          initial: 'upToDate',
          states: {
            upToDate: {
              on: {
                'sync.received': {
                  actions: { type: 'applySync', params: ({ event }) => ({ data: event.data }) },
                },
                'channel.updated': [
                  {
                    guard: {
                      type: 'isUnknownConversationOrPeople',
                      params: ({ event }) => ({ update: event.update }),
                    },
                    target: 'resyncing',
                    actions: {
                      type: 'forwardUpdate',
                      params: ({ event }) => ({ update: event.update }),
                    },
                  },
                  {
                    actions: {
                      type: 'forwardUpdate',
                      params: ({ event }) => ({ update: event.update }),
                    },
                  },
                ],
                'connection.lost': { actions: 'forwardConnectionLost' },
                'authors.seen': {
                  guard: {
                    type: 'namesUnknownPeople',
                    params: ({ event }) => ({ userIds: event.userIds }),
                  },
                  target: 'resyncing',
                },
              },
            },
            resyncing: {
              entry: 'requestSync',
              on: {
                'sync.received': {
                  target: 'upToDate',
                  actions: { type: 'applySync', params: ({ event }) => ({ data: event.data }) },
                },
                'sync.failed': 'upToDate',
                'channel.updated': {
                  actions: {
                    type: 'forwardUpdate',
                    params: ({ event }) => ({ update: event.update }),
                  },
                },
                'connection.lost': { target: 'upToDate', actions: 'forwardConnectionLost' },
              },
            },
          },
        },
        // Whether notifications may be shown. Not asked on load: a one-time prompt in the sidebar
        // offers them ("Turn on notifications" / "Not now", remembered), as Signal and Telegram
        // on the web do; the platform's own dialog opens only when the person asks for it.
        permission: {
          initial: 'unknown',
          on: {
            'permission.changed': [
              { guard: { type: 'isGranted', params: ({ event }) => event }, target: '.on' },
              { guard: { type: 'mayOffer', params: ({ event }) => event }, target: '.offering' },
              { target: '.off' },
            ],
          },
          states: {
            unknown: {},
            // The prompt is shown; "Turn on notifications" opens the platform's dialog, whose
            // answer comes back as permission.changed.
            offering: {
              on: {
                'prompt.accepted': {
                  actions: {
                    type: 'tellNotifier',
                    params: { command: { type: 'permission.requested' } },
                  },
                },
                'prompt.declined': {
                  target: 'off',
                  actions: {
                    type: 'tellNotifier',
                    params: { command: { type: 'prompt.dismissed' } },
                  },
                },
              },
            },
            on: {},
            // "Not now", refused, or no notifications on this platform.
            off: {},
          },
        },
      },
    },
  },
});

export type MessengerMachine = typeof messengerMachine;
export type MessengerRef = ActorRefFrom<MessengerMachine>;

/**
 * The part of `enqueueActions`' enqueue a spawn needs. (Its own type is generic in every event,
 * actor and guard of the machine; the spawn below is typed where it matters: its input.)
 */
interface SpawnEnqueue {
  assign(assignment: any): void;
  sendTo(to: any, event: ConversationEvent): void;
}
type Spawner = (
  src: 'conversation',
  options: { id: string; systemId: string; input: ConversationInput },
) => ConversationRef;

/**
 * Spawns the conversation's actor with what a restart left unsent for it, and hands it the
 * conversation (newly spawned conversations start offline: what made them is also their link).
 * Returns `unsent` without that share.
 */
function spawnConversation(
  enqueue: SpawnEnqueue,
  context: MessengerContext,
  spec: { conversation: Conversation; currentUserId: string; prefix: string; unsent: UnsentState },
): UnsentState {
  const { conversation, currentUserId, prefix, unsent } = spec;
  const restored = {
    draft: ownValue(unsent.drafts, conversation.id) ?? '',
    outbox: unsent.outbox.filter((entry) => entry.conversationId === conversation.id),
  };
  const systemId = conversationSystemId(conversation.id);
  enqueue.assign({
    conversations: ({
      context: current,
      spawn,
    }: {
      context: MessengerContext;
      spawn: Spawner;
    }) => ({
      ...current.conversations,
      [conversation.id]: spawn('conversation', {
        // The systemId as the child id too: a raw server id could equal the id of the
        // messenger's own invoked children (persistUnsent, newChat) and replace it.
        id: systemId,
        systemId,
        input: {
          conversation,
          currentUserId,
          clientIdPrefix: prefix,
          now: context.now,
          restored,
          ...(context.randomId ? { randomId: context.randomId } : {}),
        },
      }),
    }),
  });
  enqueue.sendTo(
    ({ context: current }: { context: MessengerContext }) =>
      ownValue(current.conversations, conversation.id) as ConversationRef,
    { type: 'conversation.synced', conversation, currentUserId },
  );
  return withoutConversation(unsent, conversation.id);
}

/** Clips to `max` characters (by code point, so no emoji is cut in half), with an ellipsis. */
function clip(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * A DM's notification is titled with the sender's name; a group's with its title, the sender's
 * first name before the text (as the sidebar's preview).
 */
export function notificationFor(
  users: Readonly<Record<string, User>>,
  spec: { conversationId: string; kind: ConversationKind; title: string; message: Message },
): MessageNotification {
  const author = ownValue(users, spec.message.authorId);
  const name = author ? `${author.firstName} ${author.lastName}`.trim() : 'Someone';
  const direct = spec.kind === 'direct';
  const title = direct || spec.title.trim() === '' ? name : spec.title;
  const body = direct
    ? spec.message.text
    : `${author?.firstName ?? 'Someone'}: ${spec.message.text}`;
  return {
    conversationId: spec.conversationId,
    title: clip(title, notificationLimits.titleMaxChars),
    body: clip(body, notificationLimits.bodyMaxChars),
  };
}

/** `unsent` without what it holds for one conversation. */
function withoutConversation(unsent: UnsentState, conversationId: string): UnsentState {
  return {
    ...unsent,
    drafts: Object.fromEntries(
      Object.entries(unsent.drafts).filter(([id]) => id !== conversationId),
    ),
    outbox: unsent.outbox.filter((entry) => entry.conversationId !== conversationId),
  };
}

/** What one conversation actor holds unsent: its draft and its waiting or failed messages. */
function shareOf(ref: ConversationRef): { draft: string; outbox: UnsentMessage[] } {
  // Optional: the visualizer's simulator stands inert actors in for the conversations.
  const conversation: ConversationContext | undefined = ref.getSnapshot().context;
  if (!conversation) return { draft: '', outbox: [] };
  const outbox: UnsentMessage[] = [];
  for (const message of conversation.outbox) {
    const snapshot = message.getSnapshot();
    if (snapshot.status !== 'active') continue;
    const { conversationId, text, clientMessageId, createdAt, failure, replyTo } = snapshot.context;
    outbox.push({
      conversationId,
      text,
      clientMessageId,
      createdAt,
      failure: snapshot.matches('failed') ? (failure ?? '').slice(0, unsentFailureMaxChars) : null,
      ...(replyTo ? { replyTo } : {}),
    });
  }
  return { draft: conversation.draft, outbox };
}

/** `unsent` with what a conversation actor holds added to it (it is about to stop). */
function withShareOf(unsent: UnsentState, ref: ConversationRef): UnsentState {
  const id = ref.getSnapshot().context?.id;
  if (id === undefined) return unsent;
  const { draft, outbox } = shareOf(ref);
  const base = withoutConversation(unsent, id);
  return {
    ...base,
    drafts: draft === '' ? base.drafts : { ...base.drafts, [id]: draft },
    outbox: [...base.outbox, ...outbox],
  };
}

/**
 * What would be lost on a restart now: each conversation's draft and its unsent messages, plus
 * what was kept for conversations the server does not list (restored, or left since), for the
 * signed-in user only. At most `unsentOutboxMax` messages, the oldest first.
 */
export function unsentOf(context: MessengerContext): UnsentState {
  // Runs while the person types (the save after a draft's delay): one pass, no copies per
  // conversation. `context.unsent` holds only conversations not listed (a spawn takes its share).
  const drafts: [string, string][] = Object.entries(context.unsent.drafts);
  const outbox: UnsentMessage[] = [...context.unsent.outbox];
  for (const ref of Object.values(context.conversations)) {
    const { draft, outbox: share } = shareOf(ref);
    if (draft !== '') drafts.push([ref.getSnapshot().context.id, draft]);
    outbox.push(...share);
  }
  outbox.sort((a, b) => a.createdAt - b.createdAt);
  return {
    version: 1,
    // Before the first sync the user is not known yet: what was restored is still its owner's.
    userId: context.currentUserId ?? context.unsent.userId,
    drafts: Object.fromEntries(drafts),
    outbox: outbox.slice(0, unsentOutboxMax),
  };
}
