// @vitest-environment jsdom
// The settings model's paths (tests/model/models.ts), executed against the real views: the real
// App over the real app machine, signed in with a saved token, the scripted socket played as
// the chat server (signedInWorld.tsx). The path starts with the conversation list up (the
// messenger invokes settings then) and the Settings dialog closed.
//
// How each model event happens (by type and payload, never by path position):
// - settings.opened: the user clicks Settings in the sidebar's header; with the dialog open it
//   covers the sidebar: nothing (open has no such event).
// - settings.closed: the user clicks Close; with no dialog, nothing.
// - firstName.changed / lastName.changed: the user clears the field and types the text (each key
//   is a change; the last one is the event's text); with no dialog, nothing.
// - profile.submitted: the user clicks Save; disabled (saving) or no dialog, nothing.
// - colour.picked: the user clicks the palette's radio of that colour; a colour not in the
//   palette, the radios disabled (a save in flight) or the colour already chosen (a checked
//   radio makes no change), nothing.
// - picture.chosen: jsdom cannot decode or scale a picture (no canvas): sent to settings as the
//   view would after scaling it (direct), when the Upload button is enabled; else nothing.
// - picture.unreadable: the user uploads a text file as the picture (the view cannot decode it);
//   the Upload button disabled or no dialog, nothing.
// - picture.removed: the user clicks Remove picture; not shown or disabled, nothing.
// - findable.changed (true): the user switches "Let people find me by my phone number" on; the
//   switch disabled or no dialog, nothing; already on, there is no gesture that says "on" again:
//   sent to settings (direct).
// - sessions.retried: the user clicks Retry in Devices; not shown, nothing.
// - revoke.requested: the user clicks "Revoke <device>" of that session; this device has no
//   Revoke (it has Sign out), an unlisted one no row, a disabled button (revoking) no effect:
//   nothing.
// - profile.saved / profile.failed (by part), sessions.loaded / sessions.failed,
//   session.revoked / session.revokeFailed (by session): the server answers the matching
//   request the app sent on this connection and has not had answered (updateProfile of that
//   part, setAvatarImage for the picture, listSessions, revokeSession of that session), as the
//   transport delivers the answer to settings; with no such request, nothing.
// - profile.synced: what the transport tells settings when a sync brings the person's own record;
//   delivered as the transport does, on the live connection, without a sync of its own (a real
//   sync would also reach the messenger; the scripted server's syncs do not carry it).
// - connection.lost: the server drops the socket (the messenger tells settings); the client
//   reconnects and the server answers its sync.
//
// What is asserted per step:
// - closed <-> no Settings dialog.
// - profile: editing <-> no status text, no field error, no profile alert; invalid <-> a field
//   says the name is too short (or both names now valid and no alert: the model's invalid with
//   valid names looks like editing); savingProfile <-> "Saving…"; saved <-> "Saved.";
//   saveFailed <-> the profile's alert.
// - avatar: savingColour <-> the palette disabled; savingPicture <-> "Saving the picture";
//   colourFailed / pictureFailed <-> the colour's / the picture's alert; idle <-> none of these.
// - discovery: savingFindable <-> the switch disabled; findableFailed <-> its alert.
// - devices: loadingSessions <-> "Loading your devices…"; loadFailed <-> the alert with Retry;
//   sessionsListed / revoked / revokeFailed <-> the list, and "That device is signed out." /
//   the devices' alert; revoking <-> the list with its Revoke buttons disabled.
// - `nameValid` <-> both fields hold names of more than 2 characters.
// - `color` <-> the checked palette radio (none for a colour not in the palette), except while
//   a colour is saved (the view shows the picked one).
// - `picture` <-> Remove picture is offered.
// - `findable` <-> the switch is on (true) or off (false or unknown), except while it is saved.
// - `sessions` <-> the rows of "Signed-in devices" (0 when not listed).
import { act, fireEvent, screen, within } from '@testing-library/react';
import type { EventObject, StateValue } from 'xstate';
import { systemIds, type SocketCommand } from '../../../machines/system.ts';
import { avatarColours, isValidName } from '../../../server/protocol.ts';
import { syncData } from '../fixtures.ts';
import type { Facts } from '../modelKit.ts';
import { models } from '../models.ts';
import { createTally, describeAdapter, expectKnownFacts } from '../realKit.ts';
import { startWorld, type World, loseConnection, runViewsPath } from './signedInWorld.tsx';
import { describeClient } from '../../../src/renderer/messenger/SettingsDialog.tsx';

