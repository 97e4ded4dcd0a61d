// Live mode against the real web app: the visualizer (`npm run viz -- --app <url>
// --inspect-token <token>`, here startVizServer in-process) follows a person onboarding in
// another browser context, through the chat server's /inspect relay, highlighting each
// onboarding state as the app reaches it and logging the app's events, then shows the app's
// actor tree down to its conversation actors. The token goes the way
// a person passes it: from the server (its `inspector token:` line) to the visualizer, and from
// the address the visualizer shows (`#inspect=<token>`) to the app page.
import type { IncomingMessage, Server } from 'node:http';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, startVizServer } from '../../src/viz/serve.ts';
import { inspectingAppUrl } from '../../src/viz/live/recordSchema.ts';
import { useE2E } from './support/bootstrap.ts';
import {
  codeStep,
  freshUsPhone,
  nameStep,
  phoneStep,
  readSimulatedSms,
  stepTimeoutMs,
  waitForCodeStep,
  waitForMessenger,
  waitForNameStep,
  waitForPhoneStep,
} from './support/onboarding.ts';

const e2e = useE2E();
let viz: { server: Server; url: string } | null = null;

/** What the chat server printed on its `inspector token:` line. */
function printedToken(): string {
  const token = e2e.server.inspectToken;
  if (token === null) throw new Error('the e2e chat server runs without its /inspect relay');
  return token;
}

beforeAll(async () => {
  await ensureBuilt();
  viz = await startVizServer({ port: 0, appUrl: e2e.server.url, inspectToken: printedToken() });
});

afterAll(async () => {
  viz?.server.closeAllConnections();
  await new Promise((resolve) => viz?.server.close(resolve) ?? resolve(undefined));
});

/** The diagram's state `key`, once the visualizer highlights it as active. */
function activeState(page: Page, key: string): Locator {
  return page
    .getByRole('group', { name: key, exact: true })
    .and(page.locator('[aria-current="true"]'))
    .first();
}

async function waitForActive(page: Page, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    await activeState(page, key).waitFor({ state: 'attached', timeout: stepTimeoutMs });
  }
}

/** The log's entries as `event → state` lines, oldest first. */
async function logLines(log: Locator): Promise<string[]> {
  const summaries = await log.locator('summary').allInnerTexts();
  return summaries.map((line) => line.trim());
}

