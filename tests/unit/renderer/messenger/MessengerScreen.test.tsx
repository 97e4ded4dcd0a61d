// @vitest-environment jsdom
// The messenger screen over the real actor system (app, session, messenger, one actor per
// conversation and per unsent message) and the real atoms; only the socket is scripted (a
// server the test answers for).
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent, { PointerEventsCheckLevel } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { dmId, dmSummary, groupId, msg, world } from './fakeChat.ts';
import { range } from '../../machines/signedIn.ts';
import { bulma, goku, me, vegeta } from './fixtures.ts';
import { useFakeLayout } from './fakeLayout.ts';
import { useSignedInMessenger } from './renderMessenger.tsx';
import { conversationRowName } from '../../support/conversationRows.ts';
import { showShortcutsEvent } from '../../../../src/renderer/messenger/KeyboardShortcutsDialog.tsx';

useFakeLayout();

const renderSignedIn = useSignedInMessenger();

async function renderSynced() {
  const server = await renderSignedIn();
  act(() => server.sync());
  return { server, list: await screen.findByRole('list', { name: 'Conversations' }) };
}

async function openConversation(list: HTMLElement, title: string) {
  await userEvent.click(within(list).getByRole('button', { name: conversationRowName(title) }));
  return screen.getByRole('log', { name: 'Messages' });
}

/** The preview line as read: "You: " and the message text are separate nodes (the text in its own direction). */
const previewOf = (text: string) => (_content: string, element: Element | null) =>
  element?.tagName === 'P' && element.textContent === text;

