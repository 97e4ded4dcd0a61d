// Settings in Chromium against a real server (issue 15): a person renames herself and picks an
// avatar colour, and the other person sees it live; the signed-in devices, one revoked from the
// other; the theme; and signing out, which a reload does not undo.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import { composer, conversation, conversationButton, messages } from './support/messenger.ts';
import {
  codeStep,
  freshUsPhone,
  onboard,
  phoneStep,
  readSimulatedSms,
  stepTimeoutMs,
  waitForCodeStep,
  waitForMessenger,
  waitForPhoneStep,
} from './support/onboarding.ts';

const e2e = useE2E();

const settings = (page: Page): Locator => page.getByRole('dialog', { name: 'Settings' });
const newChat = (page: Page): Locator => page.getByRole('dialog');
const devices = (page: Page): Locator =>
  settings(page).getByRole('list', { name: 'Signed-in devices' });

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await settings(page).waitFor({ timeout: stepTimeoutMs });
}

async function closeSettings(page: Page): Promise<void> {
  await settings(page).getByRole('button', { name: 'Close' }).click();
  await settings(page).waitFor({ state: 'detached', timeout: stepTimeoutMs });
}

/** Signs in again with a number that has an account: phone, code, and straight to the list. */
async function signIn(page: Page, phone: string): Promise<void> {
  await waitForPhoneStep(page);
  await phoneStep.phone(page).pressSequentially(phone);
  await phoneStep.next(page).click();
  await waitForCodeStep(page);
  await codeStep.code(page).pressSequentially(await readSimulatedSms(page));
  await waitForMessenger(page);
}

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** Picks someone by name in the open New chat dialog's search. */
async function pick(page: Page, query: string, name: string): Promise<void> {
  await newChat(page).getByRole('searchbox', { name: 'Name or phone number' }).fill(query);
  await newChat(page)
    .getByRole('list', { name: 'People found' })
    .getByRole('button', { name })
    .click();
}

const backgroundOf = (locator: Locator): Promise<string> =>
  locator.evaluate((element) => getComputedStyle(element).backgroundColor);

