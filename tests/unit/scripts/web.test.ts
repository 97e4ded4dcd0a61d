import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSocket } from '../../../src/renderer/transport/socket.ts';
import { signUp } from '../renderer/transport/realServer.ts';
import { dataHome, importScript, runScript } from './spawnScript.ts';

const { webBuildIsStale, buildRenderer } = await importScript<{
  webBuildIsStale(root: string, outputDir: string): boolean;
  buildRenderer(page?: string): Promise<void>;
}>('scripts/web.mjs');

/** Whether the server accepts this session token (the handshake signs the socket in). */
function tokenAccepted(url: string, token: string): Promise<boolean> {
  const socket = createSocket(url, { token, reconnection: false });
  return new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
    socket.connect();
  }).finally(() => socket.disconnect());
}

describe('npm run web', () => {
  // Building the whole renderer on a busy 2-core machine can take a while.
  it('serves the built renderer with a CSP header and the chat server on one origin, and stops on SIGTERM', async () => {
    const env = await dataHome();
    const web = runScript('scripts/web.mjs', ['--port', '0'], env);
    try {
      const url = await web.listening;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      // Like the server CLI: SQLite in the per-user data folder by default.
      await expect
        .poll(() => web.output())
        .toContain(`data: ${path.join(env.XDG_DATA_HOME!, 'parley', 'parley.db')}`);
      // The simulated SMS is the default here, and it says so.
      await expect
        .poll(() => web.output())
        .toContain('codes: DEVELOPMENT: each code is shown in the app to whoever asked for it');
      await expect.poll(() => web.output()).toMatch(/inspector token: [\w-]{43}/);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(await page.text()).toMatch(/<title>Parley<\/title>/);
      const handshake = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
      expect(handshake.status).toBe(200);
      await handshake.text();
      expect(await web.stop()).toBe(0); // SIGTERM closes it cleanly
    } finally {
      await web.stop();
    }
  }, 180_000);

  it('says clearly that there is no renderer to serve when its page is missing', async () => {
    await expect(
      buildRenderer(path.join(tmpdir(), 'no-such-renderer', 'index.html')),
    ).rejects.toThrow(/no renderer to serve yet \(src\/renderer\/index\.html is missing\)/);
  });

  it('keeps accounts in --data across a restart; --memory forgets them', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-web-data-'));
    const first = runScript('scripts/web.mjs', ['--port', '0', '--data', dataDir]);
    let account: Awaited<ReturnType<typeof signUp>>;
    try {
      account = await signUp(await first.listening, 'Ada', 'Lovelace');
      expect(first.output()).toContain(`data: ${path.join(dataDir, 'parley.db')}`);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const second = runScript('scripts/web.mjs', ['--port', '0', '--data', dataDir]);
    try {
      expect(await tokenAccepted(await second.listening, account.sessionToken)).toBe(true);
    } finally {
      await second.stop();
    }
    const inMemory = runScript('scripts/web.mjs', ['--port', '0', '--memory']);
    try {
      expect(await tokenAccepted(await inMemory.listening, account.sessionToken)).toBe(false);
      expect(inMemory.output()).toContain('data: in memory (--memory)');
    } finally {
      await inMemory.stop();
    }
  }, 180_000);

  it('refuses --data with --memory, with the usage', async () => {
    const web = runScript('scripts/web.mjs', ['--memory', '--data', '/tmp/x'], await dataHome());
    expect(await web.exited).toBe(2);
    expect(web.output()).toMatch(/--data and --memory exclude each other[\s\S]*usage: npm run web/);
  });

  it('refuses to show codes to the network: a non-loopback --host needs --code-webhook or --dev-codes', async () => {
    const web = runScript('scripts/web.mjs', ['--host', '0.0.0.0', '--memory'], await dataHome());
    expect(await web.exited).toBe(2);
    expect(web.output()).toMatch(
      /--host 0\.0\.0\.0 lets other machines connect[\s\S]*anyone on the network could sign in as any phone number/,
    );
  });

  it('refuses a bad port with the usage', async () => {
    const web = runScript('scripts/web.mjs', ['--port', 'eighty']);
    expect(await web.exited).toBe(2);
    expect(web.output()).toMatch(/--port must be 0-65535, got 'eighty'[\s\S]*usage: npm run web/);
  });
});

describe('the web build freshness check', () => {
  async function project() {
    const root = await mkdtemp(path.join(tmpdir(), 'parley-web-'));
    await mkdir(path.join(root, 'src/renderer/views'), { recursive: true });
    await mkdir(path.join(root, 'src/viz/live'), { recursive: true });
    await mkdir(path.join(root, 'machines'), { recursive: true });
    await mkdir(path.join(root, 'server'), { recursive: true });
    await mkdir(path.join(root, 'out'), { recursive: true });
    const old = new Date('2026-01-01T00:00:00Z');
    const files = [
      'src/renderer/views/App.tsx',
      'src/viz/live/record.ts',
      'machines/app.ts',
      'server/protocol.ts',
    ];
    for (const file of files) {
      await writeFile(path.join(root, file), '');
      await utimes(path.join(root, file), old, old);
    }
    for (const dir of [
      'src/renderer/views',
      'src/renderer',
      'src/viz/live',
      'machines',
      'server',
    ]) {
      await utimes(path.join(root, dir), old, old);
    }
    return { root, out: path.join(root, 'out') };
  }
  async function touch(file: string, date: Date) {
    await writeFile(file, 'x');
    await utimes(file, date, date);
  }

  it('rebuilds when there is no build yet', async () => {
    const { root, out } = await project();
    expect(webBuildIsStale(root, out)).toBe(true);
  });

  it('does not rebuild when the build is newer than every source', async () => {
    const { root, out } = await project();
    await touch(path.join(out, 'index.html'), new Date('2026-02-01T00:00:00Z'));
    expect(webBuildIsStale(root, out)).toBe(false);
  });

  it.each([
    'src/renderer/views/App.tsx',
    'src/viz/live/record.ts',
    'machines/app.ts',
    'server/protocol.ts',
  ])('rebuilds when %s changed after the build', async (source) => {
    const { root, out } = await project();
    await touch(path.join(out, 'index.html'), new Date('2026-02-01T00:00:00Z'));
    await touch(path.join(root, source), new Date('2026-03-01T00:00:00Z'));
    expect(webBuildIsStale(root, out)).toBe(true);
  });
});