describe('the visualizer in live mode', () => {
  it('follows a person onboarding in the web app, state by state, with its events', async () => {
    const visualizer = e2e.page; // its own browser context
    await visualizer.setViewportSize({ width: 1500, height: 1000 });
    await visualizer.goto(viz!.url);
    await visualizer.getByRole('button', { name: 'onboarding', exact: true }).click();
    await visualizer.getByRole('tab', { name: 'Live' }).click();
    // Connected to the app's relay, and telling the designer how to make the app publish.
    await visualizer
      .getByText(`app at ${e2e.server.url}: connected`)
      .waitFor({ timeout: stepTimeoutMs });
    const address = inspectingAppUrl(e2e.server.url, printedToken());
    expect(address).toBe(`${e2e.server.url}/#inspect=${printedToken()}`);
    const hint = visualizer.getByRole('link', { name: address });
    await hint.waitFor({ timeout: stepTimeoutMs });
    await e2e.shots.take(visualizer, 'live waiting for the app');

    // The person opens the address the visualizer shows, in their own browser.
    const shown = await hint.getAttribute('href');
    expect(shown).toBe(address);
    // Everything the chat server receives from here on: request lines and their Referer.
    const received: string[] = [];
    const record = (request: IncomingMessage) =>
      received.push(`${request.url ?? ''} referer=${request.headers.referer ?? ''}`);
    e2e.server.httpServer.on('request', record).on('upgrade', record);
    const app = await e2e.openPerson('app');
    // The app tab is open already: pasting the address changes only its fragment, and the app
    // starts over publishing. Heard from once it has, so the page below is the new one.
    await app.goto(shown!);
    await waitForActive(visualizer, 'phone');
    await waitForPhoneStep(app);
    await hint.waitFor({ state: 'detached', timeout: stepTimeoutMs });

    await phoneStep.phone(app).pressSequentially(freshUsPhone());
    await phoneStep.next(app).click();
    await waitForCodeStep(app);
    await waitForActive(visualizer, 'code', 'editing', 'countingDown');
    expect(
      await visualizer
        .getByRole('group', { name: 'phone', exact: true })
        .first()
        .getAttribute('aria-current'),
    ).toBeNull();
    await e2e.shots.take(visualizer, 'live code step');

    await codeStep.code(app).pressSequentially(await readSimulatedSms(app));
    await waitForNameStep(app);
    await waitForActive(visualizer, 'name');

    await nameStep.first(app).pressSequentially('Bulma');
    await nameStep.last(app).pressSequentially('Brief');
    await nameStep.finish(app).click();
    await waitForMessenger(app);
    await waitForActive(visualizer, 'done');
    await e2e.shots.take(visualizer, 'live done');

    // The log holds the app's own events, in the order the person caused them.
    const lines = await logLines(visualizer.getByRole('log', { name: 'Event log' }));
    const firstIndex = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const milestones = [
      /^xstate\.init → phone$/,
      /^phone\.changed → phone$/,
      /^phone\.submitted → requestingCode$/,
      /→ \{"code":\{"entry":"editing","resend":"countingDown"\}\}$/,
      /^code\.changed → \{"code":\{"entry":"verifying"/,
      /→ name$/,
      /^firstName\.changed → name$/,
      /^name\.submitted → creatingUser$/,
      /→ done$/,
    ];
    const positions = milestones.map(firstIndex);
    // The whole log goes with a failure, to show which milestone is missing.
    expect({ missing: milestones.filter((_, index) => positions[index] === -1), lines }).toEqual({
      missing: [],
      lines,
    });
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // Context travels with each step: opening the entry shows the name the person typed.
    const log = visualizer.getByRole('log', { name: 'Event log' });
    const nameEntry = log
      .locator('details')
      .filter({ has: visualizer.locator('summary', { hasText: 'name.submitted → creatingUser' }) })
      .first();
    await nameEntry.locator('summary').click();
    await nameEntry.getByText('"firstName": "Bulma"').waitFor({ timeout: stepTimeoutMs });
    await e2e.shots.take(visualizer, 'live log entry');

    // The actor tree: the app, with the finished onboarding, the session and the messenger
    // under it, and under the messenger one conversation actor each (the DM with Vegeta and
    // the group), heard from once the session synced.
    const tree = visualizer.getByRole('tree', { name: 'Actors' });
    const group = tree.getByRole('treeitem', { name: 'conversation capsule-corp', exact: true });
    await group.waitFor({ timeout: stepTimeoutMs });
    await tree.getByRole('treeitem', { name: 'session', exact: true }).waitFor();
    const rows = await tree
      .getByRole('treeitem')
      .evaluateAll((items) =>
        items.map((item) => [item.getAttribute('aria-label'), item.getAttribute('aria-level')]),
      );
    expect(rows[0]).toEqual(['app', '1']);
    const messengerAt = rows.findIndex(([label]) => label === 'messenger');
    expect(rows.slice(1, messengerAt + 1)).toEqual([
      ['onboarding', '2'],
      ['session', '2'],
      ['messenger', '2'],
    ]);
    const underMessenger = rows.slice(messengerAt + 1).map(([label, level]) => `${level} ${label}`);
    expect(underMessenger).toHaveLength(2);
    expect(underMessenger).toContain('3 conversation capsule-corp');
    expect(
      underMessenger.filter((line) => /^3 conversation [0-9a-f-]{36}$/.test(line)),
    ).toHaveLength(1);
    // Picking the group shows the conversation machine, that actor's state and its log.
    await group.click();
    await visualizer
      .locator('[role="treeitem"][aria-selected="true"]')
      .and(group)
      .waitFor({ timeout: stepTimeoutMs });
    await visualizer
      .getByRole('button', { name: 'conversation', exact: true })
      .and(visualizer.locator('[aria-current="true"]'))
      .waitFor({ timeout: stepTimeoutMs });
    await visualizer.getByText('one of 2 actors of this machine').waitFor();
    expect((await logLines(log))[0]).toMatch(/^xstate\.init → \{/);
    await e2e.shots.take(visualizer, 'live actor tree');

    // The token stayed in the fragment: no request reached the server with it, nor a Referer.
    e2e.server.httpServer.off('request', record).off('upgrade', record);
    expect(received.length).toBeGreaterThan(0);
    expect(received.filter((line) => line.includes(printedToken()))).toEqual([]);
  });
});
