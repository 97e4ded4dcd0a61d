// Profile pictures against a real server on a loopback port: a person sets and removes their
// own picture, everyone who shares a conversation hears of it, and the server's own origin
// serves it; and the attacks: a picture too big, a page or script dressed as an image, someone
// else's user id, an old picture's URL, a flood.
import { describe, expect, it } from 'vitest';
import { createRateLimits } from '../../server/limits/rateLimits.ts';
import { Limits } from '../../server/protocol.ts';
import {
  fetchWorld,
  nextEventWhere,
  onboard,
  request,
  startTestServer,
  type TestServer,
} from './harness.ts';

/** A 1×1 PNG (signature, IHDR, IDAT, IEND). */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** The start of a JPEG (SOI, APP0) and of a WebP (RIFF....WEBP): the server reads only this. */
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const webp = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([4, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
]);

const refused = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });

async function two(test: TestServer) {
  const bulma = await onboard(test, { firstName: 'Bulma', lastName: 'Brief' });
  const yamcha = await onboard(test, { firstName: 'Yamcha', lastName: 'Bandit' });
  // A DM between them, so each hears of the other's changes.
  const made = await request(bulma.client, 'createConversation', {
    kind: 'direct',
    userId: yamcha.user.id,
  });
  expect(made).toMatchObject({ ok: true });
  return { bulma, yamcha };
}

describe('profile pictures', () => {
  it('sets a picture served from the server origin, tells everyone, and removes it', async () => {
    const test = await startTestServer();
    const { bulma, yamcha } = await two(test);
    const heard = nextEventWhere(
      yamcha.client,
      'userUpdated',
      ({ user }) => user.id === bulma.user.id,
    );
    const ack = await request(bulma.client, 'setAvatarImage', { image: png });
    expect(ack).toMatchObject({ ok: true, user: { id: bulma.user.id } });
    const path = ack.user.avatar.image as string;
    expect(path).toMatch(new RegExp(`^/avatars/${bulma.user.id}/[0-9a-f]{64}$`));
    // The colour and initials stay, for where the picture is not shown.
    expect(ack.user.avatar).toMatchObject({ initials: 'BB', color: bulma.user.avatar.color });
    expect((await heard).user.avatar.image).toBe(path);

    const response = await fetch(new URL(path, test.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
    // The world lists it too (a reload).
    const world = await fetchWorld(yamcha.client);
    expect(world.users.find((user) => user.id === bulma.user.id)?.avatar.image).toBe(path);

    // JPEG and WebP are pictures too, typed by their bytes; the old URL is gone.
    for (const [bytes, mime] of [
      [jpeg, 'image/jpeg'],
      [webp, 'image/webp'],
    ] as const) {
      const next = await request(bulma.client, 'setAvatarImage', { image: bytes });
      const served = await fetch(new URL(next.user.avatar.image, test.url));
      expect(served.headers.get('content-type')).toBe(mime);
    }
    expect((await fetch(new URL(path, test.url))).status).toBe(404);

    const removed = await request(bulma.client, 'setAvatarImage', { image: null });
    expect(removed.ok).toBe(true);
    expect(removed.user.avatar.image).toBeUndefined();
    expect(await test.store.getAvatarImage(bulma.user.id)).toBeNull();
  });

  it('refuses a picture over the limit, and bytes that are not PNG, JPEG or WebP', async () => {
    const test = await startTestServer();
    const { bulma } = await two(test);
    const big = Buffer.concat([png, Buffer.alloc(Limits.avatarImageMaxBytes + 1 - png.length)]);
    expect(await request(bulma.client, 'setAvatarImage', { image: big })).toEqual(
      refused('invalid_payload'),
    );
    for (const disguised of [
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
      Buffer.from('<!doctype html><script>alert(1)</script>'),
      Buffer.from('GIF89a\x01\x00\x01\x00'),
      Buffer.from('RIFF\x04\x00\x00\x00WAVEfmt '),
      Buffer.alloc(0),
    ]) {
      expect(await request(bulma.client, 'setAvatarImage', { image: disguised })).toEqual(
        refused('avatar_not_allowed'),
      );
    }
    // Not bytes at all: a data URL, a remote URL, an array of numbers.
    for (const image of ['data:image/png;base64,AAAA', 'https://evil.example/a.png', [137, 80]]) {
      expect(await request(bulma.client, 'setAvatarImage', { image })).toEqual(
        refused('invalid_payload'),
      );
    }
    expect(await test.store.getAvatarImage(bulma.user.id)).toBeNull();
  });

  it("cannot set someone else's picture, nor fetch a URL that is not a current picture", async () => {
    const test = await startTestServer();
    const { bulma, yamcha } = await two(test);
    expect(
      await request(bulma.client, 'setAvatarImage', { image: png, userId: yamcha.user.id }),
    ).toEqual(refused('invalid_payload'));
    expect(await test.store.getAvatarImage(yamcha.user.id)).toBeNull();
    // Signed out: no picture at all.
    const stranger = await (await import('./harness.ts')).connect(test.url);
    expect(await request(stranger, 'setAvatarImage', { image: png })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });

    const ack = await request(bulma.client, 'setAvatarImage', { image: png });
    const path = ack.user.avatar.image as string;
    const wrongHash = path.replace(/[0-9a-f]{64}$/, '0'.repeat(64));
    for (const probe of [
      wrongHash,
      path.replace(bulma.user.id, yamcha.user.id),
      `/avatars/${bulma.user.id}`,
      `/avatars/../../etc/passwd`,
      `/avatars/%2e%2e/${bulma.user.id}/x`,
    ]) {
      const response = await fetch(new URL(probe, test.url));
      expect({ probe, status: response.status }).toEqual({ probe, status: 404 });
      expect(response.headers.get('content-type')).not.toMatch(/^image\//);
    }
    expect((await fetch(new URL(path, test.url), { method: 'POST' })).status).toBe(405);
  });

  it('refuses a flood of pictures with rate_limited', async () => {
    const test = await startTestServer({
      rateLimits: createRateLimits({
        rules: { profileUpdates: { points: 2, durationSeconds: 600 } },
      }),
    });
    const { bulma } = await two(test);
    await request(bulma.client, 'setAvatarImage', { image: png });
    await request(bulma.client, 'setAvatarImage', { image: jpeg });
    expect(await request(bulma.client, 'setAvatarImage', { image: webp })).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
    expect((await test.store.getAvatarImage(bulma.user.id))?.mime).toBe('image/jpeg');
  });
});
