// Settings: the person's own profile and devices (systemId "settings", invoked by the messenger
// while the list is up). Closed, or open with four regions that run side by side:
// - `profile`: first and last name, edited and saved (the onboarding rules: each more than 2
//   characters; refused names show their field errors, the server's refusal shows too);
// - `avatar`: the avatar colour, saved as soon as it is picked, and the picture, uploaded as soon
//   as it is chosen (the view scales it first) or removed;
// - `discovery`: whether people may find them by phone number, saved as soon as it is switched;
// - `devices`: the signed-in sessions, loaded when the view opens, and revoking another one
//   (this device's own is signed out through the app, not revoked here).
// Saved changes reach the messenger as the server's `userUpdated`, like everyone else's.
import { assign, enqueueActions, setup } from 'xstate';
import {
  isAvatarColour,
  isValidName,
  type ProtocolError,
  type SelfUser,
  type SessionInfo,
  type User,
} from '../server/protocol.ts';
import { systemIds, tellSystem, type SocketCommand } from './system.ts';

/** Which part of the profile an `updateProfile` request saves (its answer says it back). */
export type ProfilePart = 'name' | 'colour' | 'findable' | 'picture';

export interface SettingsContext {
  firstName: string;
  lastName: string;
  /** The avatar colour as last saved (or as the messenger knew it on opening). */
  color: string | null;
  /** The colour being saved (`avatar.savingColour`). */
  pickedColor: string | null;
  /** The uploaded picture's path on the server, or null (initials on the colour). */
  image: string | null;
  /** Unknown until this run has heard the person's own record (a sync, or a save). */
  findableByPhone: boolean | null;
  /** The switch's new position while it is saved (`discovery.savingFindable`). */
  pickedFindable: boolean | null;
  sessions: SessionInfo[];
  /** The session being revoked (`devices.revoking`) or that could not be (`revokeFailed`). */
  revokingId: string | null;
  profileError: ProtocolError | null;
  colourError: ProtocolError | null;
  pictureError: ProtocolError | null;
  findableError: ProtocolError | null;
  devicesError: ProtocolError | null;
}

export type SettingsEvent =
  // From the views.
  | { type: 'settings.opened'; user: User; findableByPhone?: boolean | null }
  | { type: 'settings.closed' }
  | { type: 'firstName.changed'; text: string }
  | { type: 'lastName.changed'; text: string }
  | { type: 'profile.submitted' }
  | { type: 'colour.picked'; color: string }
  /** A picture, scaled and encoded by the view (PNG, JPEG or WebP bytes). */
  | { type: 'picture.chosen'; image: Uint8Array<ArrayBuffer> }
  /** The chosen file could not be read as a picture (the view could not decode it). */
  | { type: 'picture.unreadable' }
  | { type: 'picture.removed' }
  | { type: 'findable.changed'; findableByPhone: boolean }
  | { type: 'sessions.retried' }
  | { type: 'revoke.requested'; sessionId: string }
  // From the socket: answers to this machine's requests.
  | { type: 'profile.saved'; part: ProfilePart; user: SelfUser }
  | { type: 'profile.failed'; part: ProfilePart; error: ProtocolError }
  | { type: 'sessions.loaded'; sessions: SessionInfo[] }
  | { type: 'sessions.failed'; error: ProtocolError }
  | { type: 'session.revoked'; sessionId: string }
  | { type: 'session.revokeFailed'; sessionId: string; error: ProtocolError }
  /** From the socket: the person's own record in a sync says whether they may be found by phone. */
  | { type: 'profile.synced'; findableByPhone: boolean }
  // From the messenger.
  | { type: 'connection.lost' };

const unreadable: ProtocolError = {
  code: 'avatar_not_allowed',
  message: 'That file could not be read as a picture. Choose a PNG, JPEG or WebP image.',
};

const offline: ProtocolError = {
  code: 'internal',
  message: 'network: Not connected. Try again when the connection is back.',
};

type Args = { context: SettingsContext; event: SettingsEvent };

function ask(system: Parameters<typeof tellSystem>[0], command: SocketCommand): void {
  tellSystem(system, systemIds.socket, command);
}

