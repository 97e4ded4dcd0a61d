// Narrow windows in a real browser (issue 15, defect 2): below the breakpoint one pane shows at a
// time, the list or the open conversation with a Back button, as in Telegram; a message reads as
// lines, not a letter per line; Back and Escape return the keyboard to the conversation's row;
// widening the window shows both panes with the conversation still open. And the screen has a
// level-one heading (defect 13).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import {
  composer,
  conversation,
  conversationButton,
  messages,
  openConversation,
  send,
} from './support/messenger.ts';
import { conversationList, freshUsPhone, onboard, stepTimeoutMs } from './support/onboarding.ts';

const e2e = useE2E();

const vegetaTitle = 'Vegeta Saiyan';
const longText =
  'Narrow windows should still read like a conversation, one comfortable line after another.';
const height = 760;

const backButton = (page: Page) => page.getByRole('button', { name: 'Back to chats' });

async function resize(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.waitForFunction((expected) => window.innerWidth === expected, width);
}

/** How a message is drawn: its bubble's width, its text's lines, the window's width. */
async function measureMessage(
  page: Page,
  text: string,
): Promise<{ bubbleWidth: number; lines: number; charsPerLine: number; viewport: number }> {
  return messages(page)
    .getByRole('article')
    .filter({ hasText: text })
    .evaluate((article, expected) => {
      const textBlock = [...article.querySelectorAll('div')].find(
        (element) => element.textContent === expected,
      );
      if (!textBlock?.parentElement) throw new Error(`no text block reads "${expected}"`);
      const range = document.createRange();
      range.selectNodeContents(textBlock);
      // One rectangle per line box the text is laid out in.
      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
      return {
        bubbleWidth: textBlock.parentElement.getBoundingClientRect().width,
        lines,
        charsPerLine: expected.length / lines,
        viewport: window.innerWidth,
      };
    }, text);
}

const hasFocus = (page: Page, title: string) =>
  conversationButton(page, title).evaluate((row) => row === document.activeElement);
const composerHasFocus = (page: Page) =>
  composer(page).evaluate((field) => field === document.activeElement);

async function expectParleyHeading(page: Page): Promise<void> {
  const headings = page.getByRole('heading', { level: 1 });
  await expect(headings.count()).resolves.toBe(1);
  await expect(headings.textContent()).resolves.toBe('Parley');
}

describe('narrow windows', () => {
  it('at 1024 px shows the list beside the open conversation, with no Back button; Escape closes it', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await resize(page, 1024);
    await expectParleyHeading(page);
    await openConversation(page, vegetaTitle);
    await expect(composerHasFocus(page)).resolves.toBe(true);
    await send(page, longText);
    await expect(conversationList(page).isVisible()).resolves.toBe(true);
    await expect(conversation(page, vegetaTitle).isVisible()).resolves.toBe(true);
    await expect(backButton(page).count()).resolves.toBe(0);
    await expectParleyHeading(page);
    // The conversation keeps most of the window; its message reads in long lines.
    const pane = await conversation(page, vegetaTitle).boundingBox();
    expect(pane?.width).toBeGreaterThanOrEqual(0.6 * 1024);
    const drawn = await measureMessage(page, longText);
    expect(drawn.charsPerLine).toBeGreaterThanOrEqual(40);
    await shots.take(page, 'wide-1024');
    // Escape closes it here too, as in Telegram: the placeholder, and the keyboard on the row.
    await composer(page).press('Escape');
    await page
      .getByText('Choose a conversation to start chatting.')
      .waitFor({ timeout: stepTimeoutMs });
    await expect(conversation(page, vegetaTitle).count()).resolves.toBe(0);
    await expect(hasFocus(page, vegetaTitle)).resolves.toBe(true);
  });

  it('at 600 and 400 px shows one pane at a time; Back and Escape return to the row', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    for (const [width, leave] of [
      [600, 'Back'],
      [400, 'Escape'],
    ] as const) {
      await resize(page, width);
      // No conversation open: the list alone.
      await expect(conversationList(page).isVisible()).resolves.toBe(true);
      await expect(
        page.getByText('Choose a conversation to start chatting.').isVisible(),
      ).resolves.toBe(false);
      await expectParleyHeading(page);
      await shots.take(page, `list-${width}`);

      // Opened: the conversation alone, with Back, and the keyboard in the composer.
      await openConversation(page, vegetaTitle);
      await expect(conversationList(page).isVisible()).resolves.toBe(false);
      await expect(backButton(page).isVisible()).resolves.toBe(true);
      await expect(composerHasFocus(page)).resolves.toBe(true);
      await expectParleyHeading(page);
      if (width === 600) await send(page, longText);
      const drawn = await measureMessage(page, longText);
      expect(drawn.viewport).toBe(width);
      expect(drawn.bubbleWidth).toBeGreaterThanOrEqual(0.6 * width);
      expect(drawn.charsPerLine).toBeGreaterThanOrEqual(20);
      await shots.take(page, `conversation-${width}`);

      // Back (or Escape): the list again, the keyboard on the row just left.
      if (leave === 'Back') await backButton(page).click();
      else await composer(page).press('Escape');
      await conversationList(page).waitFor({ state: 'visible', timeout: stepTimeoutMs });
      await expect(conversation(page, vegetaTitle).count()).resolves.toBe(0);
      await expect(backButton(page).count()).resolves.toBe(0);
      // A named wait: the row takes the focus once it shows.
      await page.waitForFunction(
        () => document.activeElement?.getAttribute('role') === 'button',
        undefined,
        { timeout: stepTimeoutMs },
      );
      await expect(hasFocus(page, vegetaTitle)).resolves.toBe(true);
    }
  });

  it('keeps the conversation open across a resize from narrow to wide and back, and the keyboard in it', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await resize(page, 500);
    await openConversation(page, vegetaTitle);
    await composer(page).pressSequentially('half a thought');
    await expect(conversationList(page).isVisible()).resolves.toBe(false);

    await resize(page, 1024);
    await conversationList(page).waitFor({ state: 'visible', timeout: stepTimeoutMs });
    await expect(conversation(page, vegetaTitle).isVisible()).resolves.toBe(true);
    await expect(conversationButton(page, vegetaTitle).getAttribute('aria-current')).resolves.toBe(
      'true',
    );
    await expect(composer(page).inputValue()).resolves.toBe('half a thought');
    await expect(backButton(page).count()).resolves.toBe(0);
    await shots.take(page, 'widened');

    // Narrowed again with the keyboard in the list: the list hides, the keyboard goes to the
    // composer of the conversation left open.
    await conversationButton(page, vegetaTitle).focus();
    await resize(page, 500);
    await backButton(page).waitFor({ state: 'visible', timeout: stepTimeoutMs });
    await expect(conversationList(page).isVisible()).resolves.toBe(false);
    await expect(conversation(page, vegetaTitle).isVisible()).resolves.toBe(true);
    await expect(composerHasFocus(page)).resolves.toBe(true);
  });
});
