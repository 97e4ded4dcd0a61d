// A signed-in person who reloads the page lands back in the messenger: the session token was
// saved by the platform and restored on start-up, with no onboarding in between.
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import {
  conversationList,
  freshUsPhone,
  onboard,
  phoneStep,
  waitForMessenger,
} from './support/onboarding.ts';

const e2e = useE2E();

describe('session', () => {
  it('restores the signed-in person after a reload', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Katherine', last: 'Johnson' }, shots);

    await page.reload();
    await waitForMessenger(page);
    await shots.take(page, 'messenger-after-reload');
    await expect(phoneStep.phone(page).count()).resolves.toBe(0);
    await expect(
      conversationList(page).getByText('Capsule Corp').first().isVisible(),
    ).resolves.toBe(true);
  });

  it('keeps people apart: a new browser context starts at onboarding', async () => {
    const { page } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Dorothy', last: 'Vaughan' });
    const stranger = await e2e.openPerson('person 2');
    await phoneStep.phone(stranger).waitFor({ state: 'visible' });
    await expect(conversationList(stranger).count()).resolves.toBe(0);
  });
});
