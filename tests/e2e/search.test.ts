// Message search in a real browser against a real server (issue 16): Ctrl+K opens it, the hits
// come only from the conversations the person is a member of, grouped under their titles with
// the words found marked, and clicking one opens its conversation. A second person, Krillin,
// signs up over the protocol (tests/server/harness.ts) and writes where Ada can and cannot read.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import { conversation, messages, openConversation, send } from './support/messenger.ts';
import { freshUsPhone, onboard, stepTimeoutMs } from './support/onboarding.ts';
import {
  directConversationId,
  onboard as onboardOverProtocol,
  request,
  type TestServer,
} from '../server/harness.ts';

const e2e = useE2E();

const vegetaTitle = 'Vegeta Saiyan';
const groupTitle = 'Capsule Corp';

const searchDialog = (page: Page) => page.getByRole('dialog', { name: 'Search messages' });

describe('message search', () => {
  it('finds only what the person may read, marks the words found, and opens a hit', async () => {
    const { page, shots } = e2e;
    // A word no other test writes, so the hits are this test's own.
    const word = `zanzibar${Date.now().toString(36)}`;
    await onboard(page, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    const krillin = await onboardOverProtocol({ url: e2e.server.url } as TestServer, {
      firstName: 'Krillin',
      lastName: 'Monk',
    });
    try {
      // In the group Ada is in, and in Krillin's own DM with Vegeta, which she is not in.
      const inGroup = await request(krillin.client, 'sendMessage', {
        conversationId: 'capsule-corp',
        clientMessageId: 'krillin-search-1',
        text: `Meet me at ${word} beach`,
      });
      expect(inGroup.ok).toBe(true);
      const krillinsDm = await directConversationId(krillin.client);
      const inHisDm = await request(krillin.client, 'sendMessage', {
        conversationId: krillinsDm,
        clientMessageId: 'krillin-search-2',
        text: `${word} is my secret`,
      });
      expect(inHisDm.ok).toBe(true);
    } finally {
      krillin.client.disconnect();
    }
    // Ada's own, newest: her DM's hit comes first.
    await openConversation(page, vegetaTitle);
    await send(page, `Flying to ${word} tomorrow`);

    await page.keyboard.press('Control+k');
    const dialog = searchDialog(page);
    await dialog.waitFor({ timeout: stepTimeoutMs });
    await dialog.getByRole('combobox', { name: 'Search messages' }).fill(word.slice(0, 12));
    const hits = dialog.getByRole('option');
    await hits.nth(1).waitFor({ timeout: stepTimeoutMs });
    await expect(hits.count()).resolves.toBe(2);
    await expect(dialog.getByRole('status').textContent()).resolves.toBe('2 messages found');
    const groupNames = await dialog
      .getByRole('group')
      .evaluateAll((groups) =>
        groups.map(
          (group) => document.getElementById(group.getAttribute('aria-labelledby')!)?.textContent,
        ),
      );
    expect(groupNames).toEqual([vegetaTitle, groupTitle]);
    await expect(dialog.getByText('is my secret').count()).resolves.toBe(0);

    const groupHit = dialog.getByRole('group', { name: groupTitle }).getByRole('option');
    await expect(groupHit.textContent()).resolves.toMatch(/^Krillin.*Meet me at zanzibar/);
    // The part of the word the query covers is marked, and drawn so.
    const mark = groupHit.locator('mark');
    await expect(mark.textContent()).resolves.toBe(word.slice(0, 12));
    await expect(mark.isVisible()).resolves.toBe(true);
    const background = await mark.evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(background).not.toBe('rgba(0, 0, 0, 0)');
    await shots.take(page, 'message-search');

    await groupHit.click();
    await dialog.waitFor({ state: 'detached', timeout: stepTimeoutMs });
    await conversation(page, groupTitle)
      .getByRole('heading', { name: groupTitle })
      .waitFor({ timeout: stepTimeoutMs });
    await messages(page)
      .getByRole('article', { name: 'Krillin Monk' })
      .filter({ hasText: `Meet me at ${word} beach` })
      .waitFor({ timeout: stepTimeoutMs });
    // The keyboard goes on in the conversation opened: its composer.
    await page.waitForFunction(
      () =>
        document.activeElement?.closest('main') !== null &&
        document.activeElement?.tagName === 'TEXTAREA',
      undefined,
      { timeout: stepTimeoutMs },
    );
  });
});
