import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEncryptedFileStore } from '../../../src/main/encryptedFileStore.ts';

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

async function unsentFile(): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), 'parley-unsent-')), 'unsent.bin');
}

/** A stored unsent state as the renderer sends it: JSON the store never looks inside. */
function unsentJson(draft: string): string {
  return JSON.stringify({ version: 1, drafts: { c1: draft }, outbox: [] });
}

describe('session token storage', () => {
  it('keeps the token encrypted on disk and reads it back in a new process', async () => {
    const file = await tokenFile();
    await createEncryptedFileStore(file, fakeCipher()).set('tok_secret_123');
    expect((await readFile(file)).toString()).not.toContain('tok_secret_123');
    await expect(createEncryptedFileStore(file, fakeCipher()).get()).resolves.toBe(
      'tok_secret_123',
    );
  });

  it('forgets the token on sign-out', async () => {
    const file = await tokenFile();
    const store = createEncryptedFileStore(file, fakeCipher());
    await store.set('tok_secret_123');
    await store.set(null);
    expect(existsSync(file)).toBe(false);
    await expect(store.get()).resolves.toBeNull();
  });

  it('treats a file it cannot decrypt as no token, and removes it', async () => {
    const file = await tokenFile();
    await writeFile(file, '');
    await expect(createEncryptedFileStore(file, fakeCipher()).get()).resolves.toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it('never writes the token to disk when the OS offers no encryption', async () => {
    const file = await tokenFile();
    const store = createEncryptedFileStore(file, fakeCipher(false));
    await store.set('tok_secret_123');
    expect(existsSync(file)).toBe(false);
    await expect(store.get()).resolves.toBe('tok_secret_123');
    await expect(createEncryptedFileStore(file, fakeCipher(false)).get()).resolves.toBeNull();
  });

  it.runIf(process.platform === 'linux')(
    'treats Linux’s basic_text fallback (a public key) as no encryption',
    async () => {
      const file = await tokenFile();
      await createEncryptedFileStore(file, fakeCipher(true, 'basic_text')).set('tok_secret_123');
      expect(existsSync(file)).toBe(false);
    },
  );
});

describe('unsent state storage', () => {
  it('keeps drafts encrypted on disk and reads them back in a new process', async () => {
    const file = await unsentFile();
    const json = unsentJson('meet at 8 — café ☕');
    await createEncryptedFileStore(file, fakeCipher()).set(json);
    expect((await readFile(file)).toString()).not.toContain('meet at 8');
    await expect(createEncryptedFileStore(file, fakeCipher()).get()).resolves.toBe(json);
  });

  it('keeps drafts in memory only when the OS offers no encryption', async () => {
    const file = await unsentFile();
    const json = unsentJson('private');
    const store = createEncryptedFileStore(file, fakeCipher(false));
    await store.set(json);
    expect(existsSync(file)).toBe(false);
    await expect(store.get()).resolves.toBe(json);
    await expect(createEncryptedFileStore(file, fakeCipher(false)).get()).resolves.toBeNull();
  });

  it('treats a file it cannot decrypt as nothing saved, and removes it', async () => {
    const file = await unsentFile();
    await writeFile(file, '');
    await expect(createEncryptedFileStore(file, fakeCipher()).get()).resolves.toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it('applies overlapping saves one at a time, so the last one asked for is kept whole', async () => {
    const file = await unsentFile();
    const store = createEncryptedFileStore(file, fakeCipher());
    const last = unsentJson('short');
    // Without queueing, these share the temporary file: a rename fails or a mix is kept.
    const saves = [unsentJson('x'.repeat(1_000_000)), null, unsentJson('y'.repeat(50_000)), last];
    await Promise.all(saves.map((json) => store.set(json)));
    await expect(createEncryptedFileStore(file, fakeCipher()).get()).resolves.toBe(last);
  });

  it('keeps saving after a save that failed', async () => {
    const file = await unsentFile();
    const cipher = fakeCipher();
    const store = createEncryptedFileStore(file, {
      ...cipher,
      encryptString: (text: string) => {
        if (text === 'refused') throw new Error('keyring locked');
        return cipher.encryptString(text);
      },
    });
    const refused = store.set('refused');
    const next = store.set(unsentJson('after'));
    await expect(refused).rejects.toThrow(/keyring locked/);
    await next;
    await expect(store.get()).resolves.toBe(unsentJson('after'));
  });
});
