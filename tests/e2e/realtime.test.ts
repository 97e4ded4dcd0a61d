// Two people, two browser contexts, one group: what one does, the other sees as it happens.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import {
  composer,
  conversationButton,
  conversationStatus,
  messages,
  openConversation,
} from './support/messenger.ts';
import { freshUsPhone, onboard, stepTimeoutMs } from './support/onboarding.ts';

const e2e = useE2E();

const groupTitle = 'Capsule Corp';

const groupButton = (page: Page): Locator => conversationButton(page, groupTitle);

describe('real time', () => {
  it('two people chat in the group and see each other typing and writing', async () => {
    const { page: ada, shots } = e2e;
    await onboard(ada, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    const alan = await e2e.openPerson('person 2');
    await onboard(alan, { phone: freshUsPhone(), first: 'Alan', last: 'Turing' });
    await openConversation(ada, groupTitle);
    await openConversation(alan, groupTitle);

    // Ada types: Alan sees it in the header and as "…" in the list.
    await composer(ada).pressSequentially('Hello Al');
    await conversationStatus(alan, groupTitle)
      .getByText('Ada is typing…')
      .waitFor({ timeout: stepTimeoutMs });
    await groupButton(alan).getByText('…', { exact: true }).waitFor({ timeout: stepTimeoutMs });
    await shots.take(alan, 'alan-sees-ada-typing');

    // Ada sends: Alan sees her message under her name and picture, and the typing stops.
    await composer(ada).pressSequentially('an!');
    await composer(ada).press('Enter');
    const fromAda = messages(alan)
      .getByRole('article', { name: 'Ada Lovelace' })
      .filter({ hasText: 'Hello Alan!' });
    await fromAda.waitFor({ timeout: stepTimeoutMs });
    await expect(fromAda.getByRole('img', { name: 'Ada Lovelace' }).isVisible()).resolves.toBe(
      true,
    );
    await conversationStatus(alan, groupTitle)
      .getByText('Ada is typing…')
      .waitFor({ state: 'detached', timeout: stepTimeoutMs });

    // Alan answers: Ada sees it, and her list previews it with his first name.
    await composer(alan).pressSequentially('Hi Ada!');
    await composer(alan).press('Enter');
    await messages(ada)
      .getByRole('article', { name: 'Alan Turing' })
      .filter({ hasText: 'Hi Ada!' })
      .waitFor({ timeout: stepTimeoutMs });
    await expect(groupButton(ada).textContent()).resolves.toContain('Alan: Hi Ada!');
    await expect(groupButton(alan).textContent()).resolves.toContain('You: Hi Ada!');
    await shots.take(ada, 'ada-sees-alan');
    await shots.take(alan, 'alan-after-reply');
  });
});
