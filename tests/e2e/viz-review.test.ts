// The visualizer's review tools in Chromium (issue 14): zoom (buttons, Ctrl+wheel), fit, pan by
// dragging, search that scrolls to and outlines what it finds, and deep links (machine, mode,
// git ref, state) that survive a reload.
import type { Server } from 'node:http';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, startVizServer } from '../../src/viz/serve.ts';
import { Screenshots } from './support/artifacts.ts';
import { launchChromium } from './support/browser.ts';

let viz: { server: Server; url: string } | null = null;
let browser: Browser | null = null;

beforeAll(async () => {
  await ensureBuilt();
  viz = await startVizServer({ port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  viz?.server.closeAllConnections();
  await new Promise((resolve) => viz?.server.close(resolve) ?? resolve(undefined));
});

const zoomLevel = async (page: Page) =>
  Number((await page.getByLabel('Zoom level').innerText()).replace('%', ''));

async function box(locator: Locator) {
  const found = await locator.boundingBox();
  if (!found) throw new Error('element not rendered');
  return found;
}

const viewportOf = (page: Page) => page.getByRole('region', { name: /diagram: drag to pan/ });
const figureOf = (page: Page) => page.locator('main svg[role="figure"]');

describe('reviewing a diagram', () => {
  it('fits the machine on open, zooms by button and Ctrl+wheel, and pans by dragging', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    const shots = new Screenshots('viz zoom pan fit');
    try {
      await page.goto(`${viz!.url}/#machine=session&mode=simulate`);
      await figureOf(page).waitFor();
      // Fitted: the whole machine is inside the viewport.
      const region = await box(viewportOf(page));
      const fitted = await box(figureOf(page));
      expect(fitted.width).toBeLessThanOrEqual(region.width + 1);
      expect(fitted.height).toBeLessThanOrEqual(region.height + 1);
      const fitZoom = await zoomLevel(page);
      expect(fitZoom).toBeLessThanOrEqual(100);
      await shots.take(page, 'fitted');

      await page.getByRole('button', { name: 'Zoom in' }).click();
      await expect.poll(() => zoomLevel(page)).toBeGreaterThan(fitZoom);
      const zoomed = await box(figureOf(page));
      expect(zoomed.width / fitted.width).toBeCloseTo(1.25, 1);

      // Ctrl+wheel zooms too, and the page itself does not.
      const before = await zoomLevel(page);
      await page.mouse.move(region.x + region.width / 2, region.y + region.height / 2);
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -100);
      await page.keyboard.up('Control');
      await expect.poll(() => zoomLevel(page)).toBeGreaterThan(before);
      expect(await page.evaluate(() => window.visualViewport?.scale ?? 1)).toBe(1);

      // 100% and beyond: bigger than the viewport, so dragging the background scrolls it.
      await page.getByRole('button', { name: '100%' }).click();
      await page.getByRole('button', { name: 'Zoom in' }).click();
      await page.getByRole('button', { name: 'Zoom in' }).click();
      await expect.poll(() => zoomLevel(page)).toBe(156);
      const scrollOf = () =>
        viewportOf(page).evaluate((element) => ({
          left: element.scrollLeft,
          top: element.scrollTop,
        }));
      await viewportOf(page).evaluate((element) => element.scrollTo(0, 0));
      const start = await scrollOf();
      // The frame's top-left corner is background, never a button.
      await page.mouse.move(region.x + 6, region.y + 6);
      await page.mouse.down();
      await page.mouse.move(region.x + 6 - 200, region.y + 6 - 120, { steps: 5 });
      await page.mouse.up();
      const dragged = await scrollOf();
      expect(dragged.left - start.left).toBeGreaterThan(150);
      expect(dragged.top - start.top).toBeGreaterThan(80);

      // Fit again from the keyboard.
      await viewportOf(page).focus();
      await page.keyboard.press('0');
      await expect.poll(() => zoomLevel(page)).toBe(fitZoom);
    } finally {
      await page.close();
    }
  });

  it('finds a state, scrolls to it and outlines it, and a reload keeps the view', async () => {
    const page = await browser!.newPage({ viewport: { width: 1200, height: 800 } });
    const shots = new Screenshots('viz search and deep link');
    try {
      await page.goto(`${viz!.url}/#machine=session&mode=simulate`);
      await figureOf(page).waitFor();
      await page.getByRole('button', { name: '100%' }).click();
      await page.getByLabel('Find state or event').fill('signingOut');
      await expect
        .poll(() => page.getByRole('status', { name: 'Search result' }).innerText())
        .toMatch(/^1 of \d+: state session\.connection\.signingOut$/);
      const state = page.locator('[data-state-id="session.connection.signingOut"]');
      const outline = page.locator('[data-focus-outline]');
      await outline.waitFor();
      // The outline surrounds the state, and both are in view.
      const stateBox = await box(state);
      const outlineBox = await box(outline);
      expect(outlineBox.x).toBeLessThanOrEqual(stateBox.x);
      expect(outlineBox.y).toBeLessThanOrEqual(stateBox.y);
      expect(outlineBox.x + outlineBox.width).toBeGreaterThanOrEqual(stateBox.x + stateBox.width);
      expect(outlineBox.y + outlineBox.height).toBeGreaterThanOrEqual(stateBox.y + stateBox.height);
      const region = await box(viewportOf(page));
      expect(stateBox.x).toBeGreaterThanOrEqual(region.x - 1);
      expect(stateBox.x + Math.min(stateBox.width, 100)).toBeLessThanOrEqual(
        region.x + region.width + 1,
      );
      expect(stateBox.y).toBeGreaterThanOrEqual(region.y - 1);
      expect(stateBox.y).toBeLessThanOrEqual(region.y + region.height);
      await expect
        .poll(() => page.evaluate(() => window.location.hash))
        .toBe('#machine=session&mode=simulate&state=session.connection.signingOut');
      await shots.take(page, 'found signingOut');

      // Events are found too, and Enter steps to the next match.
      await page.getByLabel('Find state or event').fill('connection');
      const first = await page.getByRole('status', { name: 'Search result' }).innerText();
      await page.getByLabel('Find state or event').press('Enter');
      await expect
        .poll(() => page.getByRole('status', { name: 'Search result' }).innerText())
        .not.toBe(first);
      await page.getByLabel('Find state or event').fill('no such thing');
      await expect
        .poll(() => page.getByRole('status', { name: 'Search result' }).innerText())
        .toBe('No state or event matches');

      // A reload opens the same machine, mode and state, outlined.
      await page.getByLabel('Find state or event').fill('');
      await page.reload();
      await figureOf(page).waitFor();
      await page.locator('[data-focus-outline]').waitFor();
      expect(
        await page
          .getByRole('button', { name: 'session', exact: true })
          .getAttribute('aria-current'),
      ).toBe('true');
      expect(await page.getByRole('tab', { name: 'Simulate' }).getAttribute('aria-selected')).toBe(
        'true',
      );
    } finally {
      await page.close();
    }
  });

  it('opens a diff against the ref a link names, follows invoke links, and says when a linked state does not exist', async () => {
    const page = await browser!.newPage({ viewport: { width: 1200, height: 800 } });
    try {
      await page.goto(`${viz!.url}/#machine=onboarding&mode=diff&ref=HEAD`);
      await page.getByLabel('Diff summary').waitFor();
      expect(await page.getByLabel('Compare with git ref').inputValue()).toBe('HEAD');
      await expect
        .poll(() => page.evaluate(() => window.location.hash))
        .toBe('#machine=onboarding&mode=diff&ref=HEAD');

      // An invoked machine's line links to its own diagram.
      await page.goto(`${viz!.url}/#machine=app&mode=simulate`);
      await page.getByRole('link', { name: 'Open session diagram' }).click();
      await expect
        .poll(() =>
          page.getByRole('button', { name: 'session', exact: true }).getAttribute('aria-current'),
        )
        .toBe('true');
      await page.locator('[data-state-id="session.connection"]').waitFor();

      // A ref that does not exist: the error is shown and the link keeps the ref, so it can
      // still be shared and reloaded.
      await page.goto(`${viz!.url}/#machine=onboarding&mode=diff&ref=no-such-ref`);
      await page.reload();
      await page.getByRole('alert').filter({ hasText: 'unknown git ref: no-such-ref' }).waitFor();
      expect(await page.evaluate(() => window.location.hash)).toBe(
        '#machine=onboarding&mode=diff&ref=no-such-ref',
      );

      // Pasted into the open page's address bar: followed without a reload (the marker set
      // on this document survives), and a link without a ref leaves the diff.
      await page.evaluate(() => ((window as { stillThisPage?: boolean }).stillThisPage = true));
      await page.goto(`${viz!.url}/#machine=onboarding&mode=simulate&state=onboarding.nowhere`);
      await expect
        .poll(() => page.evaluate(() => (window as { stillThisPage?: boolean }).stillThisPage))
        .toBe(true);
      await expect
        .poll(() => page.getByRole('tab', { name: 'Simulate' }).getAttribute('aria-selected'))
        .toBe('true');
      await expect
        .poll(() => page.getByRole('alert').filter({ hasText: 'onboarding.nowhere' }).count())
        .toBe(1);
    } finally {
      await page.close();
    }
  });
});
