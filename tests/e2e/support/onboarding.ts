// Onboarding as a person does it, by role and accessible name (the UI contract of issue 4), with
// waits named for what they wait on.
import type { Locator, Page } from 'playwright-core';
import type { Screenshots } from './artifacts.ts';

/** How long a named wait may take before the test fails with that name. */
export const stepTimeoutMs = 15_000;

export const phoneStep = {
  country: (page: Page): Locator => page.getByRole('combobox', { name: 'Country' }),
  phone: (page: Page): Locator => page.getByRole('textbox', { name: 'Phone number' }),
  next: (page: Page): Locator => page.getByRole('button', { name: 'Next', exact: true }),
};

export const codeStep = {
  code: (page: Page): Locator => page.getByRole('textbox', { name: 'Verification code' }),
  resend: (page: Page): Locator => page.getByRole('button', { name: 'Resend code', exact: true }),
  changeNumber: (page: Page): Locator =>
    page.getByRole('button', { name: 'Change number', exact: true }),
  simulatedSms: (page: Page): Locator =>
    page.getByRole('status').filter({ hasText: 'Simulated SMS' }),
};

export const nameStep = {
  first: (page: Page): Locator => page.getByRole('textbox', { name: 'First name' }),
  last: (page: Page): Locator => page.getByRole('textbox', { name: 'Last name' }),
  finish: (page: Page): Locator => page.getByRole('button', { name: 'Finish', exact: true }),
};

/** The signed-in screen: the list of conversations. */
export const conversationList = (page: Page): Locator =>
  page.getByRole('list', { name: 'Conversations' });

export async function waitForPhoneStep(page: Page): Promise<void> {
  await phoneStep.phone(page).waitFor({ state: 'visible', timeout: stepTimeoutMs });
}

export async function waitForCodeStep(page: Page): Promise<void> {
  await codeStep.code(page).waitFor({ state: 'visible', timeout: stepTimeoutMs });
}

export async function waitForNameStep(page: Page): Promise<void> {
  await nameStep.first(page).waitFor({ state: 'visible', timeout: stepTimeoutMs });
}

export async function waitForMessenger(page: Page): Promise<void> {
  await conversationList(page).waitFor({ state: 'visible', timeout: stepTimeoutMs });
}

/** Waits for the simulated SMS on the code step and returns its 6-digit code. */
export async function readSimulatedSms(page: Page): Promise<string> {
  const notice = codeStep.simulatedSms(page);
  await notice.waitFor({ state: 'visible', timeout: stepTimeoutMs });
  const text = (await notice.textContent()) ?? '';
  const code = /(\d{6})/.exec(text)?.[1];
  if (!code) throw new Error(`the simulated SMS has no 6-digit code: "${text}"`);
  return code;
}

/** Picks a country in the "Country" picker by searching its name. */
export async function chooseCountry(page: Page, name: string): Promise<void> {
  const country = phoneStep.country(page);
  await country.click();
  await country.fill(name);
  await page
    .getByRole('option', { name: new RegExp(name) })
    .first()
    .click();
}

export interface Person {
  /** National digits as typed (`4155550132`), in `country` (the locale's default when absent). */
  phone: string;
  country?: string;
  first: string;
  last: string;
}

/**
 * Onboards a new person from the phone step to the messenger, typing like a person and reading
 * the code from the simulated SMS. Screenshots each screen when `shots` is given.
 */
export async function onboard(page: Page, person: Person, shots?: Screenshots): Promise<void> {
  await waitForPhoneStep(page);
  if (person.country) await chooseCountry(page, person.country);
  await phoneStep.phone(page).pressSequentially(person.phone);
  await shots?.take(page, 'phone');
  await phoneStep.next(page).click();

  await waitForCodeStep(page);
  const code = await readSimulatedSms(page);
  await shots?.take(page, 'code');
  await codeStep.code(page).pressSequentially(code);

  await waitForNameStep(page);
  await nameStep.first(page).pressSequentially(person.first);
  await nameStep.last(page).pressSequentially(person.last);
  await shots?.take(page, 'name');
  await nameStep.finish(page).click();

  await waitForMessenger(page);
  await shots?.take(page, 'messenger');
}

let phoneCounter = 0;
/** A distinct valid US number per call within a run (+1 415-555-01xx is valid in the metadata). */
export function freshUsPhone(): string {
  phoneCounter += 1;
  return `41555501${String(phoneCounter % 100).padStart(2, '0')}`;
}
