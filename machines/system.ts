// The signed-in actor system's addresses and its one transport contract.
//
// app ─┬─ session (systemId "session") ── socket (systemId "socket", one per connection attempt)
//      └─ messenger (systemId "messenger") ─┬─ conversation (systemId "conversation.<id>", one each)
//                                           │   └─ outgoingMessage ("outgoing.<clientMessageId>")
//                                           ├─ newChat (systemId "newChat")
//                                           ├─ membership (systemId "membership")
//                                           ├─ receiptList (systemId "receiptList")
//                                           ├─ messageActions (systemId "messageActions")
//                                           ├─ messageSearch (systemId "messageSearch")
//                                           └─ settings (systemId "settings")
//                                           └─ notifier (systemId "notifier", the platform's)
//
// The socket actor validates every inbound payload once (zod, server/protocol.ts) and delivers
// it, typed, to the actor that owns it: connection events to the session, the sync and pushes to
// the messenger, answers to a conversation's requests to that conversation, acks to the message
// they acknowledge. Actors that ask the server something send a `SocketCommand`, named after the
// wire event it emits, to `system.get("socket")`; while there is no socket (offline, between
// attempts) the command is dropped and the asker learns it from `connection.lost`.
import type { AnyActorRef, EventObject } from 'xstate';
import type { CreateConversation, UpdateProfile } from '../server/protocol.ts';

export const systemIds = {
  session: 'session',
  socket: 'socket',
  messenger: 'messenger',
  newChat: 'newChat',
  membership: 'membership',
  receiptList: 'receiptList',
  messageActions: 'messageActions',
  messageSearch: 'messageSearch',
  settings: 'settings',
  notifier: 'notifier',
} as const;

export const conversationSystemId = (conversationId: string): string =>
  `conversation.${conversationId}`;

export const outgoingSystemId = (clientMessageId: string): string => `outgoing.${clientMessageId}`;

