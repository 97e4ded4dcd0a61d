// The API `npm run viz` answers for the page: config, model coverage, machines at a git ref.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAppUrl, startVizServer } from '../../../src/viz/serve.ts';
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
  it('tells the page which app to follow live', async () => {
    const url = await start({ appUrl: 'http://127.0.0.1:4000' });
    expect(await (await fetch(`${url}/api/config`)).json()).toEqual({
      appUrl: 'http://127.0.0.1:4000',
    });
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

  it('never serves files outside the built page', async () => {
    const url = await start({});
    for (const path of ['/..%2F..%2Fpackage.json', '/%2e%2e/%2e%2e/package.json']) {
      const body = await (await fetch(`${url}${path}`)).text();
      expect(body).not.toContain('"name": "parley"');
    }
  });

  it('accepts only http(s) app URLs', () => {
    expect(parseAppUrl('http://127.0.0.1:3000/some/path')).toBe('http://127.0.0.1:3000');
    expect(() => parseAppUrl('file:///etc/passwd')).toThrow(/http/);
  });
});
