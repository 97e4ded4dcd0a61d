// What the person had not sent yet survives a reload: with the chat server down, they send a
// message and start another, reload the page, and when the server is back the message is
// delivered exactly once and the draft is still in the composer. The chat server really stops
// (its port refuses connections); while it is down the page's own files are served from the
// web build on disk, as the desktop app loads them from its bundle and never from the server.
import path from 'node:path';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createChatServer, type ChatServer } from '../../server/chatServer.ts';
import { createDevelopmentCodeSender } from '../../server/codeSender.ts';
import { createCapturingLogger } from '../../server/logger.ts';
import { MemoryStore } from '../../server/store/memory.ts';
import { Screenshots } from './support/artifacts.ts';
import { launchChromium } from './support/browser.ts';
import { composer, messages, openConversation } from './support/messenger.ts';
import { freshUsPhone, onboard, stepTimeoutMs, waitForMessenger } from './support/onboarding.ts';
import { ensureWebBuild, webDir } from './support/webBuild.ts';

const groupTitle = 'Capsule Corp';
const store = new MemoryStore();
const serverLog: string[] = [];
let server: ChatServer | null = null;
let browser: Browser | null = null;

/** The chat server on `port` (0: any free one), with the store that outlives each run. */
async function startServer(port: number): Promise<ChatServer> {
  return createChatServer({
    host: '127.0.0.1',
    port,
    store,
    staticDir: webDir,
    logger: createCapturingLogger(serverLog),
    codeSender: createDevelopmentCodeSender({ print: (line) => serverLog.push(line) }),
  });
}

beforeAll(async () => {
  await ensureWebBuild();
  server = await startServer(0);
  // A page served by the test's route has no address space, so Chromium's Local Network Access
  // checks would treat its connections to 127.0.0.1 as a public page reaching into a private
  // network; the desktop app's bundled page has no such checks.
  browser = await launchChromium(['--disable-features=LocalNetworkAccessChecks']);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store.close();
});

/** Serves the page's own files from the web build (everything but Socket.IO). */
async function serveAppFilesFromDisk(page: Page, origin: string): Promise<void> {
  await page.route(
    (url) => url.origin === origin && !url.pathname.startsWith('/socket.io'),
    async (route: Route) => {
      const { pathname } = new URL(route.request().url());
      const file = path.join(webDir, pathname === '/' ? 'index.html' : pathname);
      if (!file.startsWith(webDir)) return route.abort();
      await route.fulfill({ path: file });
    },
  );
}

const bubbles = (page: Page, text: string) =>
  messages(page).getByRole('article').filter({ hasText: text });

describe('unsent messages and drafts', () => {
  it('survive a reload while the server is down, and the message is delivered once', async () => {
    if (!server || !browser) throw new Error('the server or the browser did not start');
    const shots = new Screenshots('unsent messages and drafts survive a reload');
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await context.newPage();
    page.on('console', (message) => serverLog.push(`[page] ${message.text()}`));
    const { url } = server;
    const port = Number(new URL(url).port);
    try {
      await page.goto(url);
      await onboard(page, { phone: freshUsPhone(), first: 'Mary', last: 'Jackson' });
      await openConversation(page, groupTitle);

      // The server goes away: the person keeps writing.
      await server.close();
      server = null;
      await page.getByText('Connection lost. Reconnecting…').waitFor({ timeout: stepTimeoutMs });
      await composer(page).pressSequentially('Written while you were away');
      await composer(page).press('Enter');
      await bubbles(page, 'Written while you were away')
        .getByRole('img', { name: 'Sending' })
        .waitFor({ timeout: stepTimeoutMs });
      await composer(page).pressSequentially('Half a thought');
      await shots.take(page, 'unsent-before-reload');

      await serveAppFilesFromDisk(page, new URL(url).origin);
      await page.reload();
      await page.getByText('Connection lost. Reconnecting…').waitFor({ timeout: stepTimeoutMs });

      // The server comes back on the same port with the same data.
      server = await startServer(port);
      // Files still being served finish first: unrouting under a handler in flight left it to
      // fulfil a request already handled (an unhandled rejection in a loaded run).
      await page.unrouteAll({ behavior: 'wait' });
      await waitForMessenger(page);
      await openConversation(page, groupTitle);
      await bubbles(page, 'Written while you were away').waitFor({ timeout: stepTimeoutMs });
      await messages(page)
        .getByRole('img', { name: 'Sending' })
        .waitFor({ state: 'detached', timeout: stepTimeoutMs });
      await expect(composer(page).inputValue()).resolves.toBe('Half a thought');
      await shots.take(page, 'delivered-after-reload');

      // Once on the server, not twice: a fresh load shows what the server holds.
      await page.reload();
      await waitForMessenger(page);
      await openConversation(page, groupTitle);
      await bubbles(page, 'Written while you were away').waitFor({ timeout: stepTimeoutMs });
      await expect(bubbles(page, 'Written while you were away').count()).resolves.toBe(1);
      await expect(composer(page).inputValue()).resolves.toBe('Half a thought');
    } catch (error) {
      await page.screenshot({ path: `${shots.dir}/failure.png` }).catch(() => {});
      shots.writeText('failure.log', serverLog.join('\n') + '\n');
      throw error;
    } finally {
      await context.close();
    }
  });
});
