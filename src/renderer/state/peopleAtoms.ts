// The atoms of conversations people make: the New chat dialog (the messenger's `newChat` child),
// the open group's members with leaving and removing (its `membership` child), the notice a
// removal leaves, and who read one of the user's messages in a group (its `receiptList` child).
// View models only: every action is an event to the machine that owns it.
import { atom, type Atom, type WritableAtom } from 'jotai/vanilla';
import type { ConversationRef } from '../../../machines/conversation.ts';
import type { MembershipEvent, MembershipMachine } from '../../../machines/membership.ts';
import type { MessengerEvent } from '../../../machines/messenger.ts';
import type { ReceiptListEvent, ReceiptListMachine } from '../../../machines/receiptList.ts';
import {
  isValidGroupTitle,
  type NewChatEvent,
  type NewChatMachine,
  type NewChatPurpose,
} from '../../../machines/newChat.ts';
import { ownValue } from '../../../machines/system.ts';
import type { User } from '../../../server/protocol.ts';
import type { ActorRefFrom, SnapshotFrom } from 'xstate';
import { snapshotAtomOf } from './actorAtoms.ts';
import { fullName } from './people.ts';
import type { MessengerSnapshot } from './snapshots.ts';

export type NewChatStep =
  | 'choosing'
  | 'creatingDirect'
  | 'directFailed'
  | 'choosingMembers'
  | 'choosingPeople'
  | 'naming'
  | 'creatingGroup'
  | 'groupFailed'
  | 'adding'
  | 'addFailed';

export type NewChatSearch = 'idle' | 'debouncing' | 'searching' | 'found' | 'failed';

export interface NewChatView {
  purpose: NewChatPurpose;
  step: NewChatStep;
  search: NewChatSearch;
  query: string;
  results: readonly (User & { picked: boolean })[];
  picked: readonly User[];
  title: string;
  titleValid: boolean;
  /** A request is in flight: the dialog's buttons wait. */
  busy: boolean;
  error: string | null;
}

export interface GroupMember {
  user: User;
  name: string;
  isAdmin: boolean;
  isYou: boolean;
}

export interface GroupInfoView {
  conversationId: string;
  title: string;
  /** The user may add and remove members. */
  canManage: boolean;
  members: readonly GroupMember[];
  /** Leaving or removing, in flight or failed. */
  membership: 'idle' | 'leaving' | 'leaveFailed' | 'removing' | 'removalFailed';
  removingUserId: string | null;
  error: string | null;
}

export type NewChatViewEvent = Exclude<
  NewChatEvent,
  {
    type:
      | 'people.found'
      | 'people.failed'
      | 'conversation.created'
      | 'conversation.failed'
      | 'members.added'
      | 'members.failed'
      | 'connection.lost';
  }
>;

export type MembershipViewEvent = Extract<
  MembershipEvent,
  { type: 'leave.requested' | 'removal.requested' | 'membership.dismissed' }
>;

export interface ReceiptPerson {
  id: string;
  /** First and last name ("Someone" for a person this window does not know). */
  name: string;
}

/** The Message info dialog of one of the user's own messages in the open group. */
export interface ReceiptListView {
  seq: number;
  status: 'loading' | 'shown' | 'failed';
  readBy: readonly ReceiptPerson[];
  deliveredTo: readonly ReceiptPerson[];
  error: string | null;
}

export type ReceiptListViewEvent = Extract<
  ReceiptListEvent,
  { type: 'receiptList.opened' | 'receiptList.retried' | 'receiptList.closed' }
>;

export interface PeopleAtoms {
  /** The New chat dialog, or null while it is closed. */
  newChatAtom: Atom<NewChatView | null>;
  sendToNewChatAtom: WritableAtom<null, [NewChatViewEvent], void>;
  /** The open conversation's members and what may be done with them (groups only). */
  groupInfoAtom: Atom<GroupInfoView | null>;
  sendToMembershipAtom: WritableAtom<null, [MembershipViewEvent], void>;
  /** Message info for the open conversation, or null while it is closed. */
  receiptListAtom: Atom<ReceiptListView | null>;
  sendToReceiptListAtom: WritableAtom<null, [ReceiptListViewEvent], void>;
  /** "You were removed from …", until dismissed. */
  messengerNoticeAtom: Atom<string | null>;
  dismissNoticeAtom: WritableAtom<null, [], void>;
}

type NewChatSnapshot = SnapshotFrom<NewChatMachine>;
type MembershipSnapshot = SnapshotFrom<MembershipMachine>;

const steps: readonly NewChatStep[] = [
  'choosing',
  'creatingDirect',
  'directFailed',
  'choosingMembers',
  'choosingPeople',
  'naming',
  'creatingGroup',
  'groupFailed',
  'adding',
  'addFailed',
];
const searches: readonly NewChatSearch[] = ['idle', 'debouncing', 'searching', 'found', 'failed'];

/** Without the `network:` prefix the transport adds to its own failures. */
const readable = (message: string): string => message.replace(/^network:\s*/, '');

