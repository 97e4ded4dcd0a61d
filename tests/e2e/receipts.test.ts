// Delivery and read receipts in Chromium with two browser contexts against a real server: the
// ticks on your own message go from one (the server has it) to two (the other person's device
// has it) to coloured (they read it), live and after a reload.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import { composer, conversation, messages, openConversation } from './support/messenger.ts';
import { found, searchField, startNewChat } from './support/newChat.ts';
import { freshUsPhone, onboard, stepTimeoutMs } from './support/onboarding.ts';

const e2e = useE2E();

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** The tick icon on the user's own bubble saying `text`, by its accessible name. */
const ticks = (page: Page, text: string, name: 'Sent' | 'Delivered' | 'Read') =>
  messages(page)
    .getByRole('article', { name: 'You' })
    .filter({ hasText: text })
    .getByRole('img', { name, exact: true });

describe('receipts', () => {
  it('shows sent, delivered to the other device, then read, and keeps them through a reload', async () => {
    const { page: ada, shots } = e2e;
    await onboard(ada, { phone: freshUsPhone(), first: 'Ada', last: 'Byron' });
    const alan = await e2e.openPerson('person 2');
    await onboard(alan, { phone: freshUsPhone(), first: 'Alan', last: 'Mathison' });

    // Ada starts a DM with Alan.
    await startNewChat(ada);
    await searchField(ada).fill('Alan Mathison');
    await found(ada, 'Alan Mathison').click();
    await conversation(ada, 'Alan Mathison').waitFor({ timeout: stepTimeoutMs });

    // Alan's window is open, on another conversation: his device gets it, he has not read it.
    await send(ada, 'Are you there?');
    await ticks(ada, 'Are you there?', 'Delivered').waitFor({ timeout: stepTimeoutMs });
    // One status at a time: the single tick gave way to the double.
    await expect(ticks(ada, 'Are you there?', 'Sent').count()).resolves.toBe(0);
    await shots.take(ada, 'receipt-delivered');

    // Alan's window goes away: Ada's next message stays at one tick (the server has it).
    const appUrl = alan.url();
    await alan.goto('about:blank');
    await send(ada, 'Hello?');
    await ticks(ada, 'Hello?', 'Sent').waitFor({ timeout: stepTimeoutMs });
    await shots.take(ada, 'receipt-sent');

    // Alan comes back: the sync brings the message to his device, then he reads both.
    await alan.goto(appUrl);
    await ticks(ada, 'Hello?', 'Delivered').waitFor({ timeout: stepTimeoutMs });
    await openConversation(alan, 'Ada Byron');
    await ticks(ada, 'Are you there?', 'Read').waitFor({ timeout: stepTimeoutMs });
    await ticks(ada, 'Hello?', 'Read').waitFor({ timeout: stepTimeoutMs });
    await shots.take(ada, 'receipt-read');
    await expect(ticks(ada, 'Hello?', 'Delivered').count()).resolves.toBe(0);

    // The server keeps them: a reload shows them read.
    await ada.reload();
    await openConversation(ada, 'Alan Mathison');
    await ticks(ada, 'Hello?', 'Read').waitFor({ timeout: stepTimeoutMs });
  });

  it('reads a message to Vegeta at once: the imaginary characters have no devices to wait for', async () => {
    const { page } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Grace', last: 'Hopper' });
    await openConversation(page, 'Vegeta Saiyan');
    await send(page, 'Kakarot is late again.');
    await ticks(page, 'Kakarot is late again.', 'Read').waitFor({ timeout: stepTimeoutMs });
    await expect(ticks(page, 'Kakarot is late again.', 'Sent').count()).resolves.toBe(0);
  });
});
