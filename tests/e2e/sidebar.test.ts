// The conversation list's rows in a real browser: an unsent draft shows as "Draft: …" in a row
// that is not open (issue 15, defect 10).
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import { composer, conversationButton, openConversation } from './support/messenger.ts';
import { conversationList, freshUsPhone, onboard } from './support/onboarding.ts';

const e2e = useE2E();

const vegetaTitle = 'Vegeta Saiyan';
const groupTitle = 'Capsule Corp';
const vegetaOpening = 'So you finally showed up';

/** The computed colour of the innermost element in `row` whose text starts with `text`. */
const colourOf = (row: Locator, text: string): Promise<string> =>
  row.evaluate((element, wanted) => {
    const node = [...element.querySelectorAll('p, span, bdi')].find(
      (candidate) => candidate.children.length === 0 && candidate.textContent?.startsWith(wanted),
    );
    return node ? getComputedStyle(node).color : 'missing';
  }, text);

describe('sidebar', () => {
  it('shows an unsent draft as "Draft: …" in rows that are not open, until it is cleared', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(page, vegetaTitle);
    await composer(page).pressSequentially('See you at the');
    await composer(page).press('Shift+Enter');
    await composer(page).pressSequentially('training ground');
    // The open conversation's draft is in its composer, not in its row.
    await expect(conversationButton(page, vegetaTitle).textContent()).resolves.toContain(
      vegetaOpening,
    );
    await expect(conversationButton(page, vegetaTitle).textContent()).resolves.not.toContain(
      'Draft:',
    );

    await openConversation(page, groupTitle);
    const vegeta = conversationButton(page, vegetaTitle);
    await expect
      .poll(() => vegeta.textContent())
      .toContain('Draft: See you at the training ground');
    await expect(vegeta.textContent()).resolves.not.toContain(vegetaOpening);
    // "Draft:" in the error colour (MUI's light error.main), the text in the secondary colour.
    await expect(colourOf(vegeta, 'Draft:')).resolves.toBe('rgb(211, 47, 47)');
    await expect(colourOf(vegeta, 'See you at the')).resolves.toBe('rgba(0, 0, 0, 0.6)');
    await shots.take(page, 'draft-in-row');

    // Back in the conversation the draft is still in its composer; cleared, the row shows the
    // last message again.
    await openConversation(page, vegetaTitle);
    await expect(composer(page).inputValue()).resolves.toBe('See you at the\ntraining ground');
    await composer(page).fill('');
    await openConversation(page, groupTitle);
    await expect
      .poll(() => conversationButton(page, vegetaTitle).textContent())
      .toContain(vegetaOpening);
    await expect(conversationButton(page, vegetaTitle).textContent()).resolves.not.toContain(
      'Draft:',
    );
    await shots.take(page, 'draft-cleared');
  });
});

describe('conversation rows', () => {
  it('are named by their visible text, in the order it shows (label in name)', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    // Vegeta's opening line is unread: his row shows a count too.
    await conversationButton(page, vegetaTitle).getByText('1', { exact: true }).waitFor();
    for (const title of [vegetaTitle, groupTitle]) {
      // What the row draws as text, in document (= visual) order; a picture is its name.
      const shown = await conversationButton(page, title).evaluate((row) => {
        const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
        const parts: string[] = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const parent = node.parentElement;
          const text = node.textContent?.trim();
          if (!text || !parent || parent.closest('[role="img"]')) continue;
          const box = parent.getBoundingClientRect();
          if (box.width > 1 && box.height > 1) parts.push(text);
        }
        return parts;
      });
      expect(shown.length).toBeGreaterThanOrEqual(3);
      expect(shown[0]).toBe(title);
      const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const inOrder = new RegExp(`^${shown.map(escape).join('.*')}`);
      await expect(
        conversationList(page).getByRole('button', { name: inOrder }).count(),
      ).resolves.toBe(1);
    }
    await expect(
      conversationList(page)
        .getByRole('button', { name: /^Vegeta Saiyan .* 1 unread$/ })
        .count(),
    ).resolves.toBe(1);
    await shots.take(page, 'rows');
  });
});