/** Relative brightness (0 black, 1 white) of a computed `rgb(r, g, b)` colour. */
function brightness(rgb: string): number {
  const [r = 0, g = 0, b = 0] = (rgb.match(/\d+/g) ?? []).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

describe('settings', () => {
  it('renames and recolours a person, and the other person sees it live', async () => {
    const { page: hedy, shots } = e2e;
    await onboard(hedy, { phone: freshUsPhone(), first: 'Hedy', last: 'Lamarr' });
    const george = await e2e.openPerson('person 2');
    await onboard(george, { phone: freshUsPhone(), first: 'George', last: 'Antheil' });

    // A DM and a group between them, each with a message from Hedy.
    await hedy.getByRole('button', { name: 'New chat' }).click();
    await pick(hedy, 'anthe', 'George Antheil');
    await conversation(hedy, 'George Antheil').waitFor({ timeout: stepTimeoutMs });
    await send(hedy, 'About the piano rolls');
    await hedy.getByRole('button', { name: 'New chat' }).click();
    await newChat(hedy).getByRole('button', { name: 'New group' }).click();
    await pick(hedy, 'anthe', 'George Antheil');
    await newChat(hedy).getByRole('button', { name: 'Next' }).click();
    await newChat(hedy).getByRole('textbox', { name: 'Group name' }).fill('Frequency Hopping');
    await newChat(hedy).getByRole('button', { name: 'Create group' }).click();
    await conversation(hedy, 'Frequency Hopping').waitFor({ timeout: stepTimeoutMs });
    await send(hedy, 'Eighty-eight channels');
    await conversationButton(george, 'Frequency Hopping').click();
    const hedysMessage = (name: string) =>
      messages(george).getByRole('article', { name }).filter({ hasText: 'Eighty-eight channels' });
    await hedysMessage('Hedy Lamarr').waitFor({ timeout: stepTimeoutMs });

    await openSettings(hedy);
    const first = settings(hedy).getByRole('textbox', { name: 'First name' });
    await expect(first.inputValue()).resolves.toBe('Hedy');
    // The onboarding rules: a name of two characters is refused, and the field says why.
    await first.fill('Hy');
    await settings(hedy).getByRole('button', { name: 'Save' }).click();
    await settings(hedy).getByText('At least 3 characters.').waitFor({ timeout: stepTimeoutMs });
    await first.fill('Hedwig');
    await settings(hedy).getByRole('button', { name: 'Save' }).click();
    await settings(hedy)
      .getByRole('status')
      .getByText('Saved.')
      .waitFor({ timeout: stepTimeoutMs });
    await expect(settings(hedy).getByText('At least 3 characters.').count()).resolves.toBe(0);

    // George sees the new name without a reload: the DM's title and her message in the group.
    await conversationButton(george, 'Hedwig Lamarr').waitFor({ timeout: stepTimeoutMs });
    await hedysMessage('Hedwig Lamarr').waitFor({ timeout: stepTimeoutMs });

    // A colour: picked from named swatches, and George's list draws her avatar in it.
    const green = settings(hedy).getByRole('radio', { name: 'Green' });
    await green.check();
    await expect(green.isChecked()).resolves.toBe(true);
    await shots.take(hedy, 'settings-profile');
    const avatar = conversationButton(george, 'Hedwig Lamarr').getByRole('img', {
      name: 'Hedwig Lamarr',
    });
    await expect
      .poll(() => backgroundOf(avatar), { timeout: stepTimeoutMs })
      .toBe('rgb(46, 125, 50)');
    await closeSettings(hedy);

    // Saved on the server: after a reload the dialog opens with the new name and colour.
    await hedy.reload();
    await waitForMessenger(hedy);
    await openSettings(hedy);
    await expect(first.inputValue()).resolves.toBe('Hedwig');
    await expect(green.isChecked()).resolves.toBe(true);

    // Being found by phone: off until she turns it on, and then on after a reload too.
    const findable = settings(hedy).getByRole('switch', {
      name: 'Let people find me by my phone number',
    });
    await expect(findable.isChecked()).resolves.toBe(false);
    await findable.check();
    await expect.poll(() => findable.isDisabled()).toBe(false);
    await expect(findable.isChecked()).resolves.toBe(true);
    await hedy.reload();
    await waitForMessenger(hedy);
    await openSettings(hedy);
    await expect.poll(() => findable.isChecked()).toBe(true);
  });

  it('lists the signed-in devices and revokes another, which goes back to onboarding', async () => {
    const { page: laptop, shots } = e2e;
    const phone = freshUsPhone();
    await onboard(laptop, { phone, first: 'Radia', last: 'Perlman' });
    const desktop = await e2e.openPerson('second device');
    await signIn(desktop, phone);

    await openSettings(laptop);
    const rows = devices(laptop).getByRole('listitem');
    await expect.poll(() => rows.count(), { timeout: stepTimeoutMs }).toBe(2);
    // This device is marked and signs out rather than being revoked; the other can be revoked.
    await devices(laptop)
      .getByText(/\(This device\)$/)
      .waitFor();
    const revoke = devices(laptop).getByRole('button', { name: /^Revoke / });
    await expect(revoke.count()).resolves.toBe(1);
    await shots.take(laptop, 'settings-devices');
    await revoke.click();

    await settings(laptop)
      .getByRole('status')
      .getByText('That device is signed out.')
      .waitFor({ timeout: stepTimeoutMs });
    await expect(rows.count()).resolves.toBe(1);
    // The other device is back at onboarding, and stays there after a reload.
    await waitForPhoneStep(desktop);
    await desktop.reload();
    await waitForPhoneStep(desktop);
    // This one is still signed in.
    await closeSettings(laptop);
    await laptop.reload();
    await waitForMessenger(laptop);
  });

  it('uploads a picture that the other person sees, from the server, and removes it', async () => {
    const { page: ada, shots } = e2e;
    await onboard(ada, { phone: freshUsPhone(), first: 'Ada', last: 'Yonath' });
    const tom = await e2e.openPerson('person 2');
    await onboard(tom, { phone: freshUsPhone(), first: 'Thomas', last: 'Steitz' });
    await ada.getByRole('button', { name: 'New chat' }).click();
    await pick(ada, 'steitz', 'Thomas Steitz');
    await conversation(ada, 'Thomas Steitz').waitFor({ timeout: stepTimeoutMs });
    await send(ada, 'Ribosome time');
    const row = conversationButton(tom, 'Ada Yonath');
    await row.waitFor({ timeout: stepTimeoutMs });

    await openSettings(ada);
    // A picture larger than the upload limit, in a format the server never stores as is: the
    // app scales it to 256 px and encodes it again.
    const picture = await ada.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 600;
      canvas.height = 400;
      const context = canvas.getContext('2d')!;
      // Noise does not compress: the PNG is far over the limit.
      const pixels = context.createImageData(600, 400);
      for (let i = 0; i < pixels.data.length; i += 1) {
        pixels.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256);
      }
      context.putImageData(pixels, 0, 0);
      const blob = await new Promise<Blob>((resolve) =>
        canvas.toBlob((b) => resolve(b!), 'image/png'),
      );
      return [...new Uint8Array(await blob.arrayBuffer())];
    });
    expect(picture.length).toBeGreaterThan(48 * 1024);
    await settings(ada)
      .getByLabel('Upload picture')
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: Buffer.from(picture) });
    await settings(ada)
      .getByRole('button', { name: 'Remove picture' })
      .waitFor({ timeout: stepTimeoutMs });
    await shots.take(ada, 'settings-picture');

    // Tom's list shows it, loaded from the chat server's /avatars/ route.
    const image = row.locator('img');
    await image.waitFor({ timeout: stepTimeoutMs });
    const src = await image.getAttribute('src');
    expect(new URL(src ?? '').pathname).toMatch(/^\/avatars\/[^/]+\/[0-9a-f]{64}$/);
    expect(new URL(src ?? '').origin).toBe(new URL(e2e.server.url).origin);
    await expect
      .poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth))
      .toBe(256);
    await expect(row.getByRole('img', { name: 'Ada Yonath' }).count()).resolves.toBe(1);

    // Something that is not a picture is refused, and the picture stays.
    await settings(ada)
      .getByLabel('Upload picture')
      .setInputFiles({ name: 'evil.png', mimeType: 'image/png', buffer: Buffer.from('<svg/>') });
    await settings(ada)
      .getByText(/could not be read as a picture/)
      .waitFor({ timeout: stepTimeoutMs });
    await expect(image.getAttribute('src')).resolves.toBe(src);

    await settings(ada).getByRole('button', { name: 'Remove picture' }).click();
    await image.waitFor({ state: 'detached', timeout: stepTimeoutMs });
    await row.getByRole('img', { name: 'Ada Yonath' }).getByText('AY').waitFor();
  });

  it('applies the chosen theme, and signing out returns to onboarding for good', async () => {
    const { page, shots } = e2e;
    await onboard(page, { phone: freshUsPhone(), first: 'Frances', last: 'Allen' });
    const body = page.locator('body');
    expect(brightness(await backgroundOf(body))).toBeGreaterThan(0.8);

    await openSettings(page);
    const theme = settings(page).getByRole('radiogroup', { name: 'Theme' });
    await expect(theme.getByRole('radio', { name: 'System' }).isChecked()).resolves.toBe(true);
    await theme.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(async () => brightness(await backgroundOf(body))).toBeLessThan(0.2);
    await shots.take(page, 'settings-dark');
    await closeSettings(page);
    // Kept on the device: still dark after a reload, whatever the system prefers.
    await page.reload();
    await waitForMessenger(page);
    expect(brightness(await backgroundOf(body))).toBeLessThan(0.2);

    // System follows the OS's preference, also as it changes.
    await openSettings(page);
    await theme.getByRole('radio', { name: 'System' }).check();
    await expect.poll(async () => brightness(await backgroundOf(body))).toBeGreaterThan(0.8);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(async () => brightness(await backgroundOf(body))).toBeLessThan(0.2);
    await page.emulateMedia({ colorScheme: 'light' });
    await theme.getByRole('radio', { name: 'Light' }).check();

    await settings(page).getByRole('button', { name: 'Sign out', exact: true }).click();
    await waitForPhoneStep(page);
    await page.reload();
    await waitForPhoneStep(page);
  });
});
