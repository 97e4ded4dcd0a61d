// The visualizer in Chromium, served by `npm run viz`: simulate the onboarding machine from the
// phone step to `done`, checking the highlighted state and the event log at each step.
import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Screenshots } from './support/artifacts.ts';
import { launchChromium } from './support/browser.ts';
import { projectDir } from './support/webBuild.ts';

let server: ChildProcess | null = null;
let serverLog = '';
let url = '';
let browser: Browser | null = null;

/** Starts `npm run viz` in its own process group and waits for its `listening on` line. */
function startViz(): Promise<string> {
  const child = spawn('npm', ['run', '--silent', 'viz', '--', '--port', '0'], {
    cwd: projectDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  child.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`npm run viz exited (${code}):\n${serverLog}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      serverLog += `${line}\n`;
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
  });
}

beforeAll(async () => {
  url = await startViz();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (server?.pid) process.kill(-server.pid, 'SIGTERM');
});

const activeState = (page: Page, key: string) =>
  page.getByRole('group', { name: key, exact: true }).first();

async function take(page: Page, transition: string, payload: unknown) {
  await page.getByLabel('Event payload (JSON)').fill(JSON.stringify(payload));
  await page.getByRole('button', { name: transition, exact: true }).click();
}

describe('npm run viz', () => {
  it('simulates onboarding from the phone step to done, highlighting states and logging events', async () => {
    const page = await browser!.newPage({ viewport: { width: 1500, height: 1000 } });
    const shots = new Screenshots('viz simulates onboarding');
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    try {
      await page.goto(url);
      await page.getByRole('button', { name: 'onboarding', exact: true }).click();
      const log = page.getByRole('log', { name: 'Event log' });
      await expect.poll(() => activeState(page, 'phone').getAttribute('aria-current')).toBe('true');
      // Only the phone step's transitions are offered.
      await expect
        .poll(() => page.getByRole('button', { name: 'name.submitted [hasValidName]' }).count())
        .toBe(0);

      // No number yet: the guard would say no, so the arrow is not offered at all.
      await expect
        .poll(() => page.getByRole('button', { name: 'phone.submitted [isValidPhone]' }).count())
        .toBe(0);

      await take(page, 'phone.changed', { text: '4155550132' });
      await expect
        .poll(() => log.innerText())
        .toContain('phone.changed → phone (handled, state unchanged)');
      await take(page, 'phone.submitted [isValidPhone]', {});
      await expect
        .poll(() => activeState(page, 'requestingCode').getAttribute('aria-current'))
        .toBe('true');
      expect(await activeState(page, 'phone').getAttribute('aria-current')).toBeNull();
      await shots.take(page, 'requesting code');

      // Export what the reviewer sees: the SVG carries the highlight, the PNG is an image of it.
      const [svgDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export SVG' }).click(),
      ]);
      expect(svgDownload.suggestedFilename()).toBe('onboarding-simulate.svg');
      const svg = readFileSync((await svgDownload.path())!, 'utf8');
      expect(svg).toMatch(/^<\?xml/);
      expect(svg).toMatch(
        /aria-label="requestingCode"[^>]*aria-current="true"|aria-current="true"[^>]*aria-label="requestingCode"/,
      );
      const [pngDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export PNG' }).click(),
      ]);
      expect(pngDownload.suggestedFilename()).toBe('onboarding-simulate.png');
      const png = readFileSync((await pngDownload.path())!);
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(png.length).toBeGreaterThan(10_000);

      await take(page, 'done(requestCode)', { resendAfterMs: 30000, expiresInMs: 600000 });
      await expect
        .poll(() => activeState(page, 'editing').getAttribute('aria-current'))
        .toBe('true');
      expect(await activeState(page, 'countingDown').getAttribute('aria-current')).toBe('true');

      // The arrow offered is the one the payload takes: two digits only type, six complete.
      await page.getByLabel('Event payload (JSON)').fill(JSON.stringify({ text: '12' }));
      await expect
        .poll(() => page.getByRole('button', { name: 'code.changed [completesCode]' }).count())
        .toBe(0);
      await take(page, 'code.changed [completesCode]', { text: '123456' });
      await expect
        .poll(() => activeState(page, 'verifying').getAttribute('aria-current'))
        .toBe('true');
      await take(page, 'done(verifyCode)', { registered: false, verificationToken: 'vt-1' });
      await expect.poll(() => activeState(page, 'name').getAttribute('aria-current')).toBe('true');

      await take(page, 'firstName.changed', { text: 'Goku' });
      await take(page, 'lastName.changed', { text: 'Son' });
      await take(page, 'name.submitted [hasValidName]', {});
      await expect
        .poll(() => activeState(page, 'creatingUser').getAttribute('aria-current'))
        .toBe('true');
      await take(page, 'done(createUser)', {
        user: { id: 'u1', firstName: 'Goku', lastName: 'Son' },
        sessionToken: 'token-1',
      });
      await expect.poll(() => activeState(page, 'done').getAttribute('aria-current')).toBe('true');
      await shots.take(page, 'done');

      const text = await log.innerText();
      expect(text).toContain('xstate.init → phone');
      expect(text).toContain(
        'xstate.done.actor.requestCode → {"code":{"entry":"editing","resend":"countingDown","sentCode":"usable"}}',
      );
      expect(text).toContain('name.submitted → creatingUser');
      expect(text).toContain('xstate.done.actor.createUser → done');
      // The context after the step is in the log entry.
      await log.getByText('xstate.done.actor.createUser → done').click();
      expect(await log.innerText()).toContain('"sessionToken": "token-1"');
      // A final state offers nothing more.
      expect(await page.locator('svg [role="button"]').count()).toBe(0);

      await page.getByRole('button', { name: 'Reset' }).click();
      await expect.poll(() => activeState(page, 'phone').getAttribute('aria-current')).toBe('true');
      await expect.poll(() => log.innerText()).not.toContain('name.submitted');

      // Offline: nothing but the visualizer's own server was asked for anything.
      expect(requests.filter((r) => !r.startsWith(url) && !r.startsWith('data:'))).toEqual([]);
    } catch (error) {
      await shots.take(page, 'failure');
      shots.writeText('server.log', serverLog);
      throw error;
    } finally {
      await page.close();
    }
  });
});
