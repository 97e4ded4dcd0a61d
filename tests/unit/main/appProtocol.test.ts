import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  handleAppScheme,
  registerAppScheme,
  resolveAppFile,
} from '../../../src/main/appProtocol.ts';
import { protocol } from './fakeElectron.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

let rendererDir = '';
beforeAll(async () => {
  rendererDir = await mkdtemp(path.join(tmpdir(), 'parley-renderer-'));
  await mkdir(path.join(rendererDir, 'main_window/assets'), { recursive: true });
  await writeFile(
    path.join(rendererDir, 'main_window/index.html'),
    '<!doctype html><title>Parley</title>',
  );
  await writeFile(path.join(rendererDir, 'main_window/assets/app.js'), 'console.log(1)');
  await writeFile(path.join(rendererDir, 'secret.txt'), 'not for pages');
});

describe('the parley:// scheme', () => {
  it('is registered as a secure standard scheme', () => {
    registerAppScheme();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      {
        scheme: 'parley',
        privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
      },
    ]);
  });

  it('maps an entry’s URLs to the files of that entry', () => {
    expect(resolveAppFile(rendererDir, 'parley://main_window/')).toBe(
      path.join(rendererDir, 'main_window/index.html'),
    );
    expect(resolveAppFile(rendererDir, 'parley://main_window/assets/app.js?v=1')).toBe(
      path.join(rendererDir, 'main_window/assets/app.js'),
    );
  });

  it.each(['parley://main_window/%2e%2e/secret.txt', 'parley://main_window/../../secret.txt'])(
    'keeps dot segments inside the entry folder: %s',
    (url) => {
      const file = resolveAppFile(rendererDir, url);
      expect(
        file === null || file.startsWith(path.join(rendererDir, 'main_window') + path.sep),
      ).toBe(true);
    },
  );

  it.each([
    'parley://main_window/..%2fsecret.txt',
    'parley://main_window/..%2f..%2fsecret.txt',
    'parley://main_window/%E0%A4%A',
    'parley://unknown_entry/index.html',
    'file:///etc/passwd',
  ])('serves nothing outside the entry folders: %s', (url) => {
    expect(resolveAppFile(rendererDir, url)).toBeNull();
  });

  it('serves app files with the Content-Security-Policy header, and 404 otherwise', async () => {
    handleAppScheme(rendererDir, "default-src 'self'");
    const handler = protocol.handlers.get('parley')!;
    const page = await handler(new Request('parley://main_window/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(await page.text()).toContain('<title>Parley</title>');
    for (const url of [
      'parley://main_window/%2e%2e/secret.txt',
      'parley://main_window/..%2fsecret.txt',
    ]) {
      const escape = await handler(new Request(url));
      expect(escape.status).toBe(404);
      expect(await escape.text()).not.toContain('not for pages');
    }
  });
});