const knownFacts = ['nameValid', 'color', 'picture', 'findable', 'sessions'] as const;
const count = createTally();

type Region = 'profile' | 'avatar' | 'discovery' | 'devices';

interface Seen {
  open: boolean;
  profile?: string;
  avatar?: string;
  discovery?: string;
  devices?: string;
  nameValid?: boolean;
  color?: string | null;
  picture?: boolean;
  findable?: boolean;
  sessions?: number;
}

const dialog = () => screen.queryByRole('dialog', { name: 'Settings' });
const paletteColour = (color: unknown) =>
  typeof color === 'string'
    ? (avatarColours.find((choice) => choice.color === color.toLowerCase()) ?? null)
    : null;

function seenOnScreen(): Seen {
  const open = dialog();
  if (!open) return { open: false };
  const inside = within(open);
  const alerts = inside.queryAllByRole('alert');
  const alertAfter = (element: Element | null) =>
    alerts.some((alert) => element !== null && alert.previousElementSibling === element);
  const first = inside.getByRole('textbox', { name: 'First name' }) as HTMLInputElement;
  const last = inside.getByRole('textbox', { name: 'Last name' }) as HTMLInputElement;
  const form = first.closest('form')!;
  const status = within(form).getByRole('status').textContent ?? '';
  const fieldError =
    first.getAttribute('aria-invalid') === 'true' || last.getAttribute('aria-invalid') === 'true';
  const profileAlert = within(form).queryByRole('alert') !== null;
  const profile =
    status === 'Saving…'
      ? 'savingProfile'
      : status === 'Saved.'
        ? 'saved'
        : profileAlert
          ? 'saveFailed'
          : fieldError
            ? 'invalid'
            : 'editing';
  const palette = inside.getByRole('radiogroup', { name: /^Avatar colour/ });
  const radios = within(palette).getAllByRole('radio') as HTMLInputElement[];
  // The picture's alert follows the row of the avatar and its Upload button.
  const uploadRow = inside.getByText('Upload picture').closest('label')?.parentElement ?? null;
  const pictureAlert = alertAfter(uploadRow);
  const savingColour = radios.every((radio) => radio.disabled);
  const avatar = savingColour
    ? 'savingColour'
    : inside.queryByRole('progressbar', { name: 'Saving the picture' })
      ? 'savingPicture'
      : alertAfter(palette)
        ? 'colourFailed'
        : pictureAlert
          ? 'pictureFailed'
          : 'idle';
  const toggle = inside.getByRole('switch', {
    name: 'Let people find me by my phone number',
  }) as HTMLInputElement;
  const switchLabel = toggle.closest('label');
  const discovery = toggle.disabled
    ? 'savingFindable'
    : alertAfter(switchLabel)
      ? 'findableFailed'
      : 'idle';
  const devicesSection = inside.getByRole('region', { name: 'Devices' });
  const inDevices = within(devicesSection);
  const list = inDevices.queryByRole('list', { name: 'Signed-in devices' });
  const revokes = list ? within(list).queryAllByRole('button', { name: /^Revoke / }) : [];
  const devices = inDevices.queryByText('Loading your devices…')
    ? 'loadingSessions'
    : inDevices.queryByRole('button', { name: 'Retry' })
      ? 'loadFailed'
      : revokes.length > 0 && revokes.every((button) => (button as HTMLButtonElement).disabled)
        ? 'revoking'
        : inDevices.queryByText('That device is signed out.')
          ? 'revoked'
          : inDevices.queryByRole('alert')
            ? 'revokeFailed'
            : 'sessionsListed';
  const checked = radios.find((radio) => radio.checked);
  return {
    open: true,
    profile,
    avatar,
    discovery,
    devices,
    nameValid: isValidName(first.value) && isValidName(last.value),
    ...(avatar === 'savingColour' ? {} : { color: checked?.value ?? null }),
    picture: inside.queryByRole('button', { name: 'Remove picture' }) !== null,
    ...(discovery === 'savingFindable' ? {} : { findable: toggle.checked }),
    sessions: list ? within(list).queryAllByRole('listitem').length : 0,
  };
}

