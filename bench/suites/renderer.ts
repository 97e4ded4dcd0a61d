// Renderer figures in headless Chromium against web mode: opening conversations as history
// grows, keystroke-to-paint with a long sidebar, and cold start. Times are taken inside the
// page (performance.now, a frame callback then a task: the frame has been painted), so the
// browser driver's own round trips are not counted, except for cold start (see its rows).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild, launchChromium, projectDir, webDir } from '../lib/browser.ts';
import { onboardThroughProtocol } from '../lib/onboard.ts';
import { type Row, row } from '../lib/rows.ts';
import { summarize } from '../lib/stats.ts';
import type { SeededUsers } from '../servers/parleyNode.ts';
import { startParley } from './targets.ts';

export interface RendererProfile {
  histories: number[];
  /** Extra conversations in the sidebar (a new person already has 2: Vegeta and the group). */
  sidebarConversations: number[];
  keystrokes: number;
  repeats: number;
}

const tokenKey = 'parley.sessionToken';

async function signedInPage(browser: Browser, url: string, token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  await context.addInitScript(([key, value]) => window.localStorage.setItem(key, value), [
    tokenKey,
    token,
  ] as const);
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole('list', { name: 'Conversations' }).waitFor({ timeout: 60_000 });
  return page;
}

// A row is named by what it shows, title first: its name starts with the title and a space.
const conversationButton = (page: Page, title: string) =>
  page.getByRole('list', { name: 'Conversations' }).getByRole('button', {
    name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?: |$)`),
  });

interface Opened {
  ms: number;
  logNodes: number;
}

/** Clicks the conversation and waits, in the page, until its latest message is painted. */
async function openAndTime(page: Page, title: string): Promise<Opened> {
  const button = await conversationButton(page, title).elementHandle({ timeout: 30_000 });
  if (!button) throw new Error(`no conversation titled ${title}`);
  return button.evaluate(
    (element, latest) =>
      new Promise<{ ms: number; logNodes: number }>((resolve, reject) => {
        const started = performance.now();
        const painted = () => {
          const log = document.querySelector('[role="log"][aria-label="Messages"]');
          if (!log?.textContent?.includes(latest)) return false;
          requestAnimationFrame(() =>
            setTimeout(() =>
              resolve({
                ms: performance.now() - started,
                logNodes: log.querySelectorAll('*').length + 1,
              }),
            ),
          );
          return true;
        };
        const observer = new MutationObserver(() => {
          if (painted()) observer.disconnect();
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        setTimeout(() => {
          observer.disconnect();
          reject(new Error(`"${latest}" was not painted within 30 s`));
        }, 30_000);
        (element as HTMLElement).click();
      }),
    `${title} latest`,
  );
}

async function measureHistories(
  browser: Browser,
  profile: RendererProfile,
  log: (line: string) => void,
): Promise<Row[]> {
  const server = await startParley({ store: 'memory', staticDir: webDir });
  try {
    const { tokens, userIds } = await server.request<SeededUsers>('seedUsers', { count: 1 });
    const titles = profile.histories.map((size) => `History ${size}`);
    for (const [index, size] of profile.histories.entries()) {
      log(`renderer: seeding a conversation with ${size} messages`);
      await server.request('seedConversations', {
        userId: userIds[0],
        titles: [titles[index]],
        messagesEach: size,
      });
    }
    const page = await signedInPage(browser, server.info.url, tokens[0] ?? '');
    const samples = new Map<number, Opened[]>();
    for (let repeat = 0; repeat < profile.repeats; repeat += 1) {
      for (const [index, size] of profile.histories.entries()) {
        const opened = await openAndTime(page, titles[index] ?? '');
        samples.set(size, [...(samples.get(size) ?? []), opened]);
      }
    }
    await page.context().close();
    return profile.histories.flatMap((size) => {
      const opened = samples.get(size) ?? [];
      const size_ = `${size} messages`;
      const times = summarize(opened.map((item) => item.ms));
      return [
        row('open conversation -> latest messages painted (median)', size_, times.p50, 'ms', {
          note: `${opened.length} opens, first ${Math.round(opened[0]?.ms ?? Number.NaN)} ms`,
        }),
        row(
          'DOM nodes in the message log',
          size_,
          Math.max(...opened.map((item) => item.logNodes)),
          'nodes',
        ),
      ];
    });
  } finally {
    await server.stop();
  }
}

async function measureKeystrokes(
  browser: Browser,
  extraConversations: number,
  profile: RendererProfile,
  log: (line: string) => void,
): Promise<Row[]> {
  const server = await startParley({ store: 'memory', staticDir: webDir });
  try {
    const { tokens, userIds } = await server.request<SeededUsers>('seedUsers', { count: 1 });
    log(`renderer: keystrokes with ${extraConversations} more conversations in the sidebar`);
    const titles = Array.from({ length: extraConversations }, (_, index) => `Sidebar ${index + 1}`);
    await server.request(
      'seedConversations',
      { userId: userIds[0], titles, messagesEach: 1 },
      600_000,
    );
    const page = await signedInPage(browser, server.info.url, tokens[0] ?? '');
    const rendered = await page
      .getByRole('list', { name: 'Conversations' })
      .getByRole('button')
      .count();
    // The sidebar is virtualized: open whichever conversation is at the top.
    await page.getByRole('list', { name: 'Conversations' }).getByRole('button').first().click();
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.click();
    await page.evaluate(() => {
      const samples = { paint: [] as number[], work: [] as number[] };
      (window as unknown as { benchKeys: typeof samples }).benchKeys = samples;
      let keyAt: number | null = null;
      document.addEventListener(
        'keydown',
        (event) => {
          const started = event.timeStamp;
          keyAt = started;
          // After the next frame has been produced.
          requestAnimationFrame(() =>
            setTimeout(() => samples.paint.push(performance.now() - started)),
          );
        },
        true,
      );
      // The input event bubbles to window after React's root listener, which commits a
      // discrete update synchronously: here the keystroke has been handled and rendered to DOM.
      window.addEventListener('input', () => {
        if (keyAt === null) return;
        samples.work.push(performance.now() - keyAt);
        keyAt = null;
      });
    });
    const text = 'The gravity room is fixed, come and train with us this evening!';
    // A slow sidebar takes hundreds of ms per key: the timeout must cover the slowest case.
    await composer.pressSequentially(text.repeat(4).slice(0, profile.keystrokes), {
      delay: 40,
      timeout: profile.keystrokes * 5_000,
    });
    await page.waitForFunction(
      (count) =>
        (window as unknown as { benchKeys: { paint: number[] } }).benchKeys.paint.length >= count,
      profile.keystrokes,
    );
    const samples = await page.evaluate(
      () => (window as unknown as { benchKeys: { paint: number[]; work: number[] } }).benchKeys,
    );
    await page.context().close();
    const paint = summarize(samples.paint);
    const work = summarize(samples.work);
    // The seeded world gives each person two conversations (the Vegeta DM and the group).
    const size = `${extraConversations + 2} conversations`;
    const note = `${samples.paint.length} keystrokes; ${rendered} sidebar rows in the DOM (virtualized)`;
    return [
      row('keystroke -> next frame painted p50', size, paint.p50, 'ms', { note }),
      row('keystroke -> next frame painted p95', size, paint.p95, 'ms', { note }),
      row('keystroke -> input handled and React committed p95', size, work.p95, 'ms', { note }),
    ];
  } finally {
    await server.stop();
  }
}

/** `npm run web`'s entry, started fresh: the process, then the page, as a person would. */
async function measureColdStart(browser: Browser, log: (line: string) => void): Promise<Row[]> {
  log('renderer: cold start of web mode');
  // A fresh data folder: a first launch (the database is created and migrated), and never the
  // person's own data folder, which web mode uses by default.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-web-'));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [path.join(projectDir, 'scripts/web.mjs'), '--port', '0', '--data', dataDir],
    { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) =>
        reject(new Error(`web mode exited ${code}: ${output.slice(-800)}`)),
      );
    });
    const listening = performance.now() - started;

    const fresh = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await fresh.newPage();
    const onboardingStart = performance.now();
    await page.goto(url);
    await page.getByRole('textbox', { name: /Phone number/ }).waitFor({ timeout: 60_000 });
    const toOnboarding = performance.now() - onboardingStart;
    await fresh.close();

    const token = await onboardThroughProtocol(url, '+15550009999');
    const messengerStart = performance.now();
    const signedIn = await signedInPage(browser, url, token);
    const toMessenger = performance.now() - messengerStart;
    await signedIn.context().close();

    const note = 'new browser context (empty cache); includes the driver round trip';
    return [
      row('cold start: web mode process -> listening', 'fresh process', listening, 'ms', {
        note: 'renderer already built; new SQLite data folder',
      }),
      row('cold start: page load -> onboarding visible', 'fresh process', toOnboarding, 'ms', {
        note,
      }),
      row('cold start: page load -> messenger (signed in)', 'fresh process', toMessenger, 'ms', {
        note,
      }),
      row(
        'cold start: process start -> onboarding visible',
        'fresh process',
        listening + toOnboarding,
        'ms',
      ),
    ];
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runRenderer(
  profile: RendererProfile,
  log: (line: string) => void,
): Promise<Row[]> {
  await ensureWebBuild(log);
  const browser = await launchChromium();
  try {
    const rows = await measureHistories(browser, profile, log);
    for (const extra of profile.sidebarConversations) {
      rows.push(...(await measureKeystrokes(browser, extra, profile, log)));
    }
    rows.push(...(await measureColdStart(browser, log)));
    return rows;
  } finally {
    await browser.close();
  }
}
