// "Read by N" in a group, in Chromium with three browser contexts against a real server: the
// tick on your own group message is a Message info button that lists who read it and whose
// device has it unread, asked of the server when you look.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import {
  composer,
  conversation,
  conversationStatus,
  messages,
  openConversation,
} from './support/messenger.ts';
import { makeGroup } from './support/newChat.ts';
import { freshUsPhone, onboard, stepTimeoutMs } from './support/onboarding.ts';

const e2e = useE2E();

/** The Message info button (the tick) on the user's own bubble saying `text`. */
const infoButton = (page: Page, text: string, tick: 'Sent' | 'Delivered' | 'Read by everyone') =>
  messages(page)
    .getByRole('article', { name: 'You' })
    .filter({ hasText: text })
    .getByRole('button', { name: `${tick}. Message info`, exact: true });

const messageInfo = (page: Page) => page.getByRole('dialog', { name: 'Message info' });

/** The names a Message info list shows, in order. */
async function namesIn(page: Page, list: string): Promise<string[]> {
  const items = messageInfo(page).getByRole('list', { name: list }).getByRole('listitem');
  return items.allTextContents();
}

const isFocused = (page: Page, text: string, tick: 'Delivered' | 'Read by everyone') =>
  infoButton(page, text, tick).evaluate((element) => element === document.activeElement);

describe('read by', () => {
  it('lists who read your group message and whose device has it, and counts them again later', async () => {
    const { page: hedy, shots } = e2e;
    await onboard(hedy, { phone: freshUsPhone(), first: 'Hedy', last: 'Kiesler' });
    const claude = await e2e.openPerson('person 2');
    await onboard(claude, { phone: freshUsPhone(), first: 'Claude', last: 'Elwood' });
    const barbara = await e2e.openPerson('person 3');
    await onboard(barbara, { phone: freshUsPhone(), first: 'Barbara', last: 'Liskov' });

    // Hedy makes a group of the three.
    await makeGroup(
      hedy,
      'Frequency Hopping',
      [
        ['elwood', 'Claude Elwood'],
        ['liskov', 'Barbara Liskov'],
      ],
      [claude, barbara],
    );

    // Both windows are open on other conversations: their devices get it, nobody read it.
    await composer(hedy).fill('The patent is filed.');
    await composer(hedy).press('Enter');
    await infoButton(hedy, 'The patent is filed.', 'Delivered').waitFor({
      timeout: stepTimeoutMs,
    });

    // Claude opens the group (which reads it), then starts typing: the server handles one
    // socket's events in order, so once Hedy sees him typing his read is on the server.
    await openConversation(claude, 'Frequency Hopping');
    await composer(claude).fill('Congratulations');
    await conversationStatus(hedy, 'Frequency Hopping')
      .getByText('Claude is typing…')
      .waitFor({ timeout: stepTimeoutMs });
    // Barbara has not read it: the tick stays delivered.
    await infoButton(hedy, 'The patent is filed.', 'Delivered').waitFor();

    await infoButton(hedy, 'The patent is filed.', 'Delivered').click();
    await messageInfo(hedy)
      .getByRole('heading', { name: 'Read by 1' })
      .waitFor({ timeout: stepTimeoutMs });
    await expect(namesIn(hedy, 'Read by 1')).resolves.toEqual(['Claude Elwood']);
    await expect(namesIn(hedy, 'Delivered to 1')).resolves.toEqual(['Barbara Liskov']);
    await shots.take(hedy, 'message-info-read-by-one');

    // Escape closes it and gives the focus back to the tick.
    await hedy.keyboard.press('Escape');
    await messageInfo(hedy).waitFor({ state: 'hidden', timeout: stepTimeoutMs });
    await expect(isFocused(hedy, 'The patent is filed.', 'Delivered')).resolves.toBe(true);
    // Escape in the dialog closed only the dialog, not the conversation behind it.
    await conversation(hedy, 'Frequency Hopping').waitFor();

    // Barbara reads it too: the tick turns read, and the info, asked again, counts two.
    await openConversation(barbara, 'Frequency Hopping');
    await infoButton(hedy, 'The patent is filed.', 'Read by everyone').waitFor({
      timeout: stepTimeoutMs,
    });
    await infoButton(hedy, 'The patent is filed.', 'Read by everyone').click();
    await messageInfo(hedy)
      .getByRole('heading', { name: 'Read by 2' })
      .waitFor({ timeout: stepTimeoutMs });
    await expect(namesIn(hedy, 'Read by 2')).resolves.toEqual(['Claude Elwood', 'Barbara Liskov']);
    await messageInfo(hedy).getByRole('heading', { name: 'Delivered to 0' }).waitFor();
    await messageInfo(hedy).getByText('Nobody yet').waitFor();
    await shots.take(hedy, 'message-info-read-by-two');

    // A click outside closes it too, and the focus is back on the tick.
    await hedy.mouse.click(4, 4);
    await messageInfo(hedy).waitFor({ state: 'hidden', timeout: stepTimeoutMs });
    await expect(isFocused(hedy, 'The patent is filed.', 'Read by everyone')).resolves.toBe(true);

    // Only the author has it: Claude sees Hedy's message without one.
    await expect(
      messages(claude)
        .getByRole('button', { name: /Message info/ })
        .count(),
    ).resolves.toBe(0);
  });
});