function expectedOnScreen(value: StateValue, facts: Facts): Seen {
  if (value === 'closed') return { open: false };
  const regions = (value as { open: Record<Region, string> }).open;
  const nameValid = facts.nameValid === true;
  return {
    open: true,
    // Invalid with both names fixed shows no error: it looks like editing.
    profile: regions.profile === 'invalid' && nameValid ? 'editing' : regions.profile,
    avatar: regions.avatar,
    discovery: regions.discovery,
    devices: regions.devices,
    nameValid,
    ...(regions.avatar === 'savingColour'
      ? {}
      : { color: paletteColour(facts.color)?.color ?? null }),
    picture: facts.picture === true,
    ...(regions.discovery === 'savingFindable' ? {} : { findable: facts.findable === true }),
    sessions:
      regions.devices === 'loadingSessions' || regions.devices === 'loadFailed'
        ? 0
        : (facts.sessions as number),
  };
}

// ---- what the user and the server do --------------------------------------------------------

/** Delivers an answer to settings as the transport does, on the live connection. */
function fromServer(world: World, event: EventObject & Record<string, unknown>): void {
  if (!world.connected) throw new Error(`no connection for the server to answer ${event.type}`);
  world.tell(systemIds.settings, event);
}

function answer(
  world: World,
  event: EventObject & Record<string, unknown>,
  match: (command: SocketCommand) => boolean,
): void {
  const [request] = world.outstanding(match);
  if (!request) {
    count(`${event.type}: no such request outstanding, nothing answered`);
    return;
  }
  request.answered = true;
  count(`${event.type}: the server answers the request`);
  fromServer(world, event);
}

async function retype(world: World, name: string, text: string): Promise<void> {
  const field = within(dialog()!).getByRole('textbox', { name });
  await world.user.clear(field);
  if (text !== '') await world.user.type(field, text);
}

