import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEncryptedFileStore } from '../../../src/main/encryptedFileStore.ts';

// The real file system, with writeFile watched: tests count the store's writes and can hold one
// back, as a slow disk would.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, writeFile: vi.fn<typeof actual.writeFile>(actual.writeFile) };
});
const realWriteFile = (await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises'))
  .writeFile;
afterEach(() => {
  vi.mocked(fs.writeFile).mockReset();
  vi.mocked(fs.writeFile).mockImplementation(realWriteFile);
});

/** Makes the store's writes wait until released, like a disk that cannot keep up. */
function slowDisk() {
  const writes: string[] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const started = Promise.withResolvers<void>();
  vi.mocked(fs.writeFile).mockImplementation(async (target, data, options) => {
    writes.push(String(target));
    started.resolve();
    await released;
    return realWriteFile(target, data, options);
  });
  return { writes, started: started.promise, release };
}

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

describe('saves faster than the disk', () => {
  const mebibyte = 1024 * 1024;

  it('keeps only the latest of many pending saves, so 200 saves of 1 MiB make 2 writes', async () => {
    const file = await unsentFile();
    const disk = slowDisk();
    const encrypted: number[] = [];
    const cipher = fakeCipher();
    const store = createEncryptedFileStore(file, {
      ...cipher,
      encryptString: (text: string) => {
        encrypted.push(text.length);
        return cipher.encryptString(text);
      },
    });
    const value = (index: number) => `${index}:`.padEnd(mebibyte, 'x');
    const first = store.set(value(0));
    await disk.started; // the first write is on the (slow) disk
    const saves = [first];
    for (let index = 1; index < 200; index += 1) saves.push(store.set(value(index)));
    disk.release();
    await Promise.all(saves);
    expect(disk.writes.length).toBeLessThanOrEqual(2);
    expect(encrypted.length).toBeLessThanOrEqual(2);
    await expect(createEncryptedFileStore(file, fakeCipher()).get()).resolves.toBe(value(199));
  });

  it('resolves every caller only once a write holding its value or a later one is durable', async () => {
    const file = await unsentFile();
    const disk = slowDisk();
    const store = createEncryptedFileStore(file, fakeCipher());
    const settled: string[] = [];
    const track = (name: string, save: Promise<void>) => save.then(() => settled.push(name));
    const saves = [track('a', store.set('a'))];
    await disk.started;
    saves.push(track('b', store.set('b')), track('c', store.set('c')));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toEqual([]);
    disk.release();
    await Promise.all(saves);
    expect(settled).toEqual(['a', 'b', 'c']);
    expect(disk.writes).toHaveLength(2);
    await expect(store.get()).resolves.toBe('c');
  });

  it('lets the last call win between a pending forget and a pending value', async () => {
    const file = await unsentFile();
    const disk = slowDisk();
    const store = createEncryptedFileStore(file, fakeCipher());
    const saves = [store.set('first')];
    await disk.started;
    saves.push(store.set('second'), store.set(null));
    disk.release();
    await Promise.all(saves);
    expect(existsSync(file)).toBe(false);
    expect(disk.writes).toHaveLength(1); // 'second' was replaced before it reached the disk

    saves.push(store.set('in flight'));
    saves.push(store.set(null), store.set('kept'));
    await Promise.all(saves);
    expect(disk.writes).toHaveLength(3);
    await expect(createEncryptedFileStore(file, fakeCipher()).get()).resolves.toBe('kept');
  });

  it('flush waits for the write in flight and the pending one, and never rejects', async () => {
    const file = await unsentFile();
    const disk = slowDisk();
    const cipher = fakeCipher();
    const store = createEncryptedFileStore(file, {
      ...cipher,
      encryptString: (text: string) => {
        if (text === 'refused') throw new Error('keyring locked');
        return cipher.encryptString(text);
      },
    });
    await store.flush(); // nothing to wait for
    const first = store.set('first');
    await disk.started;
    const refused = store.set('refused').then(
      () => 'saved',
      (error: unknown) => String(error),
    );
    let flushed = false;
    const flushing = store.flush().then(() => (flushed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(flushed).toBe(false);
    disk.release();
    await flushing;
    await first;
    expect(await refused).toMatch(/keyring locked/);
    await expect(store.get()).resolves.toBe('first');
  });

  it('flush resolves once memory-only saves are done', async () => {
    const store = createEncryptedFileStore(await unsentFile(), fakeCipher(false));
    const save = store.set('private');
    await store.flush();
    await save;
    await expect(store.get()).resolves.toBe('private');
  });
});
