// What two people do to messages, each in their own browser against the real server (issue 16):
// reply, edit (by the Up arrow and from the menu), react and take the reaction back, delete for
// everyone and for oneself; each seen by the other person live and still so after a reload; and
// an edit the server refuses (the tenth edit made in another window first) says why and keeps
// the text.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useE2E } from './support/bootstrap.ts';
import { composer, messages, openConversation, send } from './support/messenger.ts';
import { freshUsPhone, onboard, stepTimeoutMs } from './support/onboarding.ts';

const e2e = useE2E();
const groupTitle = 'Capsule Corp';

/** The bubble of the message with this text, by its author's name ("You" for one's own). */
const bubble = (page: Page, author: string, text: string): Locator =>
  messages(page).getByRole('article', { name: author }).filter({ hasText: text });

/** Hovers the message's bubble (its toolbar shows) and presses one of the toolbar's buttons. */
async function toolbar(message: Locator, button: 'Reply' | 'React' | 'More actions') {
  const bar = message.getByRole('toolbar', { name: 'Message actions' });
  await bar.locator('xpath=..').hover();
  await bar.getByRole('button', { name: button }).click();
}

const wait = (locator: Locator, state: 'visible' | 'detached' = 'visible') =>
  locator.waitFor({ state, timeout: stepTimeoutMs });

