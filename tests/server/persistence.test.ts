// The server as people run it (`node server/cli.ts --data <dir>`), killed with SIGKILL: what it
// acknowledged must be there after a restart on the same folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../server/protocol.ts';
import { hashToken } from '../../server/tokens.ts';
import { type Client, connect, createClient, fetchWorld, nextEvent, request } from './harness.ts';

const children: ChildProcess[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'parley-data-'));
  folders.push(folder);
  return folder;
}

interface RunningCli {
  child: ChildProcess;
  url: string;
  lines: string[];
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

async function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunningCli> {
  const child = spawn(process.execPath, ['server/cli.ts', '--dev-codes', ...args], {
    cwd: new URL('../..', import.meta.url),
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  children.push(child);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines: string[] = [];
  const dataLine = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('data: ')) resolve();
    });
    void exited.then(([code]) => reject(new Error(`server exited with ${code}`)));
  });
  await dataLine;
  const url = lines[0]!.replace(/^listening on /, '');
  return { child, url, lines, exited };
}

async function killHard(cli: RunningCli): Promise<void> {
  cli.child.kill('SIGKILL');
  expect(await cli.exited).toEqual([null, 'SIGKILL']);
}

async function onboardOver(url: string, phone: string) {
  const client = await connect(url);
  const delivered = nextEvent(client, 'verificationCodeDelivered');
  expect(await request(client, 'requestVerificationCode', { phone })).toMatchObject({ ok: true });
  const { code } = await delivered;
  const verified = await request(client, 'verifyCode', { phone, code });
  if (!verified.ok) throw new Error(verified.error.code);
  const created = await request(client, 'creatingNewUser', {
    phone,
    firstName: 'Videl',
    lastName: 'Satan',
    verificationToken: verified.verificationToken,
  });
  if (!created.ok) throw new Error(created.error.code);
  return {
    client,
    userId: created.user.id as string,
    sessionToken: created.sessionToken as string,
  };
}

async function history(client: Client, conversationId: string): Promise<Message[]> {
  const page = await request(client, 'requestMessages', {
    conversationId,
    after: -1,
    limit: 100,
  });
  if (!page.ok) throw new Error(page.error.code);
  return page.messages;
}

describe('persistence across kill -9 (server/cli.ts --data)', () => {
  it('keeps every acknowledged message, the user and the session', async () => {
    const dataDir = tempFolder();
    const first = await startCli(['--data', dataDir, '--port', '0']);
    expect(first.lines[1]).toBe(`data: ${path.join(dataDir, 'parley.db')}`);

    const { client, userId, sessionToken } = await onboardOver(first.url, '+14155550170');
    const world = await fetchWorld(client);
    const direct = world.conversations.find((c) => c.kind === 'direct')!;
    const acked: Message[] = [];
    for (let index = 0; index < 12; index += 1) {
      const conversationId = index % 3 === 0 ? 'capsule-corp' : direct.id;
      const ack = await request(client, 'sendMessage', {
        conversationId,
        text: `message ${index}`,
        clientMessageId: `crash-${index}`,
      });
      if (!ack.ok) throw new Error(ack.error.code);
      acked.push(ack.message);
    }
    client.disconnect();
    await killHard(first);

    const second = await startCli(['--data', dataDir, '--port', '0']);
    const again = await connect(second.url, sessionToken);
    const restored = await fetchWorld(again);
    expect(restored.currentUserId).toBe(userId);
    expect(restored.users[0]).toMatchObject({ id: userId, firstName: 'Videl' });
    const stored = [
      ...(await history(again, direct.id)),
      ...(await history(again, 'capsule-corp')),
    ];
    for (const message of acked) expect(stored).toContainEqual(message);
    // Seed data was not written twice.
    expect(
      (await history(again, direct.id)).filter((m) => m.clientMessageId === null),
    ).toHaveLength(1);

    // A resend of an acknowledged message after the crash stores nothing new.
    const resent = await request(again, 'sendMessage', {
      conversationId: direct.id,
      text: 'message 1',
      clientMessageId: 'crash-1',
    });
    expect(resent).toMatchObject({ ok: true, message: acked[1] });
    expect(resent.message).toEqual(acked[1]);
    again.disconnect();
    await killHard(second);
  });

  it('stores the session token only hashed, and sign-out revokes it for good', async () => {
    const dataDir = tempFolder();
    const cli = await startCli(['--data', dataDir, '--port', '0']);
    const { client, sessionToken } = await onboardOver(cli.url, '+14155550171');
    expect(await request(client, 'signOut')).toEqual({ ok: true });
    const signIn = await onboardOver(cli.url, '+14155550172');
    signIn.client.disconnect();
    client.disconnect();
    await killHard(cli);

    const file = path.join(dataDir, 'parley.db');
    const bytes = Buffer.concat(
      [file, `${file}-wal`].filter(existsSync).map((name) => readFileSync(name)),
    );
    for (const token of [sessionToken, signIn.sessionToken]) {
      expect(bytes.includes(Buffer.from(token))).toBe(false);
    }
    const db = new DatabaseSync(file, { readOnly: true });
    const hashes = db
      .prepare('SELECT token_hash FROM sessions')
      .all()
      .map((row) => row.token_hash);
    db.close();
    expect(hashes).toContain(hashToken(signIn.sessionToken));
    expect(hashes).not.toContain(hashToken(sessionToken));

    const restarted = await startCli(['--data', dataDir, '--port', '0']);
    const revoked = createClient(restarted.url, sessionToken);
    const refusal = await new Promise<Error>((resolve) => revoked.once('connect_error', resolve));
    expect(refusal.message).toBe('invalid_token');
    await connect(restarted.url, signIn.sessionToken);
  });
});

describe('choosing where data lives', () => {
  it('defaults to $XDG_DATA_HOME/parley and prints it', async () => {
    const home = tempFolder();
    const cli = await startCli(['--port', '0'], { ...process.env, XDG_DATA_HOME: home });
    expect(cli.lines[1]).toBe(`data: ${path.join(home, 'parley', 'parley.db')}`);
    expect(existsSync(path.join(home, 'parley', 'parley.db'))).toBe(true);
  });

  it('keeps nothing on disk with --memory', async () => {
    const home = tempFolder();
    const cli = await startCli(['--port', '0', '--memory'], {
      ...process.env,
      XDG_DATA_HOME: home,
    });
    expect(cli.lines[1]).toMatch(/^data: in memory/);
    expect(existsSync(path.join(home, 'parley'))).toBe(false);
  });

  it('refuses --data together with --memory', async () => {
    const child = spawn(
      process.execPath,
      ['server/cli.ts', '--dev-codes', '--memory', '--data', '/tmp/x'],
      {
        cwd: new URL('../..', import.meta.url),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--data and --memory exclude each other');
  });
});
