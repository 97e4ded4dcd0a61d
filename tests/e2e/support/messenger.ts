// The messenger as a person sees it, by role and accessible name: the conversation list's rows,
// the open conversation, its messages and the composer.
import type { Locator, Page } from 'playwright-core';
import { conversationRowName } from '../../unit/support/conversationRows.ts';
import { conversationList, stepTimeoutMs } from './onboarding.ts';

/** A conversation's row in the list, by its title (its name starts with it; see the helper). */
export const conversationButton = (page: Page, title: string): Locator =>
  conversationList(page).getByRole('button', { name: conversationRowName(title) });
export const messages = (page: Page): Locator => page.getByRole('log', { name: 'Messages' });
export const composer = (page: Page): Locator => page.getByRole('textbox', { name: 'Message' });
/** The open conversation (a region named by its title). */
export const conversation = (page: Page, title: string): Locator =>
  page.getByRole('region', { name: title });
/** Under the title: who is in the conversation, or who is typing. */
export const conversationStatus = (page: Page, title: string): Locator =>
  conversation(page, title).getByRole('status');

/** Opens a conversation from the list and waits for its view. */
export async function openConversation(page: Page, title: string): Promise<void> {
  await conversationButton(page, title).click();
  await conversation(page, title)
    .getByRole('heading', { name: title })
    .waitFor({ timeout: stepTimeoutMs });
}

/** Types and sends with Enter, then waits until the server has confirmed it. */
export async function send(page: Page, text: string): Promise<void> {
  await composer(page).pressSequentially(text);
  await composer(page).press('Enter');
  await messages(page)
    .getByRole('article')
    .filter({ hasText: text })
    .waitFor({ timeout: stepTimeoutMs });
  await messages(page)
    .getByRole('img', { name: 'Sending' })
    .first()
    .waitFor({ state: 'detached', timeout: stepTimeoutMs });
}