const answers =
  (part: ProfilePart) =>
  ({ event }: Args): boolean =>
    (event.type === 'profile.saved' || event.type === 'profile.failed') && event.part === part;

export const settingsMachine = setup({
  types: { context: {} as SettingsContext, events: {} as SettingsEvent },
  guards: {
    hasValidName: ({ context }: Args) =>
      isValidName(context.firstName) && isValidName(context.lastName),
    answersName: answers('name'),
    answersColour: answers('colour'),
    answersFindable: answers('findable'),
    answersPicture: answers('picture'),
    hasPicture: ({ context }: Args) => context.image !== null,
    /** A palette colour other than the one the avatar has. */
    isNewColour: ({ context, event }: Args) =>
      event.type === 'colour.picked' &&
      isAvatarColour(event.color) &&
      event.color.toLowerCase() !== context.color?.toLowerCase(),
    /** Another device's session that is listed (this device's own is signed out instead). */
    isOtherSession: ({ context, event }: Args) =>
      event.type === 'revoke.requested' &&
      context.sessions.some((session) => session.id === event.sessionId && !session.current),
    answersRevoke: ({ context, event }: Args) =>
      (event.type === 'session.revoked' || event.type === 'session.revokeFailed') &&
      event.sessionId === context.revokingId,
  },
  actions: {
    reset: assign(({ context, event }) => {
      if (event.type !== 'settings.opened') return {};
      return {
        firstName: event.user.firstName,
        lastName: event.user.lastName,
        color: event.user.avatar.color,
        pickedColor: null,
        image: event.user.avatar.image ?? null,
        findableByPhone: context.findableByPhone ?? event.findableByPhone ?? null,
        pickedFindable: null,
        sessions: [],
        revokingId: null,
        profileError: null,
        colourError: null,
        pictureError: null,
        findableError: null,
        devicesError: null,
      };
    }),
    setFirstName: assign(({ event }) =>
      event.type === 'firstName.changed' ? { firstName: event.text, profileError: null } : {},
    ),
    setLastName: assign(({ event }) =>
      event.type === 'lastName.changed' ? { lastName: event.text, profileError: null } : {},
    ),
    askSaveName: enqueueActions(({ context, enqueue, system }) => {
      enqueue.assign({ profileError: null });
      const patch = { firstName: context.firstName.trim(), lastName: context.lastName.trim() };
      enqueue(() => ask(system, { type: 'updateProfile', part: 'name', patch }));
    }),
    askSaveColour: enqueueActions(({ event, enqueue, system }) => {
      if (event.type !== 'colour.picked') return;
      const color = event.color.toLowerCase();
      enqueue.assign({ pickedColor: color, colourError: null, pictureError: null });
      enqueue(() =>
        ask(system, { type: 'updateProfile', part: 'colour', patch: { avatarColor: color } }),
      );
    }),
    askSavePicture: enqueueActions(({ event, enqueue, system }) => {
      if (event.type !== 'picture.chosen' && event.type !== 'picture.removed') return;
      const image = event.type === 'picture.chosen' ? event.image : null;
      enqueue.assign({ pictureError: null, colourError: null });
      enqueue(() => ask(system, { type: 'setAvatarImage', image }));
    }),
    keepUnreadable: assign({ pictureError: unreadable, colourError: null }),
    askSaveFindable: enqueueActions(({ event, enqueue, system }) => {
      if (event.type !== 'findable.changed') return;
      const { findableByPhone } = event;
      enqueue.assign({ findableError: null, pickedFindable: findableByPhone });
      enqueue(() =>
        ask(system, { type: 'updateProfile', part: 'findable', patch: { findableByPhone } }),
      );
    }),
    /** What the server saved: the names as it trimmed them, the colour, the discovery switch. */
    keepSaved: assign(({ event }) => {
      if (event.type !== 'profile.saved') return {};
      const { user } = event;
      return {
        ...(event.part === 'name' ? { firstName: user.firstName, lastName: user.lastName } : {}),
        color: user.avatar.color,
        image: user.avatar.image ?? null,
        pickedColor: null,
        findableByPhone: user.findableByPhone ?? false,
        ...(event.part === 'findable' ? { pickedFindable: null } : {}),
      };
    }),
    keepProfileError: assign(({ event }) => ({
      profileError: event.type === 'profile.failed' ? event.error : offline,
    })),
    keepColourError: assign(({ event }) => ({
      pickedColor: null,
      colourError: event.type === 'profile.failed' ? event.error : offline,
    })),
    keepSynced: assign(({ event }) =>
      event.type === 'profile.synced' ? { findableByPhone: event.findableByPhone } : {},
    ),
    keepPictureError: assign(({ event }) => ({
      pictureError: event.type === 'profile.failed' ? event.error : offline,
    })),
    keepFindableError: assign(({ event }) => ({
      pickedFindable: null,
      findableError: event.type === 'profile.failed' ? event.error : offline,
    })),
    askSessions: enqueueActions(({ enqueue, system }) => {
      enqueue.assign({ devicesError: null });
      enqueue(() => ask(system, { type: 'listSessions' }));
    }),
    keepSessions: assign(({ event }) =>
      event.type === 'sessions.loaded' ? { sessions: event.sessions } : {},
    ),
    keepDevicesError: assign(({ event }) => ({
      devicesError:
        event.type === 'sessions.failed' || event.type === 'session.revokeFailed'
          ? event.error
          : offline,
    })),
    askRevoke: enqueueActions(({ event, enqueue, system }) => {
      if (event.type !== 'revoke.requested') return;
      const { sessionId } = event;
      enqueue.assign({ revokingId: sessionId, devicesError: null });
      enqueue(() => ask(system, { type: 'revokeSession', sessionId }));
    }),
    dropRevoked: assign(({ context }) => ({
      sessions: context.sessions.filter((session) => session.id !== context.revokingId),
      revokingId: null,
    })),
  },
}).createMachine({
  id: 'settings',
  context: {
    firstName: '',
    lastName: '',
    color: null,
    pickedColor: null,
    image: null,
    findableByPhone: null,
    pickedFindable: null,
    sessions: [],
    revokingId: null,
    profileError: null,
    colourError: null,
    pictureError: null,
    findableError: null,
    devicesError: null,
  },
  initial: 'closed',
  on: { 'profile.synced': { actions: 'keepSynced' } },
  states: {
    closed: {
      on: { 'settings.opened': { target: 'open', actions: 'reset' } },
    },
    open: {
      type: 'parallel',
      on: { 'settings.closed': 'closed' },
      states: {
        profile: {
          initial: 'editing',
          states: {
            editing: {
              on: {
                'firstName.changed': { actions: 'setFirstName' },
                'lastName.changed': { actions: 'setLastName' },
                'profile.submitted': [
                  { guard: 'hasValidName', target: 'savingProfile', actions: 'askSaveName' },
                  { target: 'invalid' },
                ],
              },
            },
            /** Submitted with a name too short: the fields say what is wrong as it is fixed. */
            invalid: {
              on: {
                'firstName.changed': { actions: 'setFirstName' },
                'lastName.changed': { actions: 'setLastName' },
                'profile.submitted': {
                  guard: 'hasValidName',
                  target: 'savingProfile',
                  actions: 'askSaveName',
                },
              },
            },
            savingProfile: {
              on: {
                'profile.saved': { guard: 'answersName', target: 'saved', actions: 'keepSaved' },
                'profile.failed': {
                  guard: 'answersName',
                  target: 'saveFailed',
                  actions: 'keepProfileError',
                },
                'connection.lost': { target: 'saveFailed', actions: 'keepProfileError' },
              },
            },
            saved: {
              on: {
                'firstName.changed': { target: 'editing', actions: 'setFirstName' },
                'lastName.changed': { target: 'editing', actions: 'setLastName' },
              },
            },
            // Only valid names are sent, and a change goes back to editing: the same names again.
            saveFailed: {
              on: {
                'firstName.changed': { target: 'editing', actions: 'setFirstName' },
                'lastName.changed': { target: 'editing', actions: 'setLastName' },
                'profile.submitted': { target: 'savingProfile', actions: 'askSaveName' },
              },
            },
          },
        },
        avatar: {
          initial: 'idle',
          // From any resting state: pick a colour, choose a picture, or remove the picture.
          on: {
            'colour.picked': {
              guard: 'isNewColour',
              target: '.savingColour',
              actions: 'askSaveColour',
            },
            'picture.chosen': { target: '.savingPicture', actions: 'askSavePicture' },
            'picture.unreadable': { target: '.pictureFailed', actions: 'keepUnreadable' },
            'picture.removed': {
              guard: 'hasPicture',
              target: '.savingPicture',
              actions: 'askSavePicture',
            },
          },
          states: {
            idle: {},
            savingColour: {
              on: {
                // One save at a time: the choices wait for this one's answer.
                'colour.picked': {},
                'picture.chosen': {},
                'picture.unreadable': {},
                'picture.removed': {},
                'profile.saved': { guard: 'answersColour', target: 'idle', actions: 'keepSaved' },
                'profile.failed': {
                  guard: 'answersColour',
                  target: 'colourFailed',
                  actions: 'keepColourError',
                },
                'connection.lost': { target: 'colourFailed', actions: 'keepColourError' },
              },
            },
            colourFailed: {},
            /** A picture being uploaded, or the picture being removed. */
            savingPicture: {
              on: {
                'colour.picked': {},
                'picture.chosen': {},
                'picture.unreadable': {},
                'picture.removed': {},
                'profile.saved': {
                  guard: 'answersPicture',
                  target: 'idle',
                  actions: 'keepSaved',
                },
                'profile.failed': {
                  guard: 'answersPicture',
                  target: 'pictureFailed',
                  actions: 'keepPictureError',
                },
                'connection.lost': { target: 'pictureFailed', actions: 'keepPictureError' },
              },
            },
            pictureFailed: {},
          },
        },
        discovery: {
          initial: 'idle',
          states: {
            idle: {
              on: {
                'findable.changed': { target: 'savingFindable', actions: 'askSaveFindable' },
              },
            },
            savingFindable: {
              on: {
                'profile.saved': {
                  guard: 'answersFindable',
                  target: 'idle',
                  actions: 'keepSaved',
                },
                'profile.failed': {
                  guard: 'answersFindable',
                  target: 'findableFailed',
                  actions: 'keepFindableError',
                },
                'connection.lost': { target: 'findableFailed', actions: 'keepFindableError' },
              },
            },
            findableFailed: {
              on: {
                'findable.changed': { target: 'savingFindable', actions: 'askSaveFindable' },
              },
            },
          },
        },
        devices: {
          initial: 'loadingSessions',
          states: {
            loadingSessions: {
              entry: 'askSessions',
              on: {
                'sessions.loaded': { target: 'sessionsListed', actions: 'keepSessions' },
                'sessions.failed': { target: 'loadFailed', actions: 'keepDevicesError' },
                'connection.lost': { target: 'loadFailed', actions: 'keepDevicesError' },
              },
            },
            loadFailed: {
              on: { 'sessions.retried': 'loadingSessions' },
            },
            sessionsListed: {
              on: {
                'revoke.requested': {
                  guard: 'isOtherSession',
                  target: 'revoking',
                  actions: 'askRevoke',
                },
              },
            },
            revoking: {
              on: {
                'session.revoked': {
                  guard: 'answersRevoke',
                  target: 'revoked',
                  actions: 'dropRevoked',
                },
                'session.revokeFailed': {
                  guard: 'answersRevoke',
                  target: 'revokeFailed',
                  actions: 'keepDevicesError',
                },
                'connection.lost': { target: 'revokeFailed', actions: 'keepDevicesError' },
              },
            },
            /** That device is signed out: its session is gone from the list. */
            revoked: {
              on: {
                'revoke.requested': {
                  guard: 'isOtherSession',
                  target: 'revoking',
                  actions: 'askRevoke',
                },
              },
            },
            /** The list stays; the error shows until another revoke is tried. */
            revokeFailed: {
              on: {
                'revoke.requested': {
                  guard: 'isOtherSession',
                  target: 'revoking',
                  actions: 'askRevoke',
                },
              },
            },
          },
        },
      },
    },
  },
});

export type SettingsMachine = typeof settingsMachine;