describe('message actions between two people', () => {
  it('replies, edits, reacts and deletes, live for the other person and after a reload', async () => {
    const { page: ada, shots } = e2e;
    await onboard(ada, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    const krillin = await e2e.openPerson('Krillin');
    await onboard(krillin, { phone: freshUsPhone(), first: 'Krillin', last: 'Monk' });
    await openConversation(ada, groupTitle);
    await openConversation(krillin, groupTitle);
    await send(krillin, 'Destructo disc!');
    const original = bubble(ada, 'Krillin Monk', 'Destructo disc!');
    await wait(original);

    // Reply from the toolbar: the banner says to whom, Escape would cancel, Enter sends.
    await toolbar(original, 'Reply');
    await wait(ada.getByRole('status', { name: 'Replying to Krillin Monk' }));
    await send(ada, 'Nice one');
    await wait(ada.getByRole('status', { name: 'Replying to Krillin Monk' }), 'detached');
    const reply = bubble(krillin, 'Ada Lovelace', 'Nice one');
    await wait(reply);
    // Krillin sees the quote of his own message in Ada's answer.
    await wait(reply.getByText('Destructo disc!'));
    await shots.take(ada, 'reply');

    // Up in the empty composer edits Ada's last message; Krillin sees the new text, "edited".
    await composer(ada).press('ArrowUp');
    await wait(ada.getByRole('status', { name: 'Editing message' }));
    await expect(composer(ada).inputValue()).resolves.toBe('Nice one');
    await composer(ada).press('ControlOrMeta+a');
    await composer(ada).pressSequentially('Nice one, Krillin');
    await composer(ada).press('Enter');
    const edited = bubble(krillin, 'Ada Lovelace', 'Nice one, Krillin');
    await wait(edited);
    await wait(edited.getByText('edited', { exact: true }));
    // Once Ada's own answer is in, the edit ends; the draft was kept aside while editing: the
    // composer is empty again.
    await wait(ada.getByRole('status', { name: 'Editing message' }), 'detached');
    await expect(composer(ada).inputValue()).resolves.toBe('');

    // A reaction from the picker; Krillin hears who reacted; the chip takes it back.
    await toolbar(original, 'React');
    await ada.getByRole('menuitem', { name: 'React with 👍' }).click();
    const krillinsOwn = bubble(krillin, 'You', 'Destructo disc!');
    await wait(krillinsOwn.getByRole('listitem', { name: '👍 1: Ada Lovelace' }));
    await original
      .getByRole('listitem', { name: '👍 1: You' })
      .getByRole('button', { name: 'Take back 👍' })
      .click();
    await wait(krillinsOwn.getByRole('list', { name: 'Reactions' }), 'detached');
    await toolbar(original, 'React');
    await ada.getByRole('menuitem', { name: 'React with 😂' }).click();
    await wait(krillinsOwn.getByRole('listitem', { name: '😂 1: Ada Lovelace' }));

    // Delete for everyone (Ada's own message): both see "This message was deleted".
    const adasReply = bubble(ada, 'You', 'Nice one, Krillin');
    await toolbar(adasReply, 'More actions');
    await ada.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Delete message?' });
    await dialog.getByRole('button', { name: 'Delete for everyone' }).click();
    await wait(dialog, 'detached');
    await wait(messages(krillin).getByText('This message was deleted'));
    await wait(messages(ada).getByText('This message was deleted'));

    // Krillin's message, deleted for Ada only: "for everyone" is not offered; it leaves her
    // window and stays in his.
    await original.getByText('Destructo disc!').click({ button: 'right' });
    await ada.getByRole('menuitem', { name: 'Delete' }).click();
    await expect(dialog.getByRole('button', { name: 'Delete for everyone' }).count()).resolves.toBe(
      0,
    );
    await dialog.getByRole('button', { name: 'Delete for me' }).click();
    await wait(original, 'detached');
    await expect(krillinsOwn.count()).resolves.toBe(1);

    // After a reload, both windows show it as the server keeps it.
    await Promise.all([ada.reload(), krillin.reload()]);
    await openConversation(ada, groupTitle);
    await openConversation(krillin, groupTitle);
    await wait(messages(ada).getByText('This message was deleted'));
    await expect(original.count()).resolves.toBe(0);
    await wait(krillinsOwn.getByRole('listitem', { name: '😂 1: Ada Lovelace' }));
    await wait(messages(krillin).getByText('This message was deleted'));
    await shots.take(krillin, 'after-reload');
  });

  it('says why the server refused an edit, keeps the text, and offers no eleventh edit', async () => {
    const { page: first } = e2e;
    await onboard(first, { phone: freshUsPhone(), first: 'Ada', last: 'Lovelace' });
    await openConversation(first, groupTitle);
    await send(first, 'Edit me');
    // The first edit from the menu: the keyboard is then in the composer, typing goes there.
    await toolbar(bubble(first, 'You', 'Edit me'), 'More actions');
    await first.getByRole('menuitem', { name: 'Edit' }).click();
    await wait(first.getByRole('status', { name: 'Editing message' }));
    await first.keyboard.press('ControlOrMeta+a');
    await first.keyboard.type('Edit 1');
    await first.keyboard.press('Enter');
    await wait(bubble(first, 'You', 'Edit 1'));
    // Eight more with the Up arrow.
    for (let edit = 2; edit <= 9; edit += 1) {
      await composer(first).press('ArrowUp');
      await composer(first).press('ControlOrMeta+a');
      await composer(first).pressSequentially(`Edit ${edit}`);
      await composer(first).press('Enter');
      await wait(bubble(first, 'You', `Edit ${edit}`));
      await wait(first.getByRole('status', { name: 'Editing message' }), 'detached');
    }
    // This window starts the tenth edit; a second window of the same person saves one first.
    await composer(first).press('ArrowUp');
    await composer(first).press('ControlOrMeta+a');
    await composer(first).pressSequentially('Too many');
    const second = await first.context().newPage();
    await second.goto(first.url());
    await openConversation(second, groupTitle);
    await composer(second).press('ArrowUp');
    await composer(second).press('ControlOrMeta+a');
    await composer(second).pressSequentially('Edit 10');
    await composer(second).press('Enter');
    await wait(bubble(first, 'You', 'Edit 10'));

    await composer(first).press('Enter');
    await wait(first.getByRole('alert').filter({ hasText: 'edited at most 10 times' }));
    await expect(composer(first).inputValue()).resolves.toBe('Too many');
    // Escape gives up the edit (the conversation stays open); no Edit is offered any more.
    await composer(first).press('Escape');
    await wait(first.getByRole('status', { name: 'Editing message' }), 'detached');
    await expect(composer(first).inputValue()).resolves.toBe('');
    await toolbar(bubble(first, 'You', 'Edit 10'), 'More actions');
    await wait(first.getByRole('menuitem', { name: 'Delete' }));
    await expect(first.getByRole('menuitem', { name: 'Edit' }).count()).resolves.toBe(0);
    await first.keyboard.press('Escape');
    await composer(first).press('ArrowUp');
    await expect(first.getByRole('status', { name: 'Editing message' }).count()).resolves.toBe(0);
    await second.close();
  });
});
