import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect, request, startTestServer } from './harness.ts';

async function builtRenderer(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'parley-static-'));
  await mkdir(path.join(root, 'assets'));
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Parley</title>');
  await writeFile(path.join(root, 'assets', 'app.js'), 'console.log("app")');
  await writeFile(path.join(root, 'assets', 'app.css'), 'body{}');
  await writeFile(path.join(root, 'assets', 'vegeta.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  // A secret beside the folder: traversal must never reach it.
  await writeFile(path.join(root, '..', `${path.basename(root)}-secret.txt`), 'top secret');
  return root;
}

/** A raw GET (fetch would normalize `..` away before it reaches the server). */
function get(url: string, rawPath: string, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const { hostname, port } = new URL(url);
      const req = httpRequest({ hostname, port, path: rawPath, method }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('serving the built renderer (staticDir)', () => {
  it('serves files with their content types and a strict CSP on HTML', async () => {
    const test = await startTestServer({ staticDir: await builtRenderer() });
    const page = await get(test.url, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    const host = new URL(test.url).host;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://${host}`);
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("font-src 'self' data:");
    expect(csp).not.toMatch(/https?:/);

    expect((await get(test.url, '/assets/app.js')).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    expect((await get(test.url, '/assets/app.css')).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    const image = await get(test.url, '/assets/vegeta.png');
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['content-security-policy']).toBeUndefined();
  });

  it('answers app routes with index.html and missing assets with 404', async () => {
    const test = await startTestServer({ staticDir: await builtRenderer() });
    const route = await get(test.url, '/conversations/capsule-corp');
    expect(route.status).toBe(200);
    expect(route.body).toContain('<title>Parley</title>');
    expect((await get(test.url, '/assets/missing.js')).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/assets/..%2f..%2fetc%2fpasswd',
    '/%00',
  ])('never leaves the folder for %s', async (rawPath) => {
    const root = await builtRenderer();
    const test = await startTestServer({ staticDir: root });
    const response = await get(
      test.url,
      rawPath.replace('secret.txt', `${path.basename(root)}-secret.txt`),
    );
    expect(response.body).not.toContain('top secret');
    expect(response.body).not.toContain('root:');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const test = await startTestServer({ staticDir: await builtRenderer() });
    expect((await get(test.url, '/', 'POST')).status).toBe(405);
    const head = await get(test.url, '/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('keeps Socket.IO working on the same origin', async () => {
    const test = await startTestServer({ staticDir: await builtRenderer() });
    const client = await connect(test.url);
    expect(
      await request(client, 'requestVerificationCode', { phone: '+14155550188' }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('answers 404 for everything but Socket.IO without a staticDir', async () => {
    const test = await startTestServer();
    expect((await get(test.url, '/')).status).toBe(404);
  });
});
