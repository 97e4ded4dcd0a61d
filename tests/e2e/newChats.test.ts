// Conversations people make, in Chromium with two and three browser contexts against a real
// server: two people who just signed up find each other, talk in a DM, and make a group that
// reaches every member live.
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
import { dialog, found, makeGroup, searchField, startNewChat } from './support/newChat.ts';
import { freshUsPhone, onboard, stepTimeoutMs } from './support/onboarding.ts';

const e2e = useE2E();

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

describe('new chats', () => {
  it('two people who just signed up find each other by name and talk in a DM', async () => {
    const { page: ada, shots } = e2e;
    await onboard(ada, { phone: freshUsPhone(), first: 'Ada', last: 'Byron' });
    const alan = await e2e.openPerson('person 2');
    const alanPhone = freshUsPhone();
    await onboard(alan, { phone: alanPhone, first: 'Alan', last: 'Mathison' });

    await startNewChat(ada);
    // Nobody is found by a number they did not make findable: the same answer as no account.
    await searchField(ada).fill(`+1 ${alanPhone}`);
    await dialog(ada)
      .getByText(/^Nobody found/)
      .waitFor({ timeout: stepTimeoutMs });

    await searchField(ada).fill('mathi');
    await found(ada, 'Alan Mathison').waitFor({ timeout: stepTimeoutMs });
    await shots.take(ada, 'new-chat-search');
    await found(ada, 'Alan Mathison').click();

    // The DM opens at once for Ada, titled by the other person, and the dialog is gone.
    await conversation(ada, 'Alan Mathison')
      .getByRole('heading', { name: 'Alan Mathison' })
      .waitFor({ timeout: stepTimeoutMs });
    await dialog(ada).waitFor({ state: 'detached', timeout: stepTimeoutMs });
    // Alan's list has it too, without a reload, before anything is said.
    await conversationButton(alan, 'Ada Byron').waitFor({ timeout: stepTimeoutMs });

    await send(ada, 'Hello Alan, found you!');
    await openConversation(alan, 'Ada Byron');
    await messages(alan)
      .getByRole('article', { name: 'Ada Byron' })
      .filter({ hasText: 'Hello Alan, found you!' })
      .waitFor({ timeout: stepTimeoutMs });
    // Between people there is no bot: the second message is Ada's too, never Vegeta's.
    await send(ada, 'Still me.');
    await messages(alan)
      .getByRole('article', { name: 'Ada Byron' })
      .filter({ hasText: 'Still me.' })
      .waitFor({ timeout: stepTimeoutMs });
    await send(alan, 'Hi Ada!');
    await messages(ada)
      .getByRole('article', { name: 'Alan Mathison' })
      .filter({ hasText: 'Hi Ada!' })
      .waitFor({ timeout: stepTimeoutMs });
    await shots.take(ada, 'dm-between-people');

    // Starting it again from the other side opens the same conversation, not a second one.
    await startNewChat(alan);
    await searchField(alan).fill('ada byr');
    await found(alan, 'Ada Byron').click();
    await conversation(alan, 'Ada Byron').waitFor({ timeout: stepTimeoutMs });
    await expect(conversationButton(alan, 'Ada Byron').count()).resolves.toBe(1);

    // After a reload the DM is still there for both, with its history.
    await ada.reload();
    await openConversation(ada, 'Alan Mathison');
    await messages(ada).getByText('Hi Ada!').waitFor({ timeout: stepTimeoutMs });
  });

  it('keeps unread counts on the server: through a reload, in other windows, with a New messages line', async () => {
    const { page: kay, shots } = e2e;
    await onboard(kay, { phone: freshUsPhone(), first: 'Kay', last: 'Antcliff' });
    const john = await e2e.openPerson('person 2');
    await onboard(john, { phone: freshUsPhone(), first: 'John', last: 'Backus' });
    await startNewChat(kay);
    await searchField(kay).fill('backus');
    await found(kay, 'John Backus').click();
    await conversation(kay, 'John Backus').waitFor({ timeout: stepTimeoutMs });
    for (const text of ['One', 'Two', 'Three']) await send(kay, text);

    const unread = (page: Page) => conversationButton(page, 'Kay Antcliff').getByLabel(/unread$/);
    await unread(john).getByText('3').waitFor({ timeout: stepTimeoutMs });
    // The window's title counts every unread message (Vegeta's opening line is one too).
    await expect(john.title()).resolves.toBe('(4) Parley');
    // The count is the server's: a reload brings it back.
    await john.reload();
    await unread(john).getByText('3').waitFor({ timeout: stepTimeoutMs });
    // A second window of John's (same session) shows it too, and sees it cleared live.
    const johnsOtherWindow = await john.context().newPage();
    await johnsOtherWindow.goto(john.url());
    await unread(johnsOtherWindow).getByText('3').waitFor({ timeout: stepTimeoutMs });

    await openConversation(john, 'Kay Antcliff');
    const line = messages(john).getByRole('separator', { name: 'New messages' });
    await line.waitFor({ timeout: stepTimeoutMs });
    // The line sits right above the first unread message.
    const [lineBox, firstBox] = await Promise.all([
      line.boundingBox(),
      messages(john).getByRole('article').filter({ hasText: 'One' }).boundingBox(),
    ]);
    expect(lineBox && firstBox && lineBox.y < firstBox.y).toBe(true);
    await shots.take(john, 'new-messages-line');
    await unread(john).waitFor({ state: 'detached', timeout: stepTimeoutMs });
    await unread(johnsOtherWindow).waitFor({ state: 'detached', timeout: stepTimeoutMs });
    await expect(johnsOtherWindow.title()).resolves.toBe('(1) Parley');
    await johnsOtherWindow.reload();
    await conversationButton(johnsOtherWindow, 'Kay Antcliff').waitFor({ timeout: stepTimeoutMs });
    await expect(unread(johnsOtherWindow).count()).resolves.toBe(0);
  });

  it('makes a group with a title that reaches every member live', async () => {
    const { page: grace, shots } = e2e;
    await onboard(grace, { phone: freshUsPhone(), first: 'Grace', last: 'Brewster' });
    const linus = await e2e.openPerson('person 2');
    await onboard(linus, { phone: freshUsPhone(), first: 'Linus', last: 'Pauling' });
    const rosalind = await e2e.openPerson('person 3');
    await onboard(rosalind, { phone: freshUsPhone(), first: 'Rosalind', last: 'Elsie' });

    await startNewChat(grace);
    await dialog(grace).getByRole('button', { name: 'New group' }).click();
    await dialog(grace).getByRole('heading', { name: 'New group' }).waitFor();
    const next = dialog(grace).getByRole('button', { name: 'Next' });
    await expect(next.isDisabled()).resolves.toBe(true);
    await searchField(grace).fill('paul');
    await found(grace, 'Linus Pauling').click();
    await searchField(grace).fill('rosa');
    await found(grace, 'Rosalind Elsie').click();
    // Both stay picked while the search changes.
    const picked = dialog(grace).getByRole('list', { name: 'Picked' });
    await picked.getByText('Linus Pauling').waitFor();
    await picked.getByText('Rosalind Elsie').waitFor();
    await shots.take(grace, 'new-group-members');
    await next.click();

    const create = dialog(grace).getByRole('button', { name: 'Create group' });
    await expect(create.isDisabled()).resolves.toBe(true);
    await dialog(grace).getByRole('textbox', { name: 'Group name' }).fill('Double Helix');
    await shots.take(grace, 'new-group-name');
    await create.click();

    await conversation(grace, 'Double Helix').waitFor({ timeout: stepTimeoutMs });
    for (const member of [linus, rosalind]) {
      await conversationButton(member, 'Double Helix').waitFor({ timeout: stepTimeoutMs });
    }
    await openConversation(rosalind, 'Double Helix');
    await send(rosalind, 'Photo 51 is ready.');
    await messages(grace)
      .getByRole('article', { name: 'Rosalind Elsie' })
      .filter({ hasText: 'Photo 51 is ready.' })
      .waitFor({ timeout: stepTimeoutMs });
    await expect(conversationButton(linus, 'Double Helix').textContent()).resolves.toContain(
      'Rosalind: Photo 51 is ready.',
    );
    await shots.take(grace, 'group-made-here');
  });

  it("lets a group's admin remove and add people, and anyone leave", async () => {
    const { page: ada, shots } = e2e;
    await onboard(ada, { phone: freshUsPhone(), first: 'Adele', last: 'Goldberg' });
    const dan = await e2e.openPerson('person 2');
    await onboard(dan, { phone: freshUsPhone(), first: 'Dan', last: 'Ingalls' });
    const ted = await e2e.openPerson('person 3');
    await onboard(ted, { phone: freshUsPhone(), first: 'Ted', last: 'Kaehler' });

    await makeGroup(
      ada,
      'Learning Research',
      [
        ['ingalls', 'Dan Ingalls'],
        ['kaehler', 'Ted Kaehler'],
      ],
      [dan, ted],
    );

    // The admin sees everyone, marked, and may remove them.
    await conversation(ada, 'Learning Research')
      .getByRole('button', { name: 'Group info' })
      .click();
    const members = dialog(ada).getByRole('list', { name: 'Members' });
    await members.getByText('Adele Goldberg (you)').waitFor();
    await members.getByText('Admin').waitFor();
    await shots.take(ada, 'group-info-admin');
    await dialog(ada).getByRole('button', { name: 'Remove Dan Ingalls' }).click();
    // Dan loses the group at once, and is told why.
    await conversationButton(dan, 'Learning Research').waitFor({
      state: 'detached',
      timeout: stepTimeoutMs,
    });
    await dan
      .getByText('You were removed from Learning Research.')
      .waitFor({ timeout: stepTimeoutMs });
    await members.getByText('Dan Ingalls').waitFor({ state: 'detached', timeout: stepTimeoutMs });

    // Added back through New chat, he has it again, live.
    await dialog(ada).getByRole('button', { name: 'Add people' }).click();
    await dialog(ada).getByRole('heading', { name: 'Add people' }).waitFor();
    await searchField(ada).fill('dan');
    await found(ada, 'Dan Ingalls').click();
    await dialog(ada).getByRole('button', { name: 'Add' }).click();
    await dialog(ada).waitFor({ state: 'detached', timeout: stepTimeoutMs });
    await conversationButton(dan, 'Learning Research').waitFor({ timeout: stepTimeoutMs });

    // Someone who is not the admin can only leave: no Add or Remove for them.
    await openConversation(ted, 'Learning Research');
    await conversation(ted, 'Learning Research')
      .getByRole('button', { name: 'Group info' })
      .click();
    await dialog(ted).getByRole('list', { name: 'Members' }).getByText('Dan Ingalls').waitFor();
    await expect(
      dialog(ted)
        .getByRole('button', { name: /^Remove / })
        .count(),
    ).resolves.toBe(0);
    await expect(dialog(ted).getByRole('button', { name: 'Add people' }).count()).resolves.toBe(0);
    await dialog(ted).getByRole('button', { name: 'Leave group' }).click();
    await dialog(ted).getByRole('button', { name: 'Leave', exact: true }).click();
    await conversationButton(ted, 'Learning Research').waitFor({
      state: 'detached',
      timeout: stepTimeoutMs,
    });
    // The others see him gone from the member line.
    await conversation(ada, 'Learning Research')
      .getByRole('status')
      .getByText('Dan and you')
      .waitFor({ timeout: stepTimeoutMs });
  });
});