export function toNewChatView(snapshot: NewChatSnapshot): NewChatView | null {
  if (!snapshot.matches('open')) return null;
  const { context } = snapshot;
  const step = steps.find((name) => snapshot.matches({ open: { step: name } })) ?? 'choosing';
  const search = searches.find((name) => snapshot.matches({ open: { search: name } })) ?? 'idle';
  const pickedIds = new Set(context.picked.map((user) => user.id));
  return {
    purpose: context.purpose,
    step,
    search,
    query: context.query,
    results: context.results.map((user) => ({ ...user, picked: pickedIds.has(user.id) })),
    picked: context.picked,
    title: context.title,
    titleValid: isValidGroupTitle(context.title),
    busy: step === 'creatingDirect' || step === 'creatingGroup' || step === 'adding',
    error: context.error ? readable(context.error.message) : null,
  };
}

function membershipOf(snapshot: MembershipSnapshot | null, conversationId: string) {
  if (!snapshot || snapshot.context.conversationId !== conversationId) {
    return { membership: 'idle' as const, removingUserId: null, error: null };
  }
  const value = snapshot.value as GroupInfoView['membership'];
  return {
    membership: value,
    removingUserId: snapshot.context.userId,
    error: snapshot.context.error ? readable(snapshot.context.error.message) : null,
  };
}

export function createPeopleAtoms(deps: {
  messengerSnapshotAtom: Atom<MessengerSnapshot | null>;
  openRefAtom: Atom<ConversationRef | null>;
  sendToMessenger: (event: MessengerEvent) => void;
}): PeopleAtoms {
  const { messengerSnapshotAtom, openRefAtom } = deps;
  const newChatRefAtom = atom((get) => {
    const ref = get(messengerSnapshotAtom)?.children.newChat;
    return (ref as ActorRefFrom<NewChatMachine> | undefined) ?? null;
  });
  const membershipRefAtom = atom((get) => {
    const ref = get(messengerSnapshotAtom)?.children.membership;
    return (ref as ActorRefFrom<MembershipMachine> | undefined) ?? null;
  });
  const newChatAtom = atom((get) => {
    const ref = get(newChatRefAtom);
    return ref ? toNewChatView(get(snapshotAtomOf(ref))) : null;
  });
  const groupInfoAtom = atom((get): GroupInfoView | null => {
    const ref = get(openRefAtom);
    const messenger = get(messengerSnapshotAtom);
    if (!ref || !messenger) return null;
    const { context } = get(snapshotAtomOf(ref));
    if (context.kind !== 'group') return null;
    const { users, currentUserId } = messenger.context;
    const members = context.memberIds.map((id): GroupMember => {
      const user = ownValue(users, id) ?? {
        id,
        firstName: 'Someone',
        lastName: '',
        avatar: { initials: '?', color: '#757575' },
      };
      return {
        user,
        name: fullName(user),
        isAdmin: id === context.adminId,
        isYou: id === currentUserId,
      };
    });
    const membershipRef = get(membershipRefAtom);
    return {
      conversationId: context.id,
      title: context.title,
      canManage: context.adminId !== null && context.adminId === currentUserId,
      members,
      ...membershipOf(membershipRef ? get(snapshotAtomOf(membershipRef)) : null, context.id),
    };
  });
  const receiptListRefAtom = atom((get) => {
    const ref = get(messengerSnapshotAtom)?.children.receiptList;
    return (ref as ActorRefFrom<ReceiptListMachine> | undefined) ?? null;
  });
  const receiptListAtom = atom((get): ReceiptListView | null => {
    const ref = get(receiptListRefAtom);
    const open = get(openRefAtom);
    const messenger = get(messengerSnapshotAtom);
    if (!ref || !open || !messenger) return null;
    const snapshot = get(snapshotAtomOf(ref));
    const { context } = snapshot;
    // Asked about a message of another conversation (one opened since): not shown here.
    if (context.seq === null || context.conversationId !== open.getSnapshot().context.id) {
      return null;
    }
    const status = (['loading', 'shown', 'failed'] as const).find((name) => snapshot.matches(name));
    if (!status) return null;
    const { users } = messenger.context;
    const person = (id: string): ReceiptPerson => {
      const user = ownValue(users, id);
      return { id, name: user ? fullName(user) : 'Someone' };
    };
    return {
      seq: context.seq,
      status,
      readBy: context.readBy.map(person),
      deliveredTo: context.deliveredTo.map(person),
      error: context.error ? readable(context.error.message) : null,
    };
  });
  const sendToReceiptListAtom = atom(null, (get, _set, event: ReceiptListViewEvent) =>
    get(receiptListRefAtom)?.send(event),
  );
  const sendToNewChatAtom = atom(null, (get, _set, event: NewChatViewEvent) =>
    get(newChatRefAtom)?.send(event),
  );
  const sendToMembershipAtom = atom(null, (get, _set, event: MembershipViewEvent) =>
    get(membershipRefAtom)?.send(event),
  );
  const messengerNoticeAtom = atom((get) => get(messengerSnapshotAtom)?.context.notice ?? null);
  const dismissNoticeAtom = atom(null, () => deps.sendToMessenger({ type: 'notice.dismissed' }));
  return {
    newChatAtom,
    sendToNewChatAtom,
    groupInfoAtom,
    sendToMembershipAtom,
    receiptListAtom,
    sendToReceiptListAtom,
    messengerNoticeAtom,
    dismissNoticeAtom,
  };
}
