// The settings machine with a socket that records what it is asked (the test answers as the
// server): what is sent for each choice, what is never sent, and which answers count.
import { describe, expect, it } from 'vitest';
import { createActor, setup, type ActorRefFrom, type EventObject } from 'xstate';
import { settingsMachine, type SettingsMachine } from '../../../machines/settings.ts';
import { systemIds } from '../../../machines/system.ts';
import type { SelfUser, SessionInfo } from '../../../server/protocol.ts';
import { me } from '../../model/fixtures.ts';
import { recorder } from './signedIn.ts';

const thisDevice: SessionInfo = {
  id: 's-this',
  createdAt: 0,
  lastSeenAt: 0,
  client: 'Chrome',
  current: true,
};
const otherDevice: SessionInfo = {
  ...thisDevice,
  id: 's-other',
  client: 'Firefox',
  current: false,
};

function start() {
  const asked: EventObject[] = [];
  const root = setup({
    actors: { socket: recorder(asked), settings: settingsMachine },
  }).createMachine({
    invoke: [
      { src: 'socket', systemId: systemIds.socket },
      { id: 'settings', src: 'settings', systemId: systemIds.settings },
    ],
  });
  const actor = createActor(root).start();
  const settings = actor.system.get(systemIds.settings) as ActorRefFrom<SettingsMachine>;
  settings.send({ type: 'settings.opened', user: me });
  return { asked, settings, snapshot: () => settings.getSnapshot() };
}

const saved = (patch: Partial<SelfUser>): SelfUser => ({ ...me, findableByPhone: false, ...patch });

describe('settings', () => {
  it('asks for the devices on opening, and never revokes this device (it signs out instead)', () => {
    const { asked, settings, snapshot } = start();
    expect(asked).toEqual([{ type: 'listSessions' }]);
    settings.send({ type: 'sessions.loaded', sessions: [thisDevice, otherDevice] });
    settings.send({ type: 'revoke.requested', sessionId: thisDevice.id });
    expect(asked).toHaveLength(1);
    expect(snapshot().matches({ open: { devices: 'sessionsListed' } })).toBe(true);

    settings.send({ type: 'revoke.requested', sessionId: otherDevice.id });
    expect(asked.at(-1)).toEqual({ type: 'revokeSession', sessionId: otherDevice.id });
    // An answer about another session changes nothing; the right one drops it from the list.
    settings.send({ type: 'session.revoked', sessionId: 's-unknown' });
    expect(snapshot().matches({ open: { devices: 'revoking' } })).toBe(true);
    settings.send({ type: 'session.revoked', sessionId: otherDevice.id });
    expect(snapshot().matches({ open: { devices: 'revoked' } })).toBe(true);
    expect(snapshot().context.sessions).toEqual([thisDevice]);
  });

  it('sends a name only when both are long enough, trimmed, and keeps what the server saved', () => {
    const { asked, settings, snapshot } = start();
    settings.send({ type: 'firstName.changed', text: 'Al' });
    settings.send({ type: 'profile.submitted' });
    expect(snapshot().matches({ open: { profile: 'invalid' } })).toBe(true);
    expect(asked).toHaveLength(1);

    settings.send({ type: 'firstName.changed', text: '  Augusta ' });
    settings.send({ type: 'profile.submitted' });
    expect(asked.at(-1)).toEqual({
      type: 'updateProfile',
      part: 'name',
      patch: { firstName: 'Augusta', lastName: 'Lovelace' },
    });
    // The answer to a colour save is not the answer to this one.
    settings.send({ type: 'profile.saved', part: 'colour', user: saved({ firstName: 'Augusta' }) });
    expect(snapshot().matches({ open: { profile: 'savingProfile' } })).toBe(true);
    settings.send({ type: 'profile.saved', part: 'name', user: saved({ firstName: 'Augusta' }) });
    expect(snapshot().matches({ open: { profile: 'saved' } })).toBe(true);
    expect(snapshot().context.firstName).toBe('Augusta');
  });

  it('fails a save in flight when the connection drops, saying so', () => {
    const { settings, snapshot } = start();
    settings.send({ type: 'profile.submitted' });
    settings.send({ type: 'connection.lost' });
    expect(snapshot().matches({ open: { profile: 'saveFailed' } })).toBe(true);
    expect(snapshot().context.profileError?.message).toMatch(/Not connected/);
  });

  it('saves only palette colours other than the current one, and pictures as bytes', () => {
    const { asked, settings, snapshot } = start();
    settings.send({ type: 'colour.picked', color: '#123456' });
    settings.send({ type: 'colour.picked', color: me.avatar.color });
    settings.send({ type: 'picture.removed' });
    expect(asked).toHaveLength(1);

    settings.send({ type: 'colour.picked', color: '#2E7D32' });
    expect(asked.at(-1)).toEqual({
      type: 'updateProfile',
      part: 'colour',
      patch: { avatarColor: '#2e7d32' },
    });
    // One save at a time.
    settings.send({ type: 'picture.chosen', image: new Uint8Array([1]) });
    expect(asked).toHaveLength(2);
    const green = { ...me.avatar, color: '#2e7d32' };
    settings.send({ type: 'profile.saved', part: 'colour', user: saved({ avatar: green }) });

    const image = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    settings.send({ type: 'picture.chosen', image });
    expect(asked.at(-1)).toEqual({ type: 'setAvatarImage', image });
    const path = `/avatars/${me.id}/${'a'.repeat(64)}`;
    settings.send({
      type: 'profile.saved',
      part: 'picture',
      user: saved({ avatar: { ...green, image: path } }),
    });
    expect(snapshot().context.image).toBe(path);
    settings.send({ type: 'picture.removed' });
    expect(asked.at(-1)).toEqual({ type: 'setAvatarImage', image: null });
  });
});
