// The atoms of what the user does to a message (the messenger's `messageActions` child): the
// composer's reply or edit in the open conversation, the delete dialog, and a failed deletion or
// reaction. View models only: every action is an event to the machine.
import { atom, type Atom, type WritableAtom } from 'jotai/vanilla';
import type { ActorRefFrom } from 'xstate';
import type { ConversationRef } from '../../../machines/conversation.ts';
import type {
  MessageActionsEvent,
  MessageActionsMachine,
} from '../../../machines/messageActions.ts';
import { ownValue } from '../../../machines/system.ts';
import type { ReplyTo } from '../../../server/protocol.ts';
import { snapshotAtomOf } from './actorAtoms.ts';
import type { MessengerSnapshot } from './snapshots.ts';

/** What the composer of the open conversation is doing besides writing the draft. */
export type ComposerMode =
  | { kind: 'plain' }
  | { kind: 'replying'; quote: ReplyTo; authorName: string }
  | {
      kind: 'editing';
      messageId: string;
      text: string;
      saving: boolean;
      /** Why the server refused the last save (the text is kept). */
      error: string | null;
    };

export interface DeleteDialogView {
  /** "Delete for everyone" is offered (the user's own message, within the time allowed). */
  forEveryone: boolean;
  deleting: boolean;
}

export type MessageActionsViewEvent = Exclude<
  MessageActionsEvent,
  {
    type: 'edit.saved' | 'edit.refused' | 'change.done' | 'change.failed' | 'connection.lost';
  }
>;

export interface MessageActionsAtoms {
  composerModeAtom: Atom<ComposerMode>;
  /** The delete dialog, or null while it is closed. */
  deleteDialogAtom: Atom<DeleteDialogView | null>;
  /** Why the latest deletion or reaction failed, until dismissed. */
  messageActionErrorAtom: Atom<string | null>;
  sendToMessageActionsAtom: WritableAtom<null, [MessageActionsViewEvent], void>;
  /** The app's clock: whether a message may still be edited or deleted for everyone. */
  now: () => number;
}

const plain: ComposerMode = { kind: 'plain' };

/** Without the `network:` prefix the transport adds to its own failures. */
const readable = (message: string): string => message.replace(/^network:\s*/, '');

export function createMessageActionsAtoms(deps: {
  messengerSnapshotAtom: Atom<MessengerSnapshot | null>;
  openRefAtom: Atom<ConversationRef | null>;
  now: () => number;
}): MessageActionsAtoms {
  const { messengerSnapshotAtom, openRefAtom } = deps;
  const refAtom = atom((get) => {
    const ref = get(messengerSnapshotAtom)?.children.messageActions;
    return (ref as ActorRefFrom<MessageActionsMachine> | undefined) ?? null;
  });
  const snapshotAtom = atom((get) => {
    const ref = get(refAtom);
    return ref ? get(snapshotAtomOf(ref)) : null;
  });
  const composerModeAtom = atom((get): ComposerMode => {
    const snapshot = get(snapshotAtom);
    const open = get(openRefAtom);
    if (!snapshot || !open) return plain;
    const openId = open.getSnapshot().context.id;
    const { replying, editing, editError } = snapshot.context;
    // A reply or an edit belongs to its conversation: another one's composer is plain.
    if (snapshot.matches({ composer: 'replying' }) && replying?.conversationId === openId) {
      const author = ownValue(
        get(messengerSnapshotAtom)?.context.users ?? {},
        replying.quote.authorId,
      );
      const isOwn = replying.quote.authorId === open.getSnapshot().context.currentUserId;
      return {
        kind: 'replying',
        quote: replying.quote,
        authorName: isOwn ? 'You' : author ? `${author.firstName} ${author.lastName}` : 'Someone',
      };
    }
    if (snapshot.matches({ composer: 'editing' }) && editing?.conversationId === openId) {
      return {
        kind: 'editing',
        messageId: editing.messageId,
        text: editing.text,
        saving: snapshot.matches({ composer: { editing: 'saving' } }),
        error:
          snapshot.matches({ composer: { editing: 'refused' } }) && editError
            ? readable(editError.message)
            : null,
      };
    }
    return plain;
  });
  const deleteDialogAtom = atom((get): DeleteDialogView | null => {
    const snapshot = get(snapshotAtom);
    if (!snapshot?.context.deleting) return null;
    const confirming = snapshot.matches({ change: 'confirmingDelete' });
    const deleting = snapshot.matches({ change: 'deleting' });
    if (!confirming && !deleting) return null;
    return { forEveryone: snapshot.context.deleting.forEveryone, deleting };
  });
  const messageActionErrorAtom = atom((get) => {
    const snapshot = get(snapshotAtom);
    if (!snapshot?.matches({ change: 'failed' }) || !snapshot.context.changeError) return null;
    return readable(snapshot.context.changeError.message);
  });
  const sendToMessageActionsAtom = atom(null, (get, _set, event: MessageActionsViewEvent) =>
    get(refAtom)?.send(event),
  );
  return {
    composerModeAtom,
    deleteDialogAtom,
    messageActionErrorAtom,
    sendToMessageActionsAtom,
    now: deps.now,
  };
}
