// Live mode against the real web app: the visualizer (`npm run viz -- --app <url>
// --inspect-token <token>`, here startVizServer in-process) follows a person onboarding in
// another browser context, through the chat server's /inspect relay, highlighting each
// onboarding state as the app reaches it and logging the app's events, then shows the app's
// actor tree down to its conversation actors. The token goes the way
// a person passes it: from the server (its `inspector token:` line) to the visualizer, and from
// the address the visualizer shows (`#inspect=<token>`) to the app page. Then the reviewer
// scrubs back through the run (the diagram and context follow the position), follows live again,
// saves the run to a file and opens it on a visualizer with no app at all, and a broken file
// is refused.
import { mkdtempSync, readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
/** A visualizer started alone (`npm run viz`): no app to follow, only files to open. */
let vizAlone: { server: Server; url: string } | null = null;

/** What the chat server printed on its `inspector token:` line. */
function printedToken(): string {
  const token = e2e.server.inspectToken;
  if (token === null) throw new Error('the e2e chat server runs without its /inspect relay');
  return token;
}

beforeAll(async () => {
  await ensureBuilt();
  viz = await startVizServer({ port: 0, appUrl: e2e.server.url, inspectToken: printedToken() });
  vizAlone = await startVizServer({ port: 0 });
});

afterAll(async () => {
  for (const running of [viz, vizAlone]) {
    running?.server.closeAllConnections();
    await new Promise((resolve) => running?.server.close(resolve) ?? resolve(undefined));
  }
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
      /→ \{"code":\{"entry":"editing","resend":"countingDown","sentCode":"usable"\}\}$/,
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
    // under it, and under the messenger the new-chat dialog, the membership requests, the
    // settings, the receipt list and one conversation actor each (the DM with Vegeta and the group), heard from
    // once the session synced.
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
    expect(underMessenger).toHaveLength(8);
    expect(underMessenger).toContain('3 receiptList');
    expect(underMessenger).toContain('3 messageActions');
    expect(underMessenger).toContain('3 messageSearch');
    expect(underMessenger).toContain('3 newChat');
    expect(underMessenger).toContain('3 membership');
    expect(underMessenger).toContain('3 settings');
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

    // Time travel: the onboarding actor, scrubbed back to where it started (the slider by
    // keyboard), shows its first state and the context it had then, with nothing typed yet.
    await tree.getByRole('treeitem', { name: 'onboarding', exact: true }).click();
    await waitForActive(visualizer, 'done');
    const context = visualizer.getByRole('region', { name: /^Context/ });
    await context.getByText('"firstName": "Bulma"').waitFor({ timeout: stepTimeoutMs });
    const slider = visualizer.getByRole('slider', { name: 'Run position' });
    const last = Number(await slider.getAttribute('aria-valuemax'));
    expect(last).toBeGreaterThan(20);
    expect(await slider.getAttribute('aria-valuenow')).toBe(String(last));
    await slider.focus();
    await slider.press('Home');
    expect(await slider.getAttribute('aria-valuenow')).toBe('0');
    const stepForward = visualizer.getByRole('button', { name: 'Step forward' });
    // The first records are the actors starting; onboarding's own is among the first few.
    for (let step = 0; step < 10 && !(await activeState(visualizer, 'phone').count()); step += 1) {
      await stepForward.click();
    }
    await waitForActive(visualizer, 'phone');
    expect(await activeState(visualizer, 'done').count()).toBe(0);
    await visualizer
      .getByRole('region', { name: 'Context at this position' })
      .getByText('"firstName": ""')
      .waitFor();
    await visualizer.getByText(/\(\d+ newer records\)/).waitFor();
    // No conversation had started yet.
    expect(await tree.getByRole('treeitem', { name: /^conversation/ }).count()).toBe(0);
    const marked = log.locator('details[aria-current="step"] summary');
    expect(await marked.allInnerTexts()).toEqual(['xstate.init → phone']);
    await e2e.shots.take(visualizer, 'live scrubbed back');

    // Follow live: back to the newest record.
    await visualizer.getByRole('button', { name: 'Follow live' }).click();
    await waitForActive(visualizer, 'done');
    await context.getByText('"firstName": "Bulma"').waitFor();
    await group.waitFor();
    expect(await visualizer.getByText(/newer record/).count()).toBe(0);

    // Save run: the file holds the run's records in order, as received.
    const [download] = await Promise.all([
      visualizer.waitForEvent('download'),
      visualizer.getByRole('button', { name: 'Save run' }).click(),
    ]);
    const fileName = download.suggestedFilename();
    expect(fileName).toMatch(/^parley-run-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.json$/);
    const saved = join(mkdtempSync(join(tmpdir(), 'parley-run-')), fileName);
    await download.saveAs(saved);
    const file = JSON.parse(readFileSync(saved, 'utf8')) as {
      format: string;
      version: number;
      source: { feeds: string[]; dropped: number };
      records: { machineId: string; event: { type: string }; context: unknown }[];
    };
    expect(file).toMatchObject({
      format: 'parley-run',
      version: 1,
      source: { feeds: [`app at ${e2e.server.url}`], dropped: 0 },
    });
    expect(file.records.length).toBeGreaterThan(last);
    const onboardingEvents = file.records
      .filter((r) => r.machineId === 'onboarding')
      .map((r) => r.event.type);
    expect(onboardingEvents[0]).toBe('xstate.init');
    expect(onboardingEvents).toContain('name.submitted');

    // Opened on a visualizer started alone, in a fresh page: the run as it was recorded.
    const context2 = await e2e.browser.newContext({ viewport: { width: 1500, height: 1000 } });
    try {
      const reviewer = await context2.newPage();
      await reviewer.goto(vizAlone!.url);
      await reviewer.getByRole('button', { name: 'onboarding', exact: true }).click();
      await reviewer.getByRole('tab', { name: 'Live' }).click();
      await reviewer.getByText('No live source.', { exact: false }).waitFor();
      await reviewer.getByLabel('Open run file').setInputFiles(saved);
      await reviewer
        .getByText(`Recorded run: ${fileName}, ${file.records.length} records`)
        .waitFor({ timeout: stepTimeoutMs });
      const reviewTree = reviewer.getByRole('tree', { name: 'Actors' });
      await reviewTree.getByRole('treeitem', { name: 'conversation capsule-corp' }).waitFor();
      await reviewTree.getByRole('treeitem', { name: 'onboarding', exact: true }).click();
      await waitForActive(reviewer, 'done');
      const reviewSlider = reviewer.getByRole('slider', { name: 'Run position' });
      expect(await reviewSlider.getAttribute('aria-valuemax')).toBe(
        String(file.records.length - 1),
      );
      const reviewLog = await logLines(reviewer.getByRole('log', { name: 'Event log' }));
      expect(reviewLog[0]).toBe('xstate.init → phone');
      expect(reviewLog).toContain('name.submitted → creatingUser');
      await reviewSlider.focus();
      await reviewSlider.press('Home');
      await reviewer.getByRole('button', { name: 'Step forward' }).click();
      await e2e.shots.take(reviewer, 'recorded run opened');

      // The sequence of the recorded run: events the app's actors sent each other, with
      // who sent them (the publisher's sourceSessionId), up to the run position.
      await reviewSlider.press('End');
      await reviewer.getByRole('button', { name: 'Sequence' }).click();
      const sequence = reviewer.getByRole('figure', { name: 'Sequence of events' });
      const messages = sequence.getByRole('list', { name: 'Messages' });
      await messages.getByRole('listitem').first().waitFor();
      const names = await messages
        .getByRole('button')
        .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? ''));
      // The person's typing comes from outside; some events come from another actor.
      expect(names.some((name) => /^outside → onboarding: name\.submitted$/.test(name))).toBe(true);
      expect(names.some((name) => !name.startsWith('outside'))).toBe(true);
      await e2e.shots.take(reviewer, 'recorded run sequence');
      await reviewer.getByRole('button', { name: 'Statechart' }).click();
      await reviewSlider.press('Home');
      await reviewer.getByRole('button', { name: 'Step forward' }).click();

      // A broken file: the error names the bad record, and the recorded run stays shown, at
      // the position it was.
      const itemsBefore = await reviewTree.getByRole('treeitem').count();
      expect(await reviewSlider.getAttribute('aria-valuenow')).toBe('1');
      await reviewer.getByLabel('Open run file').setInputFiles({
        name: 'broken.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify({ ...file, records: [{ kind: 'snapshot' }] })),
      });
      await reviewer
        .getByRole('alert')
        .getByText(/broken\.json: Record 0 is invalid/)
        .waitFor({ timeout: stepTimeoutMs });
      await reviewer
        .getByText(`Recorded run: ${fileName}, ${file.records.length} records`)
        .waitFor();
      expect(await reviewTree.getByRole('treeitem').count()).toBe(itemsBefore);
      expect(await reviewSlider.getAttribute('aria-valuenow')).toBe('1');
      await e2e.shots.take(reviewer, 'broken run file refused');
    } finally {
      await context2.close();
    }
  });
});
