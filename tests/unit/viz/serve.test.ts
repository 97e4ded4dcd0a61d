// The API `npm run viz` answers for the page: config, model coverage, machines at a git ref.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAppUrl, parseInspectToken, startVizServer } from '../../../src/viz/serve.ts';
import { DiffBaseSchema } from '../../../src/viz/structureSchema.ts';

const projectRoot = join(import.meta.dirname, '..', '..', '..');
let server: Server | null = null;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(null));
  server = null;
});

async function start(options: Parameters<typeof startVizServer>[0]) {
  const started = await startVizServer(options);
  server = started.server;
  return started.url;
}

describe('npm run viz server API', () => {
  it('tells the page which app to follow live, with the token its relay asks for', async () => {
    const url = await start({ appUrl: 'http://127.0.0.1:4000', inspectToken: 'run-token' });
    expect(await (await fetch(`${url}/api/config`)).json()).toEqual({
      appUrl: 'http://127.0.0.1:4000',
      inspectToken: 'run-token',
    });
  });

  it('refuses to follow an app without its inspector token', async () => {
    await expect(start({ appUrl: 'http://127.0.0.1:4000' })).rejects.toThrow(
      /inspector token: …” line/,
    );
  });

  it('answers only requests addressed to itself (DNS rebinding would read the token)', async () => {
    const url = await start({ appUrl: 'http://127.0.0.1:4000', inspectToken: 'run-token' });
    const { port } = new URL(url);
    const get = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ port, path: '/api/config', headers: { host } }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        req.on('error', reject).end();
      });
    const rebound = await get(`evil.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain('run-token');
    expect((await get(`localhost:${port}`)).status).toBe(200);
    expect((await get(`127.0.0.1:${port}`)).status).toBe(200);
  });

  it('serves the registry machines at a git ref for the interactive diff', async () => {
    const url = await start({ repoDir: projectRoot });
    const response = await fetch(`${url}/api/diff?ref=HEAD`);
    expect(response.status).toBe(200);
    const body = DiffBaseSchema.parse(await response.json());
    expect(body.ref).toBe('HEAD');
    expect(body.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(body.machines.map((m) => m.name)).toContain('onboarding');
  });

  it('answers a bad or unknown ref with a 400 and a reason', async () => {
    const url = await start({ repoDir: projectRoot });
    const unknown = await fetch(`${url}/api/diff?ref=no-such-branch`);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'unknown git ref: no-such-branch' });
    const option = await fetch(`${url}/api/diff?ref=${encodeURIComponent('--output=/tmp/x')}`);
    expect(option.status).toBe(400);
  });

  it('reports missing model coverage as 404', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'viz-serve-'));
    try {
      const url = await start({ repoDir: empty });
      const response = await fetch(`${url}/api/coverage`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: expect.stringContaining('test:model') });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  // Its own page folder, so the test needs no build (.vite/viz is absent in a fresh clone, and
  // the server streamed the missing index.html, an uncaught ENOENT).
  it('never serves files outside the built page', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'viz-page-'));
    try {
      const pageDir = join(dir, 'viz');
      await mkdir(pageDir);
      await writeFile(join(pageDir, 'index.html'), '<!doctype html><title>page</title>');
      await writeFile(join(dir, 'secret.json'), '{"name": "parley"}');
      const url = await start({ pageDir });
      for (const path of [
        '/..%2Fsecret.json',
        '/%2e%2e/secret.json',
        '/..%2F..%2Fpackage.json',
        '/%2e%2e/%2e%2e/package.json',
      ]) {
        const body = await (await fetch(`${url}${path}`)).text();
        expect(body).not.toContain('"name": "parley"');
      }
      expect(await (await fetch(`${url}/no-such-route`)).text()).toContain('<title>page</title>');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says the page is not built instead of failing when it is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'viz-page-'));
    try {
      const url = await start({ pageDir: dir });
      const response = await fetch(`${url}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toMatch(/not built/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('accepts only http(s) app URLs', () => {
    expect(parseAppUrl('http://127.0.0.1:3000/some/path')).toBe('http://127.0.0.1:3000');
    expect(() => parseAppUrl('file:///etc/passwd')).toThrow(/http/);
  });

  it('accepts an inspector token as the server prints it', () => {
    expect(parseInspectToken(' dvSLKDfXAGgvKDyy5bFhRrFs7thDBMQw4qYATf4lUwI\n')).toBe(
      'dvSLKDfXAGgvKDyy5bFhRrFs7thDBMQw4qYATf4lUwI',
    );
    expect(() => parseInspectToken('inspector token: abc')).toThrow(/not a token/);
    expect(() => parseInspectToken('x'.repeat(300))).toThrow(/not a token/);
  });

  it('npm run viz -- --app without a token says where the token is and exits 2', async () => {
    const env = { ...process.env };
    delete env.PARLEY_INSPECT_TOKEN;
    const run = promisify(execFile)(
      process.execPath,
      [join(projectRoot, 'src', 'viz', 'serve.ts'), '--app', 'http://127.0.0.1:4000'],
      { env, timeout: 15_000 },
    );
    const failure = await run.then(
      () => null,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/“inspector token: …” line/);
    expect(failure?.stderr).toMatch(/--inspect-token <token>.*PARLEY_INSPECT_TOKEN/);
  });
});
