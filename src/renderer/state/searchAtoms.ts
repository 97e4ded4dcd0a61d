// The atoms of the message search dialog (the messenger's `messageSearch` child): what it shows,
// each hit under its conversation's title (as the list names it) with its author's first name,
// and the failure as a sentence. View models only: every action is an event to the machine.
import { atom, type Atom, type WritableAtom } from 'jotai/vanilla';
import type { ActorRefFrom, SnapshotFrom } from 'xstate';
import type { ConversationRef } from '../../../machines/conversation.ts';
import type { MessageSearchEvent, MessageSearchMachine } from '../../../machines/messageSearch.ts';
import { ownValue } from '../../../machines/system.ts';
import type { ProtocolError } from '../../../server/protocol.ts';
import { snapshotAtomOf } from './actorAtoms.ts';
import { conversationIdentity } from './people.ts';
import type { MessengerSnapshot } from './snapshots.ts';

/** What the dialog is doing, as the machine's `open` states name it. */
export type MessageSearchStatus =
  | 'idle'
  | 'debouncing'
  | 'searching'
  | 'found'
  | 'loadingMore'
  | 'failed'
  | 'moreFailed';

export interface MessageSearchHitView {
  conversationId: string;
  seq: number;
  /** The author's first name; "You" for the user's own. */
  author: string;
  sentAt: number;
  text: string;
  /** [start, end) UTF-16 ranges of `text` to mark. */
  highlights: readonly (readonly [number, number])[];
}

export interface MessageSearchGroupView {
  conversationId: string;
  title: string;
  hits: readonly MessageSearchHitView[];
}

export interface MessageSearchView {
  status: MessageSearchStatus;
  /** As typed. */
  query: string;
  groups: readonly MessageSearchGroupView[];
  hasMore: boolean;
  error: string | null;
}

export type MessageSearchViewEvent = Extract<
  MessageSearchEvent,
  {
    type:
      | 'search.opened'
      | 'search.closed'
      | 'query.changed'
      | 'search.retried'
      | 'olderResults.requested'
      | 'hit.picked';
  }
>;

export interface SearchAtoms {
  /** The search dialog, or null while it is closed. */
  messageSearchAtom: Atom<MessageSearchView | null>;
  sendToMessageSearchAtom: WritableAtom<null, [MessageSearchViewEvent], void>;
}

type MessageSearchSnapshot = SnapshotFrom<MessageSearchMachine>;

const statuses: readonly MessageSearchStatus[] = [
  'idle',
  'debouncing',
  'searching',
  'found',
  'loadingMore',
  'failed',
  'moreFailed',
];

/** A failure as the person reads it: how long to wait when searching too often. */
export function searchErrorText(error: ProtocolError): string {
  if (error.code === 'rate_limited') {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 0) / 1000));
    return error.retryAfterMs !== undefined
      ? `Too many searches. Try again in ${seconds} s.`
      : 'Too many searches. Try again in a moment.';
  }
  return error.message.replace(/^network:\s*/, '');
}

export function createSearchAtoms(deps: {
  messengerSnapshotAtom: Atom<MessengerSnapshot | null>;
}): SearchAtoms {
  const { messengerSnapshotAtom } = deps;
  const messageSearchRefAtom = atom((get) => {
    const ref = get(messengerSnapshotAtom)?.children.messageSearch;
    return (ref as ActorRefFrom<MessageSearchMachine> | undefined) ?? null;
  });
  const messageSearchAtom = atom((get): MessageSearchView | null => {
    const ref = get(messageSearchRefAtom);
    const messenger = get(messengerSnapshotAtom);
    if (!ref || !messenger) return null;
    const snapshot: MessageSearchSnapshot = get(snapshotAtomOf(ref));
    const status = statuses.find((name) => snapshot.matches({ open: name }));
    if (!status) return null;
    const { context } = snapshot;
    const { users, currentUserId, conversations } = messenger.context;
    const titleOf = (conversationId: string): string => {
      const conversation: ConversationRef | undefined = ownValue(conversations, conversationId);
      if (!conversation) return 'A conversation';
      const summary = get(snapshotAtomOf(conversation)).context;
      return conversationIdentity(summary, users, currentUserId).title;
    };
    return {
      status,
      query: context.query,
      groups: context.results.map((group) => ({
        conversationId: group.conversationId,
        title: titleOf(group.conversationId),
        hits: group.messages.map(({ message, highlights }) => ({
          conversationId: group.conversationId,
          seq: message.seq,
          author:
            message.authorId === currentUserId
              ? 'You'
              : (ownValue(users, message.authorId)?.firstName ?? 'Someone'),
          sentAt: message.sentAt,
          text: message.text,
          highlights,
        })),
      })),
      hasMore: context.hasMore,
      error: context.error ? searchErrorText(context.error) : null,
    };
  });
  const sendToMessageSearchAtom = atom(null, (get, _set, event: MessageSearchViewEvent) =>
    get(messageSearchRefAtom)?.send(event),
  );
  return { messageSearchAtom, sendToMessageSearchAtom };
}
