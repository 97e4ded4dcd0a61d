// One secret text (the session token, the unsent state), encrypted with Electron's safeStorage
// (the OS keychain / libsecret / DPAPI) in a file under userData. Where the OS offers no
// encryption the text is kept in memory only: signing in again, or losing a draft, beats
// leaving a bearer token or private messages on disk in clear text. On Linux without a secret
// service Electron falls back to 'basic_text' (a fixed, public key), which counts as no
// encryption. The store never looks inside the text.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { App, SafeStorage } from 'electron';
import { holdQuitUntil } from './quitHold.ts';

export interface EncryptedFileStore {
  get(): Promise<string | null>;
  /**
   * Replaces the text (null forgets it); the last call wins. Resolves once a write holding this
   * text, or one asked for later, is done; rejects if that write failed.
   */
  set(text: string | null): Promise<void>;
  /** Resolves (never rejects) once no save is pending or being written: before quitting. */
  flush(): Promise<void>;
}

type TextCipher = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

function encryptsForReal(cipher: TextCipher): boolean {
  if (!cipher.isEncryptionAvailable()) return false;
  return process.platform !== 'linux' || cipher.getSelectedStorageBackend?.() !== 'basic_text';
}

function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

export function createEncryptedFileStore(file: string, cipher: TextCipher): EncryptedFileStore {
  let memoryOnly: string | null = null;
  // Overlapping saves would share the temporary file and could rename a mix of both: one write
  // at a time. While one is being written, only the latest text asked for waits (each up to
  // 16 MiB, and encrypted here in main): a page saving faster than the disk can take it replaces
  // the waiting text rather than queueing copies of it, and is answered when that text is saved.
  let pending: { text: string | null; saved: PromiseWithResolvers<void> } | null = null;
  let writing: Promise<void> | null = null;

  async function writeAll(): Promise<void> {
    while (pending) {
      const { text, saved } = pending;
      pending = null;
      try {
        await save(text);
        saved.resolve();
      } catch (error) {
        saved.reject(error);
      }
    }
    writing = null;
  }

  async function save(text: string | null): Promise<void> {
    if (!encryptsForReal(cipher)) {
      memoryOnly = text;
      return;
    }
    if (text === null) {
      await rm(file, { force: true });
      return;
    }
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.tmp`;
    await writeFile(temporary, cipher.encryptString(text), { mode: 0o600 });
    await rename(temporary, file);
  }

  return {
    async get() {
      if (!encryptsForReal(cipher)) return memoryOnly;
      let encrypted: Buffer;
      try {
        encrypted = await readFile(file);
      } catch (error) {
        if (isMissingFile(error)) return null;
        throw error;
      }
      try {
        return cipher.decryptString(encrypted);
      } catch {
        // Encrypted under another OS account or keyring: unusable, so forget it.
        await rm(file, { force: true });
        return null;
      }
    },
    set(text) {
      if (pending) {
        pending.text = text;
        return pending.saved.promise;
      }
      pending = { text, saved: Promise.withResolvers<void>() };
      const saved = pending.saved.promise;
      // writeAll reaches `writing = null` only after awaiting a save, so after this assignment.
      writing ??= writeAll();
      return saved;
    },
    flush() {
      return writing ?? Promise.resolve();
    },
  };
}

/**
 * Holds the quit until every store has written what it was asked to (at most a few seconds):
 * the renderer saves the unsent state as its page goes away, just before the app quits.
 */
export function flushStoresOnQuit(
  app: Pick<App, 'on' | 'quit'>,
  stores: readonly EncryptedFileStore[],
): void {
  holdQuitUntil(
    app,
    async () => {
      await Promise.all(stores.map((store) => store.flush()));
    },
    'the last saves may not have reached the disk',
  );
}
