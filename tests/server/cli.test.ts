import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, request } from './harness.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function startCli(...args: string[]) {
  const child = spawn(process.execPath, ['server/cli.ts', ...args], {
    cwd: new URL('../..', import.meta.url),
    stdio: ['ignore', 'pipe', 'pipe'],
    // The default data folder is per user: keep these runs out of the real one.
    env: { ...process.env, XDG_DATA_HOME: mkdtempSync(path.join(tmpdir(), 'parley-cli-')) },
  });
  children.push(child);
  const stdout = createInterface({ input: child.stdout! });
  const firstLine = new Promise<string>((resolve) => stdout.once('line', resolve));
  const lines: string[] = [];
  stdout.on('line', (line) => lines.push(line));
  /** Resolves with the first stdout line (seen so far or later) that starts with `prefix`. */
  const lineStarting = (prefix: string) =>
    new Promise<string>((resolve) => {
      const seen = lines.find((line) => line.startsWith(prefix));
      if (seen !== undefined) return resolve(seen);
      const listener = (line: string) => {
        if (!line.startsWith(prefix)) return;
        stdout.off('line', listener);
        resolve(line);
      };
      stdout.on('line', listener);
    });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, firstLine, lineStarting, exited, stderr: () => stderr };
}

describe('npm run server (server/cli.ts)', () => {
  it('prints its listening line with --port 0, serves, and exits cleanly on SIGTERM', async () => {
    const cli = startCli('--dev-codes', '--port', '0');
    const line = await cli.firstLine;
    expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.slice('listening on '.length);
    expect(url).not.toMatch(/:0$/);

    const client = await connect(url);
    expect(
      await request(client, 'requestVerificationCode', { phone: '+14155550123' }),
    ).toMatchObject({
      ok: true,
    });
    client.disconnect();

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual([0, null]);
  });

  it('exits cleanly on SIGINT with a client still connected', async () => {
    const cli = startCli('--dev-codes', '--port', '0', '--host', '127.0.0.1');
    const url = (await cli.firstLine).slice('listening on '.length);
    const client = await connect(url);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toEqual([0, null]);
    client.disconnect();
  });

  it('rejects an unknown flag with a clear line', async () => {
    const cli = startCli('--colour', 'blue');
    const [code] = await cli.exited;
    expect(code).toBe(2);
    expect(cli.stderr().split('\n')[0]).toMatch(/^parley server: Unknown option '--colour'/);
  });

  it('rejects a port that is not a number', async () => {
    const cli = startCli('--port', 'eighty');
    const [code] = await cli.exited;
    expect(code).toBe(2);
    expect(cli.stderr()).toContain("--port must be 0-65535, got 'eighty'");
  });

  it('refuses to start without a way to deliver codes, and says why', async () => {
    for (const args of [
      ['--port', '0', '--memory'],
      // A cluster node too: it fails before it would touch PostgreSQL or Redis.
      ['--postgres', 'postgres://127.0.0.1:1/none', '--redis', 'redis://127.0.0.1:1'],
    ]) {
      const cli = startCli(...args);
      const [code] = await cli.exited;
      expect(code).toBe(2);
      expect(cli.stderr()).toContain('no way to deliver verification codes');
      expect(cli.stderr()).toContain('--code-webhook');
      expect(cli.stderr()).toContain('anyone who can reach this server could');
    }
  });

  it('says loudly that --dev-codes is for development, and prints the inspector token', async () => {
    const cli = startCli('--dev-codes', '--port', '0', '--memory');
    expect(await cli.lineStarting('codes: ')).toMatch(/^codes: DEVELOPMENT \(--dev-codes\)/);
    expect(await cli.lineStarting('inspector token: ')).toMatch(/^inspector token: [\w-]{43}$/);
  });

  it('delivers codes through --code-webhook: the gateway gets them, the requester does not', async () => {
    const received: { deliveryId: string; phone: string; code: string }[] = [];
    const gateway = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += String(chunk)));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = gateway.address() as AddressInfo;
      const cli = startCli('--code-webhook', `http://127.0.0.1:${port}/sms`, '--memory');
      const url = (await cli.firstLine).slice('listening on '.length);
      expect(await cli.lineStarting('codes: ')).toBe(
        `codes: sent through the webhook at http://127.0.0.1:${port}`,
      );
      const client = await connect(url);
      let delivered = false;
      client.on('verificationCodeDelivered', () => (delivered = true));
      const phone = '+14155550177';
      expect(await request(client, 'requestVerificationCode', { phone })).toMatchObject({
        ok: true,
      });
      expect(received).toEqual([
        {
          deliveryId: expect.any(String),
          phone,
          code: expect.stringMatching(/^\d{6}$/),
          expiresInMs: 600_000,
        },
      ]);
      expect(await request(client, 'verifyCode', { phone, code: received[0]!.code })).toMatchObject(
        { ok: true, registered: false },
      );
      expect(delivered).toBe(false);
      client.disconnect();
    } finally {
      gateway.closeAllConnections();
      gateway.close();
    }
  });

  it('refuses a webhook that would carry codes in clear over the network', async () => {
    const cli = startCli('--code-webhook', 'http://sms.example.com/send');
    const [code] = await cli.exited;
    expect(code).toBe(2);
    expect(cli.stderr()).toContain('--code-webhook must be https:');
  });

  it('refuses --allow-origin values that are not origins', async () => {
    const cli = startCli('--dev-codes', '--allow-origin', 'https://chat.example.com/path');
    const [code] = await cli.exited;
    expect(code).toBe(2);
    expect(cli.stderr()).toContain('--allow-origin must be an origin');
  });
});
