// The end-to-end bootstrap: a real chat server serving a fresh web build on 127.0.0.1:0
// (in-process), Debian's Chromium, and a new browser context per test. Each test gets a page,
// numbered screenshots, and on failure its browser and server logs plus a last screenshot.
// Call `useE2E()` at the top of a test file; read `e2e.page` etc. inside tests.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createChatServer, type ChatServer } from '../../../server/chatServer.ts';
import { createDevelopmentCodeSender } from '../../../server/codeSender.ts';
import { createCapturingLogger } from '../../../server/logger.ts';
import { Screenshots } from './artifacts.ts';
import { launchChromium } from './browser.ts';
import { ensureWebBuild, webDir } from './webBuild.ts';

export interface E2E {
  /** The chat server (its URL serves the app too). */
  readonly server: ChatServer;
  readonly browser: Browser;
  /** The current test's first page (its own browser context). */
  readonly page: Page;
  /** The current test's screenshots (test-results/<test>/<n>-<screen>.png). */
  readonly shots: Screenshots;
  /** Another person: a new browser context and page on the app, logged like the first. */
  openPerson(label: string): Promise<Page>;
}

interface Running {
  server: ChatServer;
  browser: Browser;
  serverLog: string[];
}

interface PerTest {
  page: Page;
  shots: Screenshots;
  contexts: BrowserContext[];
  browserLog: string[];
  serverLogStart: number;
}

/** `describe > test` names without the file, for the results folder. */
function testPathOf(task: { name: string; suite?: { name: string; suite?: unknown } }): string {
  const names = [task.name];
  for (let suite = task.suite; suite; suite = suite.suite as typeof suite | undefined) {
    if (suite.name) names.unshift(suite.name);
  }
  return names.join(' ');
}

export function useE2E(): E2E {
  let running: Running | null = null;
  let current: PerTest | null = null;

  const openPage = async (label: string): Promise<Page> => {
    if (!running || !current) throw new Error('openPerson() runs inside a test');
    const context = await running.browser.newContext({ viewport: { width: 1100, height: 760 } });
    current.contexts.push(context);
    const page = await context.newPage();
    const log = current.browserLog;
    page.on('console', (message) =>
      log.push(`[${label}] console.${message.type()}: ${message.text()}`),
    );
    page.on('pageerror', (error) =>
      log.push(`[${label}] pageerror: ${error.stack ?? error.message}`),
    );
    page.on('requestfailed', (request) =>
      log.push(`[${label}] request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
    );
    await page.goto(running.server.url);
    return page;
  };

  beforeAll(async () => {
    await ensureWebBuild();
    const serverLog: string[] = [];
    const server = await createChatServer({
      host: '127.0.0.1',
      port: 0,
      staticDir: webDir,
      logger: createCapturingLogger(serverLog),
      codeSender: createDevelopmentCodeSender({ print: (line) => serverLog.push(line) }),
    });
    try {
      running = { server, browser: await launchChromium(), serverLog };
    } catch (error) {
      await server.close();
      throw error;
    }
  });

  afterAll(async () => {
    await running?.browser.close();
    await running?.server.close();
    running = null;
  });

  beforeEach(async (context) => {
    if (!running) throw new Error('the e2e bootstrap did not start');
    const shots = new Screenshots(testPathOf(context.task));
    current = {
      page: undefined as unknown as Page,
      shots,
      contexts: [],
      browserLog: [],
      serverLogStart: running.serverLog.length,
    };
    current.page = await openPage('person 1');
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await keepFailureEvidence();
    for (const browserContext of current?.contexts ?? []) await browserContext.close();
    current = null;
  });

  /** A last screenshot of every open page, and the test's browser and server logs. */
  const keepFailureEvidence = async () => {
    if (!current || !running) return;
    const { shots } = current;
    for (const [index, browserContext] of current.contexts.entries()) {
      for (const [pageIndex, page] of browserContext.pages().entries()) {
        await page
          .screenshot({
            path: `${shots.dir}/failure-${index + 1}-${pageIndex + 1}.png`,
            fullPage: true,
          })
          .catch(() => {});
      }
    }
    shots.writeText(
      'failure.log',
      [
        '== browser',
        ...current.browserLog,
        '== server',
        ...running.serverLog.slice(current.serverLogStart),
      ].join('\n') + '\n',
    );
  };

  const need = <T>(pick: (state: { running: Running; current: PerTest }) => T): T => {
    if (!running || !current) throw new Error('e2e state is only available inside a test');
    return pick({ running, current });
  };

  return {
    get server() {
      if (!running) throw new Error('the e2e server is not running');
      return running.server;
    },
    get browser() {
      if (!running) throw new Error('the e2e browser is not running');
      return running.browser;
    },
    get page() {
      return need(({ current: test }) => test.page);
    },
    get shots() {
      return need(({ current: test }) => test.shots);
    },
    openPerson: openPage,
  };
}