async function perform(world: World, event: EventObject & Record<string, unknown>): Promise<void> {
  const open = dialog();
  const nothing = (why: string) => count(`${event.type}: nothing (${why})`);
  // The user's events need the dialog; the server's answers and the connection do not.
  const fromTheServer = /^(profile|sessions?)\.(saved|failed|loaded|revoked|revokeFailed|synced)$/;
  const needsNoDialog =
    ['settings.opened', 'connection.lost'].includes(event.type) || fromTheServer.test(event.type);
  if (!open && !needsNoDialog) return nothing('no dialog');
  const inside = open ? within(open) : null;
  switch (event.type) {
    case 'settings.opened':
      if (open) return nothing('the dialog covers the sidebar');
      count('settings.opened: click Settings');
      await world.user.click(screen.getByRole('button', { name: 'Settings' }));
      return;
    case 'settings.closed':
      count('settings.closed: click Close');
      await world.user.click(inside!.getByRole('button', { name: 'Close' }));
      return;
    case 'firstName.changed':
      count('firstName.changed: retype the first name');
      await retype(world, 'First name', event.text as string);
      return;
    case 'lastName.changed':
      count('lastName.changed: retype the last name');
      await retype(world, 'Last name', event.text as string);
      return;
    case 'profile.submitted': {
      const save = inside!.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
      if (save.disabled) return nothing('Save is disabled while saving');
      count('profile.submitted: click Save');
      await world.user.click(save);
      return;
    }
    case 'colour.picked': {
      const choice = paletteColour(event.color);
      if (!choice) return nothing('not a palette colour');
      const radio = inside!.getByRole('radio', { name: choice.name }) as HTMLInputElement;
      if (radio.disabled) return nothing('the palette is disabled while saving');
      if (radio.checked) return nothing('already the chosen colour');
      count('colour.picked: click the colour');
      await world.user.click(radio);
      return;
    }
    case 'picture.chosen':
    case 'picture.unreadable': {
      const button = inside!.getByText('Upload picture').closest('label');
      if (
        button?.getAttribute('aria-disabled') === 'true' ||
        button?.className.includes('disabled')
      ) {
        return nothing('Upload picture is disabled while saving');
      }
      if (event.type === 'picture.chosen') {
        count('picture.chosen: sent to settings (jsdom cannot scale a picture)');
        world.tell(systemIds.settings, event);
        return;
      }
      count('picture.unreadable: upload a text file');
      const input = inside!.getByLabelText('Upload picture') as HTMLInputElement;
      const file = new File(['not a picture'], 'notes.png', { type: 'image/png' });
      fireEvent.change(input, { target: { files: [file] } });
      return;
    }
    case 'picture.removed': {
      const remove = inside!.queryByRole('button', {
        name: 'Remove picture',
      }) as HTMLButtonElement | null;
      if (!remove || remove.disabled) return nothing('no enabled Remove picture');
      count('picture.removed: click Remove picture');
      await world.user.click(remove);
      return;
    }
    case 'findable.changed': {
      const toggle = inside!.getByRole('switch', {
        name: 'Let people find me by my phone number',
      }) as HTMLInputElement;
      if (toggle.disabled) return nothing('the switch is disabled while saving');
      if (toggle.checked === event.findableByPhone) {
        count('findable.changed: sent to settings (the switch is already in that position)');
        world.tell(systemIds.settings, event);
        return;
      }
      count('findable.changed: flip the switch');
      await world.user.click(toggle);
      return;
    }
    case 'sessions.retried': {
      const devices = within(inside!.getByRole('region', { name: 'Devices' }));
      const retry = devices.queryByRole('button', { name: 'Retry' });
      if (!retry) return nothing('no Retry shown');
      count('sessions.retried: click Retry');
      await world.user.click(retry);
      return;
    }
    case 'revoke.requested': {
      const sessionId = event.sessionId as string;
      const client = { 's-other': 'Firefox', 's-tablet': 'Safari' }[sessionId];
      const revoke = client
        ? (inside!.queryByRole('button', {
            name: `Revoke ${describeClient(client)}`,
          }) as HTMLButtonElement | null)
        : null;
      if (!revoke || revoke.disabled) return nothing('no enabled Revoke for that session');
      count('revoke.requested: click Revoke');
      await world.user.click(revoke);
      return;
    }
    case 'profile.saved':
    case 'profile.failed': {
      const part = event.part as string;
      answer(world, event, (command) =>
        part === 'picture'
          ? command.type === 'setAvatarImage'
          : command.type === 'updateProfile' && command.part === part,
      );
      return;
    }
    case 'sessions.loaded':
    case 'sessions.failed':
      answer(world, event, (command) => command.type === 'listSessions');
      return;
    case 'session.revoked':
    case 'session.revokeFailed':
      answer(
        world,
        event,
        (command) => command.type === 'revokeSession' && command.sessionId === event.sessionId,
      );
      return;
    case 'profile.synced':
      await world.ensureConnected();
      count('profile.synced: the transport hands on the own record of a sync');
      fromServer(world, event);
      return;
    case 'connection.lost':
      await loseConnection(world, count, syncData(), { comeBack: true });
      return;
    default:
      throw new Error(`settings.views does not know how to make ${event.type} happen`);
  }
}

describeAdapter('settings.views', models.settings!, async (path, recorder) => {
  expectKnownFacts('settings.views', path, knownFacts);
  await runViewsPath(path, recorder, {
    start: async (inspect) => {
      return startWorld({ inspect });
    },
    perform: (world, event) => act(async () => perform(world, event)),
    seen: seenOnScreen,
    expected: expectedOnScreen,
  });
});
