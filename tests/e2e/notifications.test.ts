// Notifications and mute (issue 15), in Chromium with two people against a real server. Each
// notification the page shows is recorded by wrapping window.Notification in an init script (a
// headless browser shows none), so the test sees what the person would: its title and text,
// and what a click on it does.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import {
  composer,
  conversation,
  conversationButton,
  messages,
  openConversation,
} from './support/messenger.ts';
import { freshUsPhone, onboard, stepTimeoutMs, waitForMessenger } from './support/onboarding.ts';

const e2e = useE2E();

const group = 'Capsule Corp';
const vegeta = 'Vegeta Saiyan';

/**
 * Runs in the page before its scripts: every notification shown is recorded, and clickable. Plain
 * JavaScript (a string), as the page gets it: no transpiler helpers can leak into it.
 */
const recordNotifications = {
  content: `(() => {
    const shown = [];
    const Real = window.Notification;
    class Recorded extends EventTarget {
      static get permission() { return Real.permission; }
      static requestPermission() { return Real.requestPermission(); }
      constructor(title, options) {
        super();
        shown.push({ title, body: (options && options.body) || '', target: this });
      }
      close() {}
    }
    window.Notification = Recorded;
    window.shownNotifications = shown;
  })();`,
};

type Shown = { title: string; body: string }[];
const shownOn = (page: Page): Promise<Shown> =>
  page.evaluate(() =>
    (window as unknown as { shownNotifications: Shown }).shownNotifications.map(
      ({ title, body }) => ({ title, body }),
    ),
  );

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** Waits until `page` shows `text` in the open conversation's log. */
async function seen(page: Page, text: string): Promise<void> {
  await messages(page)
    .getByRole('article')
    .filter({ hasText: text })
    .first()
    .waitFor({ timeout: stepTimeoutMs });
}

const muteButton = (page: Page, title: string, name: string) =>
  conversation(page, title).getByRole('button', { name, exact: true });
const unreadBadge = (page: Page, title: string, count: number) =>
  conversationButton(page, title).getByLabel(`${count} unread`, { exact: true });

describe('notifications', () => {
  it('notifies of a message in a conversation that is not open, not of one being read, and never of a muted one', async () => {
    const { page: ada, shots, server } = e2e;
    await ada.context().grantPermissions(['notifications'], { origin: server.url });
    await ada.context().addInitScript(recordNotifications);
    await ada.reload();
    await onboard(ada, { phone: freshUsPhone(), first: 'Ada', last: 'Byron' });
    // Allowed already: nothing to offer.
    await expect(ada.getByRole('button', { name: 'Turn on notifications' }).count()).resolves.toBe(
      0,
    );

    const alan = await e2e.openPerson('person 2');
    await onboard(alan, { phone: freshUsPhone(), first: 'Alan', last: 'Mathison' });
    await openConversation(alan, group);

    // Ada has no conversation open: one notification, titled by the group, the sender first.
    await send(alan, 'Anyone training today?');
    await unreadBadge(ada, group, 1).waitFor({ timeout: stepTimeoutMs });
    await expect(shownOn(ada)).resolves.toEqual([
      { title: group, body: 'Alan: Anyone training today?' },
    ]);

    // Clicking it opens the conversation, at the message.
    await ada.evaluate(() =>
      (
        window as unknown as { shownNotifications: { target: EventTarget }[] }
      ).shownNotifications[0]!.target.dispatchEvent(new Event('click')),
    );
    await conversation(ada, group)
      .getByRole('heading', { name: group })
      .waitFor({ timeout: stepTimeoutMs });
    await seen(ada, 'Anyone training today?');

    // Open and read in the focused window: no notification.
    await send(alan, 'Noon at the lookout.');
    await seen(ada, 'Noon at the lookout.');
    await expect(shownOn(ada)).resolves.toHaveLength(1);

    // Muted: the button says so, and with another conversation open nothing is shown; the
    // count stays in the list, grey, and leaves the title's total.
    await muteButton(ada, group, 'Mute notifications').click();
    const unmute = muteButton(ada, group, 'Unmute notifications');
    await unmute.waitFor({ timeout: stepTimeoutMs });
    await expect(unmute.getAttribute('aria-pressed')).resolves.toBe('true');
    await conversationButton(ada, group)
      .getByRole('img', { name: 'Muted' })
      .waitFor({ timeout: stepTimeoutMs });
    await openConversation(ada, vegeta);
    await send(alan, 'Bring snacks.');
    await seen(alan, 'Bring snacks.');
    const mutedBadge = unreadBadge(ada, group, 1);
    await mutedBadge.waitFor({ timeout: stepTimeoutMs });
    await expect(ada.title()).resolves.toBe('Parley');
    const colourOf = (label: string) =>
      ada.evaluate(
        (name) =>
          getComputedStyle(
            document.querySelector(`[aria-label="${name}"] > *`) ??
              document.querySelector(`[aria-label="${name}"]`)!,
          ).backgroundColor,
        label,
      );
    await expect(colourOf('1 unread')).resolves.toBe('rgb(158, 158, 158)');
    await shots.take(ada, 'muted-group');
    await expect(shownOn(ada)).resolves.toHaveLength(1);
  });

  it('keeps a mute through a reload and shows it in the person’s second window, live', async () => {
    const { page: ada } = e2e;
    await onboard(ada, { phone: freshUsPhone(), first: 'Ada', last: 'Quill' });
    await openConversation(ada, group);
    await muteButton(ada, group, 'Mute notifications').click();
    await muteButton(ada, group, 'Unmute notifications').waitFor({ timeout: stepTimeoutMs });

    // A second window of the same person (same browser profile, same session).
    const second = await ada.context().newPage();
    await second.goto(e2e.server.url);
    await waitForMessenger(second);
    await conversationButton(second, group)
      .getByRole('img', { name: 'Muted' })
      .waitFor({ timeout: stepTimeoutMs });

    await ada.reload();
    await waitForMessenger(ada);
    await conversationButton(ada, group)
      .getByRole('img', { name: 'Muted' })
      .waitFor({ timeout: stepTimeoutMs });
    await openConversation(ada, group);
    const unmute = muteButton(ada, group, 'Unmute notifications');
    await expect(unmute.getAttribute('aria-pressed')).resolves.toBe('true');

    // Unmuted here: the other window follows without a reload.
    await unmute.click();
    await muteButton(ada, group, 'Mute notifications').waitFor({ timeout: stepTimeoutMs });
    await conversationButton(second, group)
      .getByRole('img', { name: 'Muted' })
      .waitFor({ state: 'detached', timeout: stepTimeoutMs });
  });

  it('asks for permission only when the person chooses to, and remembers "Not now"', async () => {
    const { page: ada } = e2e;
    await ada.context().addInitScript(recordNotifications);
    await ada.reload();
    await onboard(ada, { phone: freshUsPhone(), first: 'Ada', last: 'Kent' });
    // Never asked on load: the browser still says "default", and the sidebar offers it.
    await expect(ada.evaluate(() => Notification.permission)).resolves.toBe('default');
    const prompt = ada.getByRole('group', { name: 'Notifications' });
    await prompt
      .getByRole('button', { name: 'Turn on notifications' })
      .waitFor({ timeout: stepTimeoutMs });
    await prompt.getByRole('button', { name: 'Not now' }).click();
    await prompt.waitFor({ state: 'detached', timeout: stepTimeoutMs });
    await ada.reload();
    await waitForMessenger(ada);
    await conversationButton(ada, group).waitFor({ timeout: stepTimeoutMs });
    await expect(prompt.count()).resolves.toBe(0);
  });
});
