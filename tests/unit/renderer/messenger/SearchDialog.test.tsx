// @vitest-environment jsdom
// Search messages over the real actor system and atoms, the socket scripted: Ctrl+K, Ctrl+F and
// the sidebar's button open it; the query is asked once the typing stops; the hits show under
// their conversations' titles with the words found marked; Up/Down and Enter open one in its
// conversation; failures say what happened and offer Retry; older hits come with the cursor.
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { MessagesFound } from '../../../../server/protocol.ts';
import { isSearchShortcut, snippetOf } from '../../../../src/renderer/messenger/SearchDialog.tsx';
import { dmId, groupId, msg } from './fakeChat.ts';
import { bulma, me, vegeta } from './fixtures.ts';
import { useFakeLayout } from './fakeLayout.ts';
import { useSignedInMessenger } from './renderMessenger.tsx';

useFakeLayout();

const renderSignedIn = useSignedInMessenger();

async function openSearch() {
  const server = await renderSignedIn();
  act(() => server.sync());
  await screen.findByRole('list', { name: 'Conversations' });
  await userEvent.keyboard('{Control>}k{/Control}');
  const dialog = await screen.findByRole('dialog', { name: 'Search messages' });
  const field = within(dialog).getByRole('combobox', { name: 'Search messages' });
  return { server, dialog, field };
}

const gravity: MessagesFound = {
  results: [
    {
      conversationId: groupId,
      messages: [
        { message: msg(groupId, 4, me.id, 'Gravity is fine.'), highlights: [[0, 4]] },
        {
          message: msg(groupId, 0, bulma.id, 'The gravity room is ready.'),
          highlights: [[4, 8]],
        },
      ],
    },
    {
      conversationId: dmId,
      messages: [
        { message: msg(dmId, 0, vegeta.id, 'Ten times gravity.'), highlights: [[10, 14]] },
      ],
    },
  ],
  hasMore: true,
  cursor: 17,
};

const options = (dialog: HTMLElement) => within(dialog).queryAllByRole('option');
const selectedText = (dialog: HTMLElement) =>
  options(dialog).find((option) => option.getAttribute('aria-selected') === 'true')?.textContent;

