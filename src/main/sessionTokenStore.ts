// The session token, encrypted with Electron's safeStorage (the OS keychain / libsecret /
// DPAPI) in a file under userData. Where the OS offers no encryption the token is kept in
// memory only: signing in again beats leaving a bearer token on disk in clear text. On Linux
// without a secret service Electron falls back to 'basic_text' (a fixed, public key), which
// counts as no encryption.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SafeStorage } from 'electron';

export interface SessionTokenStore {
  get(): Promise<string | null>;
  set(token: string | null): Promise<void>;
}

type TokenCipher = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

function encryptsForReal(cipher: TokenCipher): boolean {
  if (!cipher.isEncryptionAvailable()) return false;
  return process.platform !== 'linux' || cipher.getSelectedStorageBackend?.() !== 'basic_text';
}

function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

export function createSessionTokenStore(file: string, cipher: TokenCipher): SessionTokenStore {
  let memoryOnly: string | null = null;
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
    async set(token) {
      if (!encryptsForReal(cipher)) {
        memoryOnly = token;
        return;
      }
      if (token === null) {
        await rm(file, { force: true });
        return;
      }
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.tmp`;
      await writeFile(temporary, cipher.encryptString(token), { mode: 0o600 });
      await rename(temporary, file);
    },
  };
}
