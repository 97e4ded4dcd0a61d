// One secret text (the session token, the unsent state), encrypted with Electron's safeStorage
// (the OS keychain / libsecret / DPAPI) in a file under userData. Where the OS offers no
// encryption the text is kept in memory only: signing in again, or losing a draft, beats
// leaving a bearer token or private messages on disk in clear text. On Linux without a secret
// service Electron falls back to 'basic_text' (a fixed, public key), which counts as no
// encryption. The store never looks inside the text.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SafeStorage } from 'electron';

export interface EncryptedFileStore {
  get(): Promise<string | null>;
  /** Replaces the text (null forgets it); saves land in the order they were asked for. */
  set(text: string | null): Promise<void>;
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
  // Overlapping saves would share the temporary file and could rename a mix of both: one at a
  // time, so the last one asked for is the one kept.
  let saving: Promise<void> = Promise.resolve();

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
      const saved = saving.then(() => save(text));
      saving = saved.catch(() => {});
      return saved;
    },
  };
}