describe('MessengerScreen', () => {
  it('moves between conversations with Alt+Up and Alt+Down, in the list order (issue 16)', async () => {
    const { list } = await renderSynced();
    const titles = within(list)
      .getAllByRole('button')
      .map((row) =>
        ['Vegeta Prince', 'Capsule Corp'].find((t) =>
          within(list)
            .queryAllByRole('button', { name: conversationRowName(t) })
            .includes(row),
        ),
      )
      .filter(Boolean);
    expect(titles).toHaveLength(2);
    const [first, second] = titles as [string, string];
    // (A modal dialog hides the rest from the accessibility tree: `hidden` still finds it.)
    const openTitle = () =>
      ['Vegeta Prince', 'Capsule Corp'].filter((t) =>
        screen.queryByRole('region', { name: t, hidden: true }),
      );
    // None open: Alt+Down opens the first.
    await userEvent.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(openTitle()).toEqual([first]);
    await userEvent.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(openTitle()).toEqual([second]);
    // The end of the list: it stays.
    await userEvent.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(openTitle()).toEqual([second]);
    await userEvent.keyboard('{Alt>}{ArrowUp}{/Alt}');
    expect(openTitle()).toEqual([first]);
    // An arrow alone, or with Shift too, is the composer's (moving, selecting), not a switch.
    await userEvent.keyboard('{ArrowDown}{Shift>}{Alt>}{ArrowDown}{/Alt}{/Shift}');
    expect(openTitle()).toEqual([first]);
    // A dialog owns the keyboard.
    await userEvent.click(screen.getByRole('button', { name: 'New chat' }));
    await screen.findByRole('dialog');
    await userEvent.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(openTitle()).toEqual([first]);
  });

  it("lists the keyboard shortcuts on Ctrl+/ and on the menu's request (issue 16)", async () => {
    await renderSynced();
    await userEvent.keyboard('{Control>}/{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    const terms = within(dialog)
      .getAllByRole('term')
      .map((term) => term.textContent);
    const meanings = within(dialog)
      .getAllByRole('definition')
      .map((definition) => definition.textContent);
    expect(terms).toContain('Alt + ↓');
    expect(meanings[terms.indexOf('Alt + ↓')]).toBe('Next conversation in the list');
    expect(meanings[terms.indexOf('Ctrl + /')]).toBe('Show these shortcuts');
    expect(meanings[terms.indexOf('Ctrl + K')]).toBe('Search messages');
    expect(meanings[terms.indexOf('Ctrl + F')]).toBe('Search messages');
    expect(meanings[terms.indexOf('↑')]).toBe(
      'Edit your last message (in the empty message field)',
    );
    expect(meanings[terms.indexOf('Esc')]).toMatch(/^Cancel a reply or an edit/);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // Help > Keyboard Shortcuts in the desktop menu (main.tsx relays the platform's request).
    act(() => {
      window.dispatchEvent(new Event(showShortcutsEvent));
    });
    expect(await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })).toBeTruthy();
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // A slash alone is text, not a shortcut.
    await userEvent.keyboard('/');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('offers on each message only what may be done to it, by mouse and keyboard (issue 16)', async () => {
    const { list } = await renderSynced();
    const log = await openConversation(list, 'Capsule Corp');
    const article = (text: string) =>
      within(log)
        .getAllByRole('article')
        .find((candidate) => candidate.textContent?.includes(text))!;
    const menuItems = () =>
      within(screen.getByRole('menu', { name: 'Message actions menu' }))
        .getAllByRole('menuitem')
        .map((item) => item.textContent);
    // A message's toolbar takes the pointer only while the message is hovered (CSS `:hover`,
    // which jsdom does not apply): pressed as after hovering, without user-event's pointer-events
    // check (tests/e2e/messageActions.test.ts presses it in Chromium).
    const hovering = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    // Goku's message: reply, react, delete (for the user only); never edit.
    await hovering.click(
      within(article('Can I try it first?')).getByRole('button', { name: 'More actions' }),
    );
    expect(menuItems()).toEqual([
      'Reply',
      'Copy text',
      '❤️React with ❤️',
      '👍React with 👍',
      '👎React with 👎',
      'Delete',
    ]);
    await userEvent.click(screen.getByRole('menuitem', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete message?' });
    expect(within(dialog).queryByRole('button', { name: 'Delete for everyone' })).toBeNull();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // The user's own: Edit too, and the menu opens from the keyboard (Shift+F10 on its toolbar).
    const reply = within(article('After me.')).getByRole('button', { name: 'Reply' });
    reply.focus();
    await userEvent.keyboard('{Shift>}{F10}{/Shift}');
    expect(menuItems()).toContain('Edit');
    await userEvent.click(screen.getByRole('menuitem', { name: 'Edit' }));
    expect(screen.getByRole('status', { name: 'Editing message' })).toBeTruthy();
    const field = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    expect(field.value).toBe('After me.');
    // The keyboard is in the field: typing goes on there, Escape cancels the edit and leaves
    // the conversation open.
    await waitFor(() => expect(document.activeElement).toBe(field));
    await userEvent.keyboard('!');
    expect(field.value).toBe('After me.!');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('status', { name: 'Editing message' })).toBeNull();
    expect(field.value).toBe('');
    expect(screen.getByRole('log', { name: 'Messages' })).toBeTruthy();
    // Reply from the toolbar: the keyboard goes to the field too; Escape with the focus
    // anywhere in the conversation gives the reply up before it would close the conversation.
    await hovering.click(
      within(article('Can I try it first?')).getByRole('button', { name: 'Reply' }),
    );
    await waitFor(() => expect(document.activeElement).toBe(field));
    within(article('Please?')).getByRole('button', { name: 'React' }).focus();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('status', { name: /^Replying to/ })).toBeNull();
    expect(screen.getByRole('log', { name: 'Messages' })).toBeTruthy();
    // One Tab stop per toolbar: the arrow keys move between its buttons.
    const toolbar = within(article('Please?')).getByRole('toolbar', { name: 'Message actions' });
    const [react, replyButton, more] = within(toolbar).getAllByRole('button');
    expect([react, replyButton, more].map((button) => button!.tabIndex)).toEqual([0, -1, -1]);
    react!.focus();
    await userEvent.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(replyButton);
    await userEvent.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(document.activeElement).toBe(more);
  });

  it('Up edits the last message only once the server has it: never the one before (issue 16)', async () => {
    const { server, list } = await renderSynced();
    await openConversation(list, 'Capsule Corp');
    const field = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    await userEvent.type(field, 'Still on its way{Enter}');
    expect(server.sent('sendMessage')).toHaveLength(1);
    // On its way (no ack yet): Up does nothing, rather than edit "After me." before it.
    await userEvent.type(field, '{ArrowUp}');
    expect(screen.queryByRole('status', { name: 'Editing message' })).toBeNull();
    act(() => {
      server.accept(server.sent('sendMessage')[0]!.clientMessageId, me.id, {
        id: groupId,
        kind: 'group',
        title: 'Capsule Corp',
        drafting: [],
      });
    });
    await userEvent.type(field, '{ArrowUp}');
    expect(screen.getByRole('status', { name: 'Editing message' })).toBeTruthy();
    expect(field.value).toBe('Still on its way');
  });

  it('shows edits, reactions, replies and deletions as the server pushes them, and leaves out what the user deleted for themselves (issue 16)', async () => {
    const { server, list } = await renderSynced();
    const log = await openConversation(list, 'Capsule Corp');
    const [, goku1, goku2, mine, bulmas] = world().conversations[1]!.messages;
    const article = (text: string) =>
      within(log)
        .getAllByRole('article')
        .find((candidate) => candidate.textContent?.includes(text));
    // Goku edits his message; people react to it.
    act(() =>
      server.toMessenger({
        type: 'message.changed',
        message: {
          ...goku1!,
          text: 'Can I try it first, please?',
          editedAt: goku1!.sentAt + 1,
          editCount: 1,
          reactions: [{ emoji: '😂', userIds: [bulma.id, me.id] }],
        },
      }),
    );
    const edited = article('Can I try it first, please?')!;
    expect(within(edited).getByText('edited')).toBeTruthy();
    // The accessible name says who reacted, not only how many.
    expect(
      within(within(edited).getByRole('list', { name: 'Reactions' })).getByRole('listitem', {
        name: '😂 2: Bulma Briefs, You',
      }),
    ).toBeTruthy();
    // Bulma's last message answers the user's; the user's is then deleted for everyone.
    act(() =>
      server.toMessenger({
        type: 'message.changed',
        message: {
          ...bulmas!,
          replyTo: {
            messageId: mine!.id,
            seq: mine!.seq,
            authorId: me.id,
            snippet: 'After me.',
            deleted: false,
          },
        },
      }),
    );
    expect(article('Be gentle with it.')!.textContent).toContain('YouAfter me.');
    // The quote goes to the original, named by who wrote it and how it begins.
    expect(
      within(article('Be gentle with it.')!).getByRole('button', {
        name: 'Go to the original message from You: After me.',
      }),
    ).toBeTruthy();
    act(() =>
      server.toMessenger({
        type: 'message.changed',
        message: { ...mine!, text: '', deletedAt: mine!.sentAt + 1 },
      }),
    );
    // Said in its place and in the quote of Bulma's reply to it.
    expect(within(log).getAllByText('This message was deleted')).toHaveLength(2);
    expect(article('Be gentle with it.')!.textContent).toContain('YouThis message was deleted');
    expect(within(log).queryByText('After me.', { exact: true })).toBeNull();
    // Deleted for the user in another window: gone from this one, and from the preview.
    act(() =>
      server.toMessenger({ type: 'message.hidden', conversationId: groupId, messageId: goku2!.id }),
    );
    expect(article('Please?')).toBeUndefined();
    // A reply whose original the person then deletes for themselves no longer quotes it.
    act(() =>
      server.toMessenger({
        type: 'message.changed',
        message: {
          ...bulmas!,
          replyTo: {
            messageId: goku1!.id,
            seq: goku1!.seq,
            authorId: goku.id,
            snippet: 'Can I try it first, please?',
            deleted: false,
          },
        },
      }),
    );
    expect(article('Be gentle with it.')!.textContent).toContain('Can I try it first, please?');
    act(() =>
      server.toMessenger({ type: 'message.hidden', conversationId: groupId, messageId: goku1!.id }),
    );
    expect(article('Be gentle with it.')!.textContent).toContain('A message you deleted');
    // Nothing to go to: the quote of a message the user deleted for themselves is no button.
    expect(
      within(article('Be gentle with it.')!).queryByRole('button', {
        name: /^Go to the original message/,
      }),
    ).toBeNull();
    expect(article('Be gentle with it.')!.textContent).not.toContain('Can I try it first');
    act(() =>
      server.toMessenger({
        type: 'message.hidden',
        conversationId: groupId,
        messageId: bulmas!.id,
      }),
    );
    const group = within(list).getByRole('button', { name: conversationRowName('Capsule Corp') });
    expect(group.textContent).not.toContain('Be gentle');
  });

  it('shows a skeleton and a "Connecting…" banner until the first sync', async () => {
    const server = await renderSignedIn();
    expect(screen.getByRole('progressbar', { name: 'Loading conversations' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toMatch(/Connecting…/);
    expect(screen.queryByRole('list', { name: 'Conversations' })).toBeNull();

    act(() => server.sync());
    expect(await screen.findByRole('list', { name: 'Conversations' })).toBeTruthy();
    expect(screen.queryByRole('progressbar', { name: 'Loading conversations' })).toBeNull();
    expect(screen.queryByText(/Connecting…/)).toBeNull();
  });

  it('shows "Reconnecting…" when the connection drops, over the conversations', async () => {
    const { server } = await renderSynced();
    act(() => server.session({ type: 'socket.disconnected', reason: 'transport close' }));
    expect((await screen.findByRole('status')).textContent).toMatch(/Reconnecting…/);
    expect(screen.getByRole('list', { name: 'Conversations' })).toBeTruthy();
  });

  it('previews the DM plainly and the group with the sender’s first name', async () => {
    const { list } = await renderSynced();
    const dm = within(list).getByRole('button', { name: conversationRowName('Vegeta Prince') });
    const group = within(list).getByRole('button', { name: conversationRowName('Capsule Corp') });
    expect(within(dm).getByText('Say something worth my time.')).toBeTruthy();
    expect(within(dm).getByRole('img', { name: 'Vegeta Prince' })).toBeTruthy();
    expect(within(group).getByText(previewOf('Bulma: Be gentle with it.'))).toBeTruthy();
  });

  it('sends with Enter: the message shows as sending, then sent, and the preview says "You: "', async () => {
    const { server, list } = await renderSynced();
    const log = await openConversation(list, 'Vegeta Prince');
    const field = screen.getByRole('textbox', { name: 'Message' });
    await userEvent.type(field, 'Hello Vegeta{Enter}');

    const [sent] = server.sent('sendMessage');
    expect(sent).toMatchObject({ conversationId: dmId, text: 'Hello Vegeta' });
    expect((field as HTMLTextAreaElement).value).toBe('');
    const mine = within(log).getByRole('article', { name: 'You' });
    expect(within(mine).getByText('Hello Vegeta')).toBeTruthy();
    expect(within(mine).getByTitle('Sending')).toBeTruthy();

    act(() => server.accept(sent!.clientMessageId, me.id, dmSummary()));
    expect(within(log).getByRole('article', { name: 'You' })).toBe(mine);
    expect(within(mine).getByTitle('Sent')).toBeTruthy();
    const dm = within(list).getByRole('button', { name: conversationRowName('Vegeta Prince') });
    expect(within(dm).getByText(previewOf('You: Hello Vegeta'))).toBeTruthy();
  });

  it('shows a message the server authored as Vegeta on his side', async () => {
    const { server, list } = await renderSynced();
    const log = await openConversation(list, 'Vegeta Prince');
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Second{Enter}');
    const [sent] = server.sent('sendMessage');
    act(() => server.accept(sent!.clientMessageId, vegeta.id, dmSummary()));
    const articles = within(log).getAllByRole('article');
    expect(articles.at(-1)).toBe(
      within(log).getAllByRole('article', { name: 'Vegeta Prince' }).at(-1),
    );
    expect(within(articles.at(-1)!).getByText('Second')).toBeTruthy();
  });

  it('marks a refused message as not sent and sends it again on Retry', async () => {
    const { server, list } = await renderSynced();
    const log = await openConversation(list, 'Vegeta Prince');
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Doomed{Enter}');
    const [sent] = server.sent('sendMessage');
    const clientMessageId = sent!.clientMessageId;
    // A refusal the user must act on; rate limits and network trouble are waited out.
    act(() => server.reject(clientMessageId, { code: 'text_too_long', message: 'Too long' }));
    const mine = within(log).getByRole('article', { name: 'You' });
    expect(within(mine).getByTitle('Not sent')).toBeTruthy();

    await userEvent.click(within(mine).getByRole('button', { name: 'Retry' }));
    const resends = server.sent('sendMessage');
    expect(resends).toHaveLength(2);
    expect(resends[1]?.clientMessageId).toBe(clientMessageId);
    expect(within(mine).getByTitle('Sending')).toBeTruthy();
    expect(within(mine).queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('sends a later message even when the one before it was refused', async () => {
    const { server, list } = await renderSynced();
    const log = await openConversation(list, 'Vegeta Prince');
    const field = screen.getByRole('textbox', { name: 'Message' });
    await userEvent.type(field, 'Doomed{Enter}');
    // One message on the wire at a time: the second waits for the first.
    await userEvent.type(field, 'Fine{Enter}');
    const [doomed] = server.sent('sendMessage');
    expect(server.sent('sendMessage')).toHaveLength(1);

    act(() => server.reject(doomed!.clientMessageId, { code: 'forbidden', message: 'No' }));
    expect(server.sent('sendMessage').map((c) => c.text)).toEqual(['Doomed', 'Fine']);
    const [first, second] = within(log).getAllByRole('article', { name: 'You' });
    expect(within(first!).getByTitle('Not sent')).toBeTruthy();
    expect(within(second!).getByText('Fine')).toBeTruthy();
    expect(within(second!).getByTitle('Sending')).toBeTruthy();
  });

  it('tells the server the user is drafting on the first keystroke', async () => {
    const { server, list } = await renderSynced();
    await openConversation(list, 'Vegeta Prince');
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Hm');
    expect(server.sent('isDrafting')).toEqual([
      { type: 'isDrafting', conversationId: dmId, isDrafting: true },
    ]);
  });

  it('shows "Vegeta is typing…" in the header and "…" in the sidebar while he drafts', async () => {
    const { server, list } = await renderSynced();
    await openConversation(list, 'Vegeta Prince');
    const header = screen.getByRole('region', { name: 'Vegeta Prince' });
    expect(within(header).queryByText('Vegeta is typing…')).toBeNull();

    const lastMessage = world().conversations[0]!.lastMessage;
    act(() =>
      server.push({ conversation: { ...dmSummary([vegeta.id]), lastMessage }, message: null }),
    );
    expect(within(header).getByText('Vegeta is typing…')).toBeTruthy();
    const dm = within(list).getByRole('button', { name: conversationRowName('Vegeta Prince') });
    expect(within(dm).getByText('…')).toBeTruthy();
  });

  it('shows names and avatars on others’ messages in the group', async () => {
    const { list } = await renderSynced();
    const log = await openConversation(list, 'Capsule Corp');
    const goku = within(log).getAllByRole('article', { name: 'Goku Son' });
    expect(goku).toHaveLength(2);
    expect(within(goku[0]!).getByText('Goku')).toBeTruthy();
    expect(within(goku[0]!).getByRole('img', { name: 'Goku Son' })).toBeTruthy();
    const bulma = within(log).getAllByRole('article', { name: 'Bulma Briefs' });
    expect(within(bulma[0]!).getByRole('img', { name: 'Bulma Briefs' })).toBeTruthy();
    const mine = within(log).getByRole('article', { name: 'You' });
    expect(within(mine).queryByRole('img', { name: 'Ada Lovelace' })).toBeNull();
    const region = screen.getByRole('region', { name: 'Capsule Corp' });
    expect(within(region).getByRole('status').textContent).toBe('Goku, Bulma and you');
  });

  it('counts unread messages in conversations that are not open', async () => {
    const { server, list } = await renderSynced();
    await openConversation(list, 'Capsule Corp');
    const kakarot = msg(dmId, 1, vegeta.id, 'Kakarot!');
    act(() =>
      server.push({ conversation: { ...dmSummary(), lastMessage: kakarot }, message: kakarot }),
    );
    const dm = within(list).getByRole('button', { name: conversationRowName('Vegeta Prince') });
    expect(within(dm).getByLabelText('1 unread')).toBeTruthy();
    await userEvent.click(dm);
    expect(within(dm).queryByLabelText('1 unread')).toBeNull();
  });

  it("a reply's quote goes to the original, loading older pages until it is there (issue 16)", async () => {
    const server = await renderSignedIn();
    const data = world();
    const group = data.conversations.find((conversation) => conversation.id === groupId)!;
    const page = range(20, 39).map((seq) => msg(groupId, seq, goku.id, `#${seq}`));
    page[19] = {
      ...page[19]!,
      text: 'Like you said',
      replyTo: {
        messageId: `${groupId}-2`,
        seq: 2,
        authorId: bulma.id,
        snippet: 'The original',
        deleted: false,
      },
    };
    group.messages = page;
    group.lastMessage = page[19]!;
    group.hasMore = true;
    act(() => server.sync(data));
    const list = await screen.findByRole('list', { name: 'Conversations' });
    const log = await openConversation(list, 'Capsule Corp');
    expect(server.sent('requestMessages')).toEqual([]);
    await userEvent.click(
      within(log).getByRole('button', {
        name: 'Go to the original message from Bulma Briefs: The original',
      }),
    );
    // Not loaded: the page before the oldest is asked for, and the log is busy meanwhile.
    expect(server.sent('requestMessages')).toEqual([
      expect.objectContaining({ purpose: 'history', conversationId: groupId, before: 20 }),
    ]);
    expect(log.getAttribute('aria-busy')).toBe('true');
    act(() =>
      server.history(
        groupId,
        range(0, 19).map((seq) =>
          seq === 2
            ? msg(groupId, 2, bulma.id, 'The original')
            : msg(groupId, seq, goku.id, `#${seq}`),
        ),
        false,
      ),
    );
    const original = await waitFor(() => {
      const found = within(log)
        .getAllByRole('article')
        .find((article) => article.textContent?.includes('The original'));
      if (!found) throw new Error('the original is not in view');
      return found;
    });
    // Highlighted as where the reader is, and focused, so the keyboard goes on from it.
    expect(original.getAttribute('aria-current')).toBe('true');
    expect(document.activeElement).toBe(original);
    expect(log.getAttribute('aria-busy')).toBe('false');
    expect(server.sent('requestMessages')).toHaveLength(1);
  });

  it('loads the page before the oldest message and shows it above', async () => {
    const server = await renderSignedIn();
    const data = world();
    const group = data.conversations.find((conversation) => conversation.id === groupId)!;
    group.messages = group.messages.map((message) => ({ ...message, seq: message.seq + 10 }));
    group.hasMore = true;
    act(() => server.sync(data));
    const list = await screen.findByRole('list', { name: 'Conversations' });
    // One short page does not fill the view, so the older one is asked for at once.
    const log = await openConversation(list, 'Capsule Corp');
    expect(server.sent('requestMessages')).toEqual([
      expect.objectContaining({ purpose: 'history', conversationId: groupId, before: 10 }),
    ]);
    expect(screen.getByRole('progressbar', { name: 'Loading older messages' })).toBeTruthy();

    act(() =>
      server.history(
        groupId,
        [
          {
            id: 'old-9',
            conversationId: groupId,
            authorId: goku.id,
            text: 'An older message',
            sentAt: group.messages[0]!.sentAt - 60_000,
            seq: 9,
            clientMessageId: null,
          },
        ],
        false,
      ),
    );
    const articles = within(log).getAllByRole('article');
    expect(within(articles[0]!).getByText('An older message')).toBeTruthy();
    expect(screen.queryByRole('progressbar', { name: 'Loading older messages' })).toBeNull();
    expect(server.sent('requestMessages')).toHaveLength(1);
  });
});