/** What actors ask of the socket; each is the wire event of the same name. */
export type SocketCommand =
  /** Answered with `sync.received` (session and messenger) or `sync.failed`. */
  | { type: 'requestConversationsAndUsers' }
  /** Answered with `message.acked` or `message.rejected`, to `outgoing.<clientMessageId>`. */
  | {
      type: 'sendMessage';
      conversationId: string;
      text: string;
      clientMessageId: string;
      replyToId?: string;
    }
  /** Fire and forget: a lost drafting signal expires on the server by itself. */
  | { type: 'isDrafting'; conversationId: string; isDrafting: boolean }
  /** An older page: answered with `history.loaded` or `history.failed`, to the conversation. */
  | {
      type: 'requestMessages';
      purpose: 'history';
      conversationId: string;
      before?: number;
      limit: number;
    }
  /** The messages after `after`: answered with `catchUp.loaded` or `catchUp.failed`. */
  | {
      type: 'requestMessages';
      purpose: 'catchUp';
      conversationId: string;
      after: number;
      limit: number;
    }
  /**
   * The messages changed after revision `since` (edits, deletions, reactions, hides): answered
   * with `changes.loaded` or `changes.failed`, to the conversation.
   */
  | { type: 'listMessageChanges'; conversationId: string; since: number; limit: number }
  /** Revokes this session's token: answered with `signOut.done` or `signOut.failed`. */
  | { type: 'signOut' }
  /** Answered with `people.found` or `people.failed`, to `newChat`. */
  | ({ type: 'searchPeople'; searchId: number } & ({ query: string } | { phone: string }))
  /** Answered with `conversation.created` or `conversation.failed`, to `newChat`. */
  | { type: 'createConversation'; requestId: number; request: CreateConversation }
  /** Answered with `members.added` or `members.failed`, to `newChat`. */
  | { type: 'addMembers'; requestId: number; conversationId: string; userIds: string[] }
  /** Answered with `leave.done` or `leave.failed`, to `membership`. */
  | { type: 'leaveConversation'; conversationId: string }
  /** Fire and forget: the next open (or sync) tells the server again. */
  | { type: 'markRead'; conversationId: string; seq: number }
  /** Fire and forget, coalesced per conversation by the transport (read implies delivered). */
  | { type: 'markDelivered'; conversationId: string; seq: number }
  /** Answered with `receiptList.loaded` or `receiptList.failed` (with `requestId`), to `receiptList`. */
  | { type: 'listReceipts'; requestId: number; conversationId: string; seq: number }
  /** Answered with `edit.saved` or `edit.refused` (with `requestId`), to `messageActions`. */
  | {
      type: 'editMessage';
      requestId: number;
      conversationId: string;
      messageId: string;
      text: string;
    }
  /**
   * Delete for everyone, or for the user (`hideMessage`), or react: answered with
   * `change.done` or `change.failed` (with `requestId`), to `messageActions`.
   */
  | {
      type: 'deleteMessage' | 'hideMessage';
      requestId: number;
      conversationId: string;
      messageId: string;
    }
  | {
      type: 'reactToMessage';
      requestId: number;
      conversationId: string;
      messageId: string;
      emoji: string | null;
    }
  /**
   * Answered with `messages.found` or `messages.failed` (with `searchId`), to `messageSearch`.
   * `before`: the previous page's cursor, for the next (older) page.
   */
  | { type: 'searchMessages'; searchId: number; query: string; before?: number }
  /** Answered with `removal.done` or `removal.failed`, to `membership`. */
  | { type: 'removeMember'; conversationId: string; userId: string }
  /** Answered with `profile.saved` or `profile.failed` (carrying `part` back), to `settings`. */
  | {
      type: 'updateProfile';
      part: 'name' | 'colour' | 'findable';
      patch: UpdateProfile;
    }
  /** Answered with `profile.saved` or `profile.failed` (part `picture`), to `settings`. */
  | { type: 'setAvatarImage'; image: Uint8Array<ArrayBuffer> | null }
  /** Answered with `sessions.loaded` or `sessions.failed`, to `settings`. */
  | { type: 'listSessions' }
  /** Answered with `session.revoked` or `session.revokeFailed`, to `settings`. */
  | { type: 'revokeSession'; sessionId: string }
  /** Fire and forget: the next sync brings what the server kept. */
  | { type: 'setMuted'; conversationId: string; muted: boolean };

/** What a desktop notification shows; clicking it opens `conversationId`. */
export interface MessageNotification {
  conversationId: string;
  title: string;
  body: string;
}

/** Bounds a notification's text (main checks them again at the IPC door). */
export const notificationLimits = { titleMaxChars: 120, bodyMaxChars: 240 } as const;

/** Whether the platform may show notifications: asked (granted, denied), not yet, or never. */
export type NotificationPermission = 'default' | 'granted' | 'denied' | 'unsupported';

/** What the messenger asks of its `notifier` actor (provided by the platform). */
export type NotifierCommand =
  | { type: 'notify'; notification: MessageNotification }
  /** Ask the person (the browser's prompt); answered with `permission.changed`. */
  | { type: 'permission.requested' }
  /** "Not now": remembered, so the prompt is not offered again. */
  | { type: 'prompt.dismissed' };

interface SystemLike {
  get(systemId: string): AnyActorRef | undefined;
}

/**
 * Sends `event` to the actor registered as `systemId`, if it is running. (XState's `sendTo`
 * with a function that finds no actor sends to the sender itself.) A machine run on its own,
 * in a test or the visualizer, has no such actor, so nothing is sent.
 */
export function tellSystem<TEvent extends EventObject>(
  system: SystemLike,
  systemId: string,
  event: TEvent,
): void {
  system.get(systemId)?.send(event);
}

/**
 * The value stored under `key` in a record keyed by ids the server chose, or undefined. Plain
 * `record[key]` would answer "constructor" or "toString" with Object.prototype's functions.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether `key` is one of the record's own keys (see `ownValue`). */
export function hasOwnKey(record: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.hasOwn(record, key);
}
