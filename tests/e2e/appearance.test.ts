// How the app looks where nothing is installed to help it, in Debian's Chromium: keyboard focus
// shows a ring (issue 15, defect 8), emoji are drawn in colour from the bundled font on a machine
// with no emoji font (defect 11), and the page has an icon (defect 12).
import { execFileSync } from 'node:child_process';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import { composer, conversationButton, messages, openConversation } from './support/messenger.ts';
import { freshUsPhone, onboard, phoneStep, waitForPhoneStep } from './support/onboarding.ts';

const e2e = useE2E();

const vegetaTitle = 'Vegeta Saiyan';
const groupTitle = 'Capsule Corp';
/** The theme's light primary colour, #3949ab. */
const primary = 'rgb(57, 73, 171)';

interface Outline {
  style: string;
  width: string;
  color: string;
}

const outlineOf = (locator: Locator): Promise<Outline> =>
  locator.evaluate((element) => {
    const style = getComputedStyle(element);
    return { style: style.outlineStyle, width: style.outlineWidth, color: style.outlineColor };
  });

/** Presses Tab (at most `limit` times) until `target` has the focus, as a keyboard user does. */
async function tabTo(page: Page, target: Locator, limit = 30): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${String(target)} was not reached with ${limit} Tabs`);
}

const noOutline = (outline: Outline): boolean =>
  outline.style === 'none' || outline.width === '0px';

/** Reaches `target` with Tab; its outline before (none or what it is) and while focused. */
async function outlinesWhenTabbedTo(page: Page, target: Locator) {
  const before = await outlineOf(target);
  await tabTo(page, target);
  return { unfocused: noOutline(before) ? 'none' : before, focused: await outlineOf(target) };
}

/** What a keyboard user sees: nothing before, a 2px primary ring once focused. */
const visibleRing = {
  unfocused: 'none',
  focused: { style: 'solid', width: '2px', color: primary },
};

describe('keyboard focus', () => {
  it('rings a button reached with Tab', async () => {
    const { page, shots } = e2e;
    await waitForPhoneStep(page);
    await phoneStep.phone(page).pressSequentially('4155550100');
    expect(await outlinesWhenTabbedTo(page, phoneStep.next(page))).toEqual(visibleRing);
    await shots.take(page, 'next-focused');
  });

  it('rings the conversation rows, selected or not, the message log and the Send button', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, vegetaTitle);
    const selectedRow = conversationButton(page, vegetaTitle);
    expect(await outlinesWhenTabbedTo(page, selectedRow)).toEqual(visibleRing);
    await shots.take(page, 'selected-row-focused');
    expect(await outlinesWhenTabbedTo(page, conversationButton(page, groupTitle))).toEqual(
      visibleRing,
    );
    expect(await outlinesWhenTabbedTo(page, messages(page))).toEqual(visibleRing);
    await shots.take(page, 'message-log-focused');
    await composer(page).fill('Ready when you are.');
    const send = page.getByRole('button', { name: 'Send' });
    expect(await outlinesWhenTabbedTo(page, send)).toEqual(visibleRing);
  });

  it('shows no ring on a row clicked with the pointer', async () => {
    const { page } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await conversationButton(page, groupTitle).click();
    expect(noOutline(await outlineOf(conversationButton(page, groupTitle)))).toBe(true);
  });
});

/**
 * How many pixels of `locator`'s screenshot are warm colours (Twemoji's faces are #ffcc4d; the
 * preview draws it through its secondary text's 60% alpha), where text and tofu are grey.
 */
async function yellowPixels(page: Page, locator: Locator): Promise<number> {
  const png = (await locator.screenshot()).toString('base64');
  return page.evaluate(async (data) => {
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d canvas');
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let index = 0; index < pixels.length; index += 4) {
      const [red = 0, green = 0, blue = 0] = pixels.subarray(index, index + 3);
      if (red - blue > 60 && green - blue > 40) count += 1;
    }
    return count;
  }, png);
}

describe('emoji', () => {
  it('are drawn in colour from the bundled font in messages and previews, with no emoji font installed', async () => {
    // The premise: this machine has no emoji font of its own to fall back on.
    expect(execFileSync('fc-list', { encoding: 'utf8' })).not.toMatch(/emoji/i);
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, vegetaTitle);
    const text = 'Good morning 😀';
    await composer(page).fill(text);
    await composer(page).press('Enter');
    const message = messages(page).getByRole('article').filter({ hasText: text });
    await message.waitFor();
    await page.evaluate(() => document.fonts.ready);

    const font = await page.evaluate(() => ({
      check: document.fonts.check('16px "Twemoji Mozilla"', '😀'),
      status: [...document.fonts]
        .filter((face) => face.family.replaceAll('"', '') === 'Twemoji Mozilla')
        .map((face) => face.status),
    }));
    // Loaded because the page needed it (it is fetched only once an emoji is on screen).
    expect(font).toEqual({ check: true, status: ['loaded'] });

    const bubbleText = message.locator('div[dir="auto"]');
    expect(await yellowPixels(page, bubbleText)).toBeGreaterThan(20);
    const preview = conversationButton(page, vegetaTitle).locator('bdi');
    await expect(preview.textContent()).resolves.toBe(text);
    expect(await yellowPixels(page, preview)).toBeGreaterThan(20);
    await shots.take(page, 'emoji');
  });
});

describe('the icon', () => {
  it('is served in web mode as the favicon and linked from the page', async () => {
    const { page, server } = e2e;
    const favicon = await fetch(new URL('/favicon.ico', server.url));
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toBe('image/x-icon');
    // An ICO: reserved 0, type 1, and at least one image.
    const bytes = Buffer.from(await favicon.arrayBuffer());
    expect([bytes.readUInt16LE(0), bytes.readUInt16LE(2)]).toEqual([0, 1]);
    expect(bytes.readUInt16LE(4)).toBeGreaterThan(0);

    await waitForPhoneStep(page);
    const links = await page
      .locator('link[rel="icon"]')
      .evaluateAll((elements) => elements.map((link) => (link as HTMLLinkElement).href));
    expect(links.length).toBe(2);
    for (const href of links) {
      const response = await fetch(href);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^image\//);
    }
  });
});