describe('Search messages', () => {
  it('asks the query once the typing stops and shows the hits under their conversations', async () => {
    const { server, dialog, field } = await openSearch();
    expect(document.activeElement).toBe(field);
    expect(within(dialog).getByText('Search what was said in your conversations.')).toBeTruthy();

    await userEvent.type(field, '  grav');
    expect(within(dialog).getByText('Searching…')).toBeTruthy();
    // One request, for the trimmed query, once the keystrokes stop.
    await waitFor(() => expect(server.sent('searchMessages')).toHaveLength(1));
    expect(server.sent('searchMessages')).toEqual([
      { type: 'searchMessages', searchId: 1, query: 'grav' },
    ]);
    act(() => server.toMessageSearch({ type: 'messages.found', searchId: 1, found: gravity }));

    expect(within(dialog).getByRole('status').textContent).toBe('3 messages found');
    const group = within(dialog).getByRole('group', { name: 'Capsule Corp' });
    const dm = within(dialog).getByRole('group', { name: 'Vegeta Prince' });
    const groupHits = within(group).getAllByRole('option');
    expect(groupHits.map((hit) => hit.textContent)).toEqual([
      expect.stringMatching(/^You.*Gravity is fine\.$/),
      expect.stringMatching(/^Bulma.*The gravity room is ready\.$/),
    ]);
    // The words found are marked, as the server's ranges say.
    expect([...groupHits[1]!.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual([
      'grav',
    ]);
    expect(within(dm).getByRole('option').querySelector('mark')?.textContent).toBe('grav');
  });

  it('moves through the hits with Up and Down, and Enter opens one in its conversation', async () => {
    const { server, dialog, field } = await openSearch();
    await userEvent.type(field, 'grav');
    await waitFor(() => expect(server.sent('searchMessages')).toHaveLength(1));
    act(() => server.toMessageSearch({ type: 'messages.found', searchId: 1, found: gravity }));
    expect(selectedText(dialog)).toMatch(/Gravity is fine/);
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}');
    expect(selectedText(dialog)).toMatch(/Ten times gravity/);
    await userEvent.keyboard('{ArrowUp}');
    expect(selectedText(dialog)).toMatch(/gravity room/);
    expect(field.getAttribute('aria-activedescendant')).toBe(
      options(dialog).find((option) => option.getAttribute('aria-selected') === 'true')?.id,
    );

    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const region = await screen.findByRole('region', { name: 'Capsule Corp' });
    // The keyboard goes on in the conversation opened.
    await waitFor(() =>
      expect(document.activeElement).toBe(within(region).getByRole('textbox', { name: 'Message' })),
    );
  });

  it('a click on a hit opens its conversation, the keyboard in its composer', async () => {
    const server = await renderSignedIn();
    act(() => server.sync());
    // The DM is open already, and the search is opened with the sidebar's button.
    const list = await screen.findByRole('list', { name: 'Conversations' });
    await userEvent.click(within(list).getByRole('button', { name: /^Vegeta Prince/ }));
    const region = await screen.findByRole('region', { name: 'Vegeta Prince' });
    await userEvent.click(screen.getByRole('button', { name: 'Search messages' }));
    const dialog = await screen.findByRole('dialog', { name: 'Search messages' });
    await userEvent.type(within(dialog).getByRole('combobox', { name: 'Search messages' }), 'grav');
    await waitFor(() => expect(server.sent('searchMessages')).toHaveLength(1));
    act(() => server.toMessageSearch({ type: 'messages.found', searchId: 1, found: gravity }));
    await userEvent.click(within(dialog).getByRole('option', { name: /Ten times gravity/ }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('region', { name: 'Vegeta Prince' })).toBe(region);
    await waitFor(() =>
      expect(document.activeElement).toBe(within(region).getByRole('textbox', { name: 'Message' })),
    );
  });

  it('loads older hits with the cursor, says when nothing is found, and shows failures with Retry', async () => {
    const { server, dialog, field } = await openSearch();
    await userEvent.type(field, 'grav');
    await waitFor(() => expect(server.sent('searchMessages')).toHaveLength(1));
    act(() => server.toMessageSearch({ type: 'messages.found', searchId: 1, found: gravity }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Load older results' }));
    expect(server.sent('searchMessages').at(-1)).toEqual({
      type: 'searchMessages',
      searchId: 2,
      query: 'grav',
      before: 17,
    });
    expect(within(dialog).getByRole('button', { name: 'Loading older results…' })).toBeTruthy();
    act(() =>
      server.toMessageSearch({
        type: 'messages.failed',
        searchId: 2,
        error: { code: 'rate_limited', message: 'rate_limited', retryAfterMs: 19_200 },
      }),
    );
    // The hits stay; the failure says how long to wait.
    expect(within(dialog).getByRole('alert').textContent).toMatch(
      'Too many searches. Try again in 20 s.',
    );
    expect(options(dialog)).toHaveLength(3);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Retry' }));
    expect(server.sent('searchMessages').at(-1)).toMatchObject({ searchId: 3, before: 17 });
    act(() =>
      server.toMessageSearch({
        type: 'messages.found',
        searchId: 3,
        found: { results: [], hasMore: false, cursor: null },
      }),
    );
    expect(within(dialog).queryByRole('button', { name: 'Load older results' })).toBeNull();

    await userEvent.clear(field);
    await userEvent.type(field, 'zzz');
    await waitFor(() => expect(server.sent('searchMessages')).toHaveLength(4));
    act(() =>
      server.toMessageSearch({
        type: 'messages.found',
        searchId: 4,
        found: { results: [], hasMore: false, cursor: null },
      }),
    );
    expect(within(dialog).getByText('No messages found for “zzz”.')).toBeTruthy();
    expect(options(dialog)).toHaveLength(0);

    await userEvent.type(field, 'z');
    await waitFor(() => expect(server.sent('searchMessages')).toHaveLength(5));
    act(() =>
      server.toMessageSearch({
        type: 'messages.failed',
        searchId: 5,
        error: { code: 'invalid_payload', message: 'A search takes at most 8 words.' },
      }),
    );
    expect(within(dialog).getByRole('alert').textContent).toMatch(
      'A search takes at most 8 words.',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Retry' }));
    expect(server.sent('searchMessages').at(-1)).toEqual({
      type: 'searchMessages',
      searchId: 6,
      query: 'zzzz',
    });
  });

  it('Escape closes it; Ctrl+F and the sidebar button open it afresh', async () => {
    const { field } = await openSearch();
    await userEvent.type(field, 'grav');
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await userEvent.keyboard('{Control>}f{/Control}');
    const again = await screen.findByRole('dialog', { name: 'Search messages' });
    expect(
      (within(again).getByRole('combobox', { name: 'Search messages' }) as HTMLInputElement).value,
    ).toBe('');
    await userEvent.click(within(again).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await userEvent.click(screen.getByRole('button', { name: 'Search messages' }));
    expect(await screen.findByRole('dialog', { name: 'Search messages' })).toBeTruthy();
  });

  it('does not open over another dialog', async () => {
    await renderSignedIn().then((server) => act(() => server.sync()));
    await userEvent.click(await screen.findByRole('button', { name: 'New chat' }));
    await screen.findByRole('dialog', { name: 'New message' });
    await userEvent.keyboard('{Control>}k{/Control}');
    expect(screen.queryByRole('dialog', { name: 'Search messages' })).toBeNull();
  });
});

describe('snippetOf', () => {
  it('shows a long message from a word shortly before the first word found', () => {
    const text = `${'word '.repeat(20)}gravity room`;
    const at = text.indexOf('gravity');
    const { text: shown, highlights } = snippetOf({ text, highlights: [[at, at + 4]] });
    expect(shown.startsWith('…word ')).toBe(true);
    expect(shown.length).toBeLessThan(text.length);
    const [start, end] = highlights[0]!;
    expect(shown.slice(start, end)).toBe('grav');
    // A short one, or one found near its start, is shown whole.
    expect(snippetOf({ text: 'The gravity room', highlights: [[4, 8]] }).text).toBe(
      'The gravity room',
    );
  });
});

describe('isSearchShortcut', () => {
  const key = (init: KeyboardEventInit) => new KeyboardEvent('keydown', init);
  it('takes Ctrl+K and Ctrl+F, or ⌘K and ⌘F on a Mac, and nothing with other modifiers', () => {
    expect(isSearchShortcut(key({ key: 'k', ctrlKey: true }), false)).toBe(true);
    expect(isSearchShortcut(key({ key: 'F', ctrlKey: true }), false)).toBe(true);
    expect(isSearchShortcut(key({ key: 'k', metaKey: true }), true)).toBe(true);
    expect(isSearchShortcut(key({ key: 'k', ctrlKey: true }), true)).toBe(false);
    expect(isSearchShortcut(key({ key: 'k', ctrlKey: true, shiftKey: true }), false)).toBe(false);
    expect(isSearchShortcut(key({ key: 'k' }), false)).toBe(false);
  });
});
