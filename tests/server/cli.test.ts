import { type ChildProcess, spawn } from 'node:child_process';
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
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, firstLine, exited, stderr: () => stderr };
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
});
