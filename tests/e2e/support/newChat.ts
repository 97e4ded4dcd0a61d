// The New chat dialog, as the e2e tests drive it: by role and accessible name.
import type { Page } from 'playwright-core';
import { conversation, conversationButton } from './messenger.ts';
import { stepTimeoutMs } from './onboarding.ts';

export const dialog = (page: Page) => page.getByRole('dialog');

export const searchField = (page: Page) =>
  dialog(page).getByRole('searchbox', { name: 'Name or phone number' });

export const found = (page: Page, name: string) =>
  dialog(page).getByRole('list', { name: 'People found' }).getByRole('button', { name });

/** Opens New chat and waits for its first step. */
export async function startNewChat(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'New chat' }).click();
  await dialog(page)
    .getByRole('heading', { name: 'New message' })
    .waitFor({ timeout: stepTimeoutMs });
}

/**
 * `admin` makes a group titled `title` of the people found by each `[query, name]`, and waits
 * until it is open for the admin and listed for each of `members`.
 */
export async function makeGroup(
  admin: Page,
  title: string,
  people: readonly (readonly [query: string, name: string])[],
  members: readonly Page[],
): Promise<void> {
  await startNewChat(admin);
  await dialog(admin).getByRole('button', { name: 'New group' }).click();
  for (const [query, name] of people) {
    await searchField(admin).fill(query);
    await found(admin, name).click();
  }
  await dialog(admin).getByRole('button', { name: 'Next' }).click();
  await dialog(admin).getByRole('textbox', { name: 'Group name' }).fill(title);
  await dialog(admin).getByRole('button', { name: 'Create group' }).click();
  await conversation(admin, title).waitFor({ timeout: stepTimeoutMs });
  for (const member of members) {
    await conversationButton(member, title).waitFor({ timeout: stepTimeoutMs });
  }
}
