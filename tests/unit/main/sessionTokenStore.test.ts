import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSessionTokenStore } from '../../../src/main/sessionTokenStore.ts';

/** A reversible stand-in for safeStorage: XOR with a key, so the file never holds the token. */
function fakeCipher(available = true, backend = 'gnome_libsecret') {
  const seal = (data: Buffer) => Buffer.from(data.map((byte) => byte ^ 0x5a));
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend as 'gnome_libsecret' | 'basic_text',
    encryptString: (text: string) => seal(Buffer.from(text)),
    decryptString: (data: Buffer) => {
      if (data.length === 0) throw new Error('Error while decrypting the ciphertext');
      return seal(data).toString();
    },
  };
}

async function tokenFile(): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), 'parley-token-')), 'session-token.bin');
}

describe('session token storage', () => {
  it('keeps the token encrypted on disk and reads it back in a new process', async () => {
    const file = await tokenFile();
    await createSessionTokenStore(file, fakeCipher()).set('tok_secret_123');
    expect((await readFile(file)).toString()).not.toContain('tok_secret_123');
    await expect(createSessionTokenStore(file, fakeCipher()).get()).resolves.toBe('tok_secret_123');
  });

  it('forgets the token on sign-out', async () => {
    const file = await tokenFile();
    const store = createSessionTokenStore(file, fakeCipher());
    await store.set('tok_secret_123');
    await store.set(null);
    expect(existsSync(file)).toBe(false);
    await expect(store.get()).resolves.toBeNull();
  });

  it('treats a file it cannot decrypt as no token, and removes it', async () => {
    const file = await tokenFile();
    await writeFile(file, '');
    await expect(createSessionTokenStore(file, fakeCipher()).get()).resolves.toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it('never writes the token to disk when the OS offers no encryption', async () => {
    const file = await tokenFile();
    const store = createSessionTokenStore(file, fakeCipher(false));
    await store.set('tok_secret_123');
    expect(existsSync(file)).toBe(false);
    await expect(store.get()).resolves.toBe('tok_secret_123');
    await expect(createSessionTokenStore(file, fakeCipher(false)).get()).resolves.toBeNull();
  });

  it.runIf(process.platform === 'linux')(
    'treats Linux’s basic_text fallback (a public key) as no encryption',
    async () => {
      const file = await tokenFile();
      await createSessionTokenStore(file, fakeCipher(true, 'basic_text')).set('tok_secret_123');
      expect(existsSync(file)).toBe(false);
    },
  );
});
