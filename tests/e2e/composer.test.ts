// The composer in a real browser: it grows with what is typed, line by line, up to a cap, then
// scrolls; sending empties it and it shrinks back to one line (issue 15, defect 1).
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import { composer, messages, openConversation } from './support/messenger.ts';
import { freshUsPhone, onboard, stepTimeoutMs } from './support/onboarding.ts';

const e2e = useE2E();

interface Box {
  height: number;
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  lineHeight: number;
}

const boxOf = (field: Locator): Promise<Box> =>
  field.evaluate((element) => ({
    height: element.getBoundingClientRect().height,
    scrollTop: element.scrollTop,
    scrollHeight: element.scrollHeight,
    clientHeight: element.clientHeight,
    lineHeight: parseFloat(getComputedStyle(element).lineHeight),
  }));

describe('composer', () => {
  it('grows with each Shift+Enter line, caps and scrolls, and shrinks back when sent', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, 'Vegeta Saiyan');
    const field = composer(page);
    const empty = await boxOf(field);

    await field.pressSequentially('First line');
    await field.press('Shift+Enter');
    await field.pressSequentially('Second line');
    await field.press('Shift+Enter');
    await field.pressSequentially('Third line');
    await expect(field.inputValue()).resolves.toBe('First line\nSecond line\nThird line');
    const three = await boxOf(field);
    // Two more lines' worth of height, and all three in view: nothing scrolled out.
    expect(three.height).toBeGreaterThanOrEqual(empty.height + 1.9 * three.lineHeight);
    expect(three.scrollTop).toBe(0);
    expect(three.scrollHeight).toBeLessThanOrEqual(three.clientHeight + 1);
    await shots.take(page, 'three-lines');

    // Many lines stop growing at a cap and scroll instead.
    for (let line = 4; line <= 14; line += 1) {
      await field.press('Shift+Enter');
      await field.pressSequentially(`Line ${line}`);
    }
    const many = await boxOf(field);
    expect(many.height).toBeLessThan(empty.height + 9 * many.lineHeight);
    expect(many.height).toBeGreaterThan(three.height);
    expect(many.scrollHeight).toBeGreaterThan(many.clientHeight + many.lineHeight);
    await shots.take(page, 'capped');

    await field.press('Enter');
    await messages(page)
      .getByRole('article')
      .filter({ hasText: 'Line 14' })
      .waitFor({ timeout: stepTimeoutMs });
    await expect(field.inputValue()).resolves.toBe('');
    await expect.poll(async () => (await boxOf(field)).height).toBe(empty.height);
    await shots.take(page, 'sent');
  });
});
