// The desktop app's embedded server keeps its data in SQLite under Electron's userData folder,
// so a message survives quitting and restarting the app.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { embeddedDataFolder, startChatBackend } from '../../src/main/embeddedServer.ts';
import { connect, fetchWorld, nextEvent, request } from './harness.ts';

const userData = vi.hoisted(() => {
  const { mkdtempSync } = require('node:fs') as typeof import('node:fs');
  const { tmpdir } = require('node:os') as typeof import('node:os');
  return mkdtempSync(`${tmpdir()}/parley-userdata-`);
});
vi.mock('electron', () => {
  const app = { getPath: (name: string) => (name === 'userData' ? userData : '/nonexistent') };
  return { default: { app }, app };
});
afterAll(() => rmSync(userData, { recursive: true, force: true }));

describe('the embedded chat server in the desktop app', () => {
  it('keeps users, sessions and messages in userData across app restarts', async () => {
    const first = await startChatBackend({});
    const client = await connect(first.url);
    const phone = '+14155550180';
    const delivered = nextEvent(client, 'verificationCodeDelivered');
    await request(client, 'requestVerificationCode', { phone });
    const verified = await request(client, 'verifyCode', { phone, code: (await delivered).code });
    if (!verified.ok) throw new Error(verified.error.code);
    const created = await request(client, 'creatingNewUser', {
      phone,
      firstName: 'Launch',
      lastName: 'Blue',
      verificationToken: verified.verificationToken,
    });
    if (!created.ok) throw new Error(created.error.code);
    const sent = await request(client, 'sendMessage', {
      conversationId: 'capsule-corp',
      text: 'see you after the restart',
      clientMessageId: 'restart-1',
    });
    expect(sent).toMatchObject({ ok: true });
    client.disconnect();
    await first.stop();
    expect(existsSync(path.join(userData, embeddedDataFolder, 'parley.db'))).toBe(true);

    const second = await startChatBackend({});
    try {
      const again = await connect(second.url, created.sessionToken);
      const world = await fetchWorld(again);
      expect(world.currentUserId).toBe(created.user.id);
      const group = world.conversations.find((c) => c.id === 'capsule-corp');
      expect(group?.lastMessage?.text).toBe('see you after the restart');
      again.disconnect();
    } finally {
      await second.stop();
    }
  });
});
