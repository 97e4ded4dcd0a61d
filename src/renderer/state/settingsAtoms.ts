// The Settings dialog's atoms (the messenger's `settings` child): what the dialog shows, and the
// events it sends. Opening hands the machine the person as the messenger knows them.
import { atom, type Atom, type WritableAtom } from 'jotai/vanilla';
import type { ActorRefFrom, SnapshotFrom } from 'xstate';
import type { SettingsEvent, SettingsMachine } from '../../../machines/settings.ts';
import { ownValue } from '../../../machines/system.ts';
import { isValidName, Limits, type SelfUser } from '../../../server/protocol.ts';
import { snapshotAtomOf } from './actorAtoms.ts';
import type { MessengerSnapshot } from './snapshots.ts';

export type ProfileStatus = 'editing' | 'invalid' | 'savingProfile' | 'saved' | 'saveFailed';
export type DevicesStatus =
  | 'loadingSessions'
  | 'loadFailed'
  | 'sessionsListed'
  | 'revoking'
  | 'revoked'
  | 'revokeFailed';

export interface DeviceRow {
  id: string;
  client: string;
  lastSeenAt: number;
  /** This device's own session. */
  current: boolean;
}

export interface SettingsView {
  firstName: string;
  lastName: string;
  /** Shown once a save was refused here for a name too short. */
  firstNameError: string | null;
  lastNameError: string | null;
  profile: ProfileStatus;
  profileError: string | null;
  /** The colour the avatar has, or is being given. */
  color: string | null;
  savingColour: boolean;
  colourError: string | null;
  /** The uploaded picture's path on the chat server, or null. */
  image: string | null;
  savingPicture: boolean;
  pictureError: string | null;
  /** Unknown (null) until this run has heard the person's own record; the new value while saved. */
  findableByPhone: boolean | null;
  savingFindable: boolean;
  findableError: string | null;
  devices: DevicesStatus;
  sessions: readonly DeviceRow[];
  revokingId: string | null;
  devicesError: string | null;
}

export type SettingsViewEvent = Extract<
  SettingsEvent,
  {
    type:
      | 'settings.closed'
      | 'firstName.changed'
      | 'lastName.changed'
      | 'profile.submitted'
      | 'colour.picked'
      | 'picture.chosen'
      | 'picture.unreadable'
      | 'picture.removed'
      | 'findable.changed'
      | 'sessions.retried'
      | 'revoke.requested';
  }
>;

export interface SettingsAtoms {
  /** The Settings dialog, or null while it is closed. */
  settingsAtom: Atom<SettingsView | null>;
  sendToSettingsAtom: WritableAtom<null, [SettingsViewEvent], void>;
  /** Opens the dialog with the signed-in person's name and colour. */
  openSettingsAtom: WritableAtom<null, [], void>;
}

type SettingsSnapshot = SnapshotFrom<SettingsMachine>;

const profileStates: readonly ProfileStatus[] = [
  'editing',
  'invalid',
  'savingProfile',
  'saved',
  'saveFailed',
];
const devicesStates: readonly DevicesStatus[] = [
  'loadingSessions',
  'loadFailed',
  'sessionsListed',
  'revoking',
  'revoked',
  'revokeFailed',
];

const tooShort = `At least ${Limits.nameMinGraphemes} characters.`;
/** Without the `network:` prefix the transport adds to its own failures. */
const readable = (message: string): string => message.replace(/^network:\s*/, '');

export function toSettingsView(snapshot: SettingsSnapshot): SettingsView | null {
  if (!snapshot.matches('open')) return null;
  const { context } = snapshot;
  const profile =
    profileStates.find((name) => snapshot.matches({ open: { profile: name } })) ?? 'editing';
  const devices =
    devicesStates.find((name) => snapshot.matches({ open: { devices: name } })) ??
    'loadingSessions';
  const savingColour = snapshot.matches({ open: { avatar: 'savingColour' } });
  const nameError = (name: string) =>
    profile === 'invalid' && !isValidName(name) ? tooShort : null;
  return {
    firstName: context.firstName,
    lastName: context.lastName,
    firstNameError: nameError(context.firstName),
    lastNameError: nameError(context.lastName),
    profile,
    profileError: context.profileError ? readable(context.profileError.message) : null,
    color: (savingColour ? context.pickedColor : null) ?? context.color,
    savingColour,
    colourError: context.colourError ? readable(context.colourError.message) : null,
    image: context.image,
    savingPicture: snapshot.matches({ open: { avatar: 'savingPicture' } }),
    pictureError: context.pictureError ? readable(context.pictureError.message) : null,
    findableByPhone: context.pickedFindable ?? context.findableByPhone,
    savingFindable: snapshot.matches({ open: { discovery: 'savingFindable' } }),
    findableError: context.findableError ? readable(context.findableError.message) : null,
    devices,
    sessions: context.sessions.map(({ id, client, lastSeenAt, current }) => ({
      id,
      client,
      lastSeenAt,
      current,
    })),
    revokingId: context.revokingId,
    devicesError: context.devicesError ? readable(context.devicesError.message) : null,
  };
}

export function createSettingsAtoms(deps: {
  messengerSnapshotAtom: Atom<MessengerSnapshot | null>;
  /** The person's own record as onboarding returned it (a restored session does not know it). */
  selfUserAtom: Atom<SelfUser | null>;
}): SettingsAtoms {
  const { messengerSnapshotAtom, selfUserAtom } = deps;
  const settingsRefAtom = atom((get) => {
    const ref = get(messengerSnapshotAtom)?.children.settings;
    return (ref as ActorRefFrom<SettingsMachine> | undefined) ?? null;
  });
  const settingsAtom = atom((get) => {
    const ref = get(settingsRefAtom);
    return ref ? toSettingsView(get(snapshotAtomOf(ref))) : null;
  });
  const sendToSettingsAtom = atom(null, (get, _set, event: SettingsViewEvent) =>
    get(settingsRefAtom)?.send(event),
  );
  const openSettingsAtom = atom(null, (get) => {
    const messenger = get(messengerSnapshotAtom);
    const ref = get(settingsRefAtom);
    const userId = messenger?.context.currentUserId;
    const user = userId ? ownValue(messenger.context.users, userId) : undefined;
    if (!ref || !user) return;
    const self = get(selfUserAtom);
    const findableByPhone = self?.id === user.id ? (self.findableByPhone ?? false) : null;
    ref.send({ type: 'settings.opened', user, findableByPhone });
  });
  return { settingsAtom, sendToSettingsAtom, openSettingsAtom };
}
