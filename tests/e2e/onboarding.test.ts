// Onboarding in a real browser against a real server: bad input at every step is refused where
// the person can see it, then the happy path ends in the messenger.
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import {
  codeStep,
  conversationList,
  freshUsPhone,
  nameStep,
  onboard,
  phoneStep,
  readSimulatedSms,
  stepTimeoutMs,
  waitForCodeStep,
  waitForMessenger,
  waitForNameStep,
  waitForPhoneStep,
} from './support/onboarding.ts';

const e2e = useE2E();

describe('onboarding', () => {
  it('refuses bad input at every step, keeps what was typed, then signs the person in', async () => {
    const { page, shots } = e2e;
    await waitForPhoneStep(page);
    await expect(phoneStep.country(page).inputValue()).resolves.toContain('+1');
    await expect(phoneStep.next(page).isDisabled()).resolves.toBe(true);

    // Letters and symbols never reach the field; hyphens appear as the number takes shape.
    const phone = freshUsPhone();
    await phoneStep.phone(page).pressSequentially(`${phone.slice(0, 3)}ab c!@#${phone.slice(3)}`);
    await expect(phoneStep.phone(page).inputValue()).resolves.toBe(
      `${phone.slice(0, 3)}-${phone.slice(3, 6)}-${phone.slice(6)}`,
    );

    // An invalid number (right length, impossible area code) keeps Next disabled.
    await phoneStep.phone(page).fill('');
    await phoneStep.phone(page).pressSequentially('1234567890');
    await expect(phoneStep.next(page).isDisabled()).resolves.toBe(true);
    await expect(
      page.getByText('Not a valid number for this country yet.').isVisible(),
    ).resolves.toBe(true);
    await shots.take(page, 'phone-invalid');

    await phoneStep.phone(page).fill('');
    await phoneStep.phone(page).pressSequentially(phone);
    await expect(phoneStep.next(page).isEnabled()).resolves.toBe(true);
    await phoneStep.next(page).click();

    await waitForCodeStep(page);
    const code = await readSimulatedSms(page);
    await expect(codeStep.resend(page).isDisabled()).resolves.toBe(true);
    await expect(page.getByText(/You can resend in 0:\d\d/).isVisible()).resolves.toBe(true);

    // Letters and symbols in the code are dropped.
    await codeStep.code(page).pressSequentially('1a-2');
    await expect(codeStep.code(page).inputValue()).resolves.toBe('12');

    // A wrong code: stays on the step, clears the field, says how many tries are left.
    await codeStep.code(page).fill('');
    const wrong = code === '000000' ? '111111' : '000000';
    await codeStep.code(page).pressSequentially(wrong);
    const wrongCodeAlert = page.getByRole('alert').filter({ hasText: '4 tries left' });
    await wrongCodeAlert.waitFor({ state: 'visible' });
    await expect(codeStep.code(page).inputValue()).resolves.toBe('');
    await shots.take(page, 'code-wrong');

    await codeStep.code(page).pressSequentially(code);
    await waitForNameStep(page);

    // A two-letter name is refused with a hint; Finish stays disabled until both are long enough.
    await nameStep.first(page).pressSequentially('Al');
    await nameStep.last(page).pressSequentially('Turing');
    await expect(nameStep.finish(page).isDisabled()).resolves.toBe(true);
    await expect(page.getByText('At least 3 characters.').isVisible()).resolves.toBe(true);
    await shots.take(page, 'name-too-short');
    await nameStep.first(page).press('End');
    await nameStep.first(page).pressSequentially('an');
    await expect(nameStep.first(page).inputValue()).resolves.toBe('Alan');
    await expect(nameStep.finish(page).isEnabled()).resolves.toBe(true);
    await nameStep.finish(page).click();

    await waitForMessenger(page);
    await expect(conversationList(page).getByText('Vegeta').first().isVisible()).resolves.toBe(
      true,
    );
    await shots.take(page, 'messenger');
  });

  it('typing an international number key by key switches the country and keeps the number', async () => {
    const { page, shots } = e2e;
    await waitForPhoneStep(page);
    await expect(phoneStep.country(page).inputValue()).resolves.toContain('+1');
    // Typed, not pasted: each key is its own change, the "+" first.
    await phoneStep.phone(page).pressSequentially('+44 20 7946');
    await expect(phoneStep.phone(page).inputValue()).resolves.toBe('+44 20 7946');
    await phoneStep.phone(page).pressSequentially(' 0958');
    // The switch is a render after the last key: waited for, not read at once (a loaded machine
    // draws it a frame later).
    await expect
      .poll(() => phoneStep.country(page).inputValue(), { timeout: stepTimeoutMs })
      .toContain('United Kingdom +44');
    await expect
      .poll(() => phoneStep.phone(page).inputValue(), { timeout: stepTimeoutMs })
      .toBe('20-7946-0958');
    await expect(phoneStep.next(page).isEnabled()).resolves.toBe(true);
    await shots.take(page, 'typed-international');
    await phoneStep.next(page).click();
    await waitForCodeStep(page);
    await expect(page.getByText('+44 20-7946-0958').first().isVisible()).resolves.toBe(true);
  });

  it('stops showing the simulated SMS code once too many wrong codes killed it', async () => {
    const { page, shots } = e2e;
    await waitForPhoneStep(page);
    await phoneStep.phone(page).pressSequentially(freshUsPhone());
    await phoneStep.next(page).click();
    await waitForCodeStep(page);
    const code = await readSimulatedSms(page);
    const wrong = code === '000000' ? '111111' : '000000';
    for (const left of ['4 tries left', '3 tries left', '2 tries left', '1 try left']) {
      await codeStep.code(page).pressSequentially(wrong);
      await page.getByRole('alert').filter({ hasText: left }).waitFor({ state: 'visible' });
    }
    await codeStep.code(page).pressSequentially(wrong);
    await page
      .getByRole('alert')
      .filter({ hasText: 'Too many wrong codes' })
      .waitFor({ state: 'visible' });
    await expect(codeStep.simulatedSms(page).count()).resolves.toBe(0);
    await expect(page.getByText(code).count()).resolves.toBe(0);
    // Typing clears the message, not the code's death: the dead code stays hidden.
    await codeStep.code(page).pressSequentially('1');
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await expect(codeStep.simulatedSms(page).count()).resolves.toBe(0);
    await expect(page.getByText(code).count()).resolves.toBe(0);
    await shots.take(page, 'dead-code-hidden');
  });

  it('goes back to change the number, keeping it', async () => {
    const { page, shots } = e2e;
    const phone = freshUsPhone();
    await waitForPhoneStep(page);
    await phoneStep.phone(page).pressSequentially(phone);
    await phoneStep.next(page).click();
    await waitForCodeStep(page);
    await codeStep.changeNumber(page).click();
    await waitForPhoneStep(page);
    await expect(phoneStep.phone(page).inputValue()).resolves.toBe(
      `${phone.slice(0, 3)}-${phone.slice(3, 6)}-${phone.slice(6)}`,
    );
    await shots.take(page, 'phone-kept');
  });

  it('onboards in one go with the helper (the path other suites start from)', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Grace', last: 'Hopper' }, shots);
    await expect(page.getByRole('textbox', { name: 'Phone number' }).count()).resolves.toBe(0);
  });
});
