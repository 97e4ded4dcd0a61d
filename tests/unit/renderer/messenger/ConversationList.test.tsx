// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConversationList } from '../../../../src/renderer/messenger/ConversationList.tsx';
import type { SidebarRow as ConversationListRow } from '../../../../src/renderer/state/index.ts';
import { formatClockTime } from '../../../../src/renderer/messenger/formatTime.ts';
import { goku, NOON, vegeta } from './fixtures.ts';
import { useFakeLayout } from './fakeLayout.ts';
import { conversationRowName } from '../../support/conversationRows.ts';

useFakeLayout();

afterEach(cleanup);

const dm: ConversationListRow = {
  id: 'c-dm',
  kind: 'direct',
  selected: false,
  title: 'Vegeta Prince',
  avatar: vegeta,
  preview: 'You: Hello',
  lastActivityAt: NOON,
  unreadCount: 0,
  isDrafting: false,
};
const group: ConversationListRow = {
  id: 'c-group',
  kind: 'group',
  selected: false,
  title: 'Capsule Corp',
  avatar: { firstName: 'Capsule', lastName: 'Corp', avatar: { initials: 'CC', color: '#aa3300' } },
  preview: 'Goku: Training at noon',
  lastActivityAt: NOON,
  unreadCount: 3,
  isDrafting: false,
};

function renderList(rows: ConversationListRow[]) {
  const onSelect = vi.fn<(conversationId: string) => void>();
  const onNewChat = vi.fn<() => void>();
  render(<ConversationList rows={rows} onSelect={onSelect} onNewChat={onNewChat} />);
  return { onSelect, onNewChat, list: screen.getByRole('list', { name: 'Conversations' }) };
}

describe('ConversationList', () => {
  it('has a New chat button above the list', () => {
    const { onNewChat } = renderList([dm]);
    screen.getByRole('button', { name: 'New chat' }).click();
    expect(onNewChat).toHaveBeenCalledTimes(1);
  });

  it('lists conversations as buttons with their previews', () => {
    const { list } = renderList([dm, group]);
    const dmButton = within(list).getByRole('button', {
      name: conversationRowName('Vegeta Prince'),
    });
    const groupButton = within(list).getByRole('button', {
      name: conversationRowName('Capsule Corp'),
    });
    expect(within(dmButton).getByText('You: Hello')).toBeTruthy();
    expect(within(groupButton).getByText('Goku: Training at noon')).toBeTruthy();
  });

  it('names each row by what it shows, in the order it shows it (label in name)', () => {
    const justNow = Date.now();
    const time = formatClockTime(justNow);
    const { list } = renderList([
      { ...group, lastActivityAt: justNow },
      { ...dm, lastActivityAt: justNow, isDrafting: true },
      { ...dm, id: 'c-draft', title: 'Bulma Briefs', lastActivityAt: justNow, draft: 'On my way' },
      { ...dm, id: 'c-empty', title: 'Piccolo', lastActivityAt: null, preview: '' },
    ]);
    for (const name of [
      `Capsule Corp ${time} Goku: Training at noon 3 unread`,
      `Vegeta Prince ${time} typing`,
      `Bulma Briefs ${time} Draft: On my way`,
      'Piccolo',
    ]) {
      expect(within(list).getByRole('button', { name })).toBeTruthy();
    }
  });

  it('shows the DM’s other person’s avatar', () => {
    const { list } = renderList([dm]);
    const button = within(list).getByRole('button', { name: conversationRowName('Vegeta Prince') });
    expect(within(button).getByRole('img', { name: 'Vegeta Prince' })).toBeTruthy();
  });

  it('shows the unread count and the last activity time', () => {
    const justNow = Date.now();
    const { list } = renderList([{ ...group, lastActivityAt: justNow }]);
    const button = within(list).getByRole('button', { name: conversationRowName('Capsule Corp') });
    expect(within(button).getByText('3')).toBeTruthy();
    expect(within(button).getByLabelText('3 unread')).toBeTruthy();
    expect(within(button).getByText(formatClockTime(justNow))).toBeTruthy();
  });

  it('shows "…" instead of the preview while someone is typing', () => {
    const { list } = renderList([{ ...dm, isDrafting: true }]);
    const button = within(list).getByRole('button', { name: conversationRowName('Vegeta Prince') });
    expect(within(button).getByText('…')).toBeTruthy();
    expect(within(button).queryByText('You: Hello')).toBeNull();
  });

  it('marks the selected conversation and reports clicks', async () => {
    const { list, onSelect } = renderList([dm, { ...group, avatar: goku, selected: true }]);
    expect(
      within(list)
        .getByRole('button', { name: conversationRowName('Capsule Corp') })
        .getAttribute('aria-current'),
    ).toBe('true');
    expect(
      within(list)
        .getByRole('button', { name: conversationRowName('Vegeta Prince') })
        .getAttribute('aria-current'),
    ).toBeNull();
    await userEvent.click(
      within(list).getByRole('button', { name: conversationRowName('Vegeta Prince') }),
    );
    expect(onSelect).toHaveBeenCalledWith('c-dm');
  });
});

describe('ConversationList with a thousand conversations', () => {
  const many = Array.from({ length: 1000 }, (_, index) => ({
    ...group,
    id: `c-${index}`,
    title: `Sidebar ${index + 1}`,
  }));

  it('keeps only a screenful of entries in the DOM, each placed in the whole list', () => {
    const { list } = renderList(many);
    const buttons = within(list).getAllByRole('button');
    expect(buttons.length).toBeGreaterThan(5);
    expect(buttons.length).toBeLessThan(30);
    expect(
      within(list).getByRole('button', { name: conversationRowName('Sidebar 1') }),
    ).toBeTruthy();
    expect(
      within(list).queryByRole('button', { name: conversationRowName('Sidebar 1000') }),
    ).toBeNull();
    const [first] = within(list).getAllByRole('listitem');
    expect(first?.getAttribute('aria-setsize')).toBe('1000');
    expect(first?.getAttribute('aria-posinset')).toBe('1');
  });

  it('brings the last conversations in when scrolled to the end', async () => {
    const { list } = renderList(many);
    const scroller = list.parentElement as HTMLElement;
    act(() => scroller.scrollTo({ top: scroller.scrollHeight }));
    const last = await within(list).findByRole('button', {
      name: conversationRowName('Sidebar 1000'),
    });
    expect(last).toBeTruthy();
    expect(
      within(list).queryByRole('button', { name: conversationRowName('Sidebar 1') }),
    ).toBeNull();
    expect(within(list).getAllByRole('button').length).toBeLessThan(30);
  });

  it('gives the focus to a row asked for, scrolling it in from far down the list', async () => {
    const onRowFocused = vi.fn<() => void>();
    const props = { rows: many, onSelect: () => {}, onNewChat: () => {}, onRowFocused };
    const { rerender } = render(<ConversationList {...props} />);
    const list = screen.getByRole('list', { name: 'Conversations' });
    expect(
      within(list).queryByRole('button', { name: conversationRowName('Sidebar 800') }),
    ).toBeNull();
    // The conversation just closed (Back or Escape) is the 800th.
    rerender(<ConversationList {...props} focusRowId={many[799]?.id ?? null} />);
    const row = await within(list).findByRole('button', {
      name: conversationRowName('Sidebar 800'),
    });
    await vi.waitFor(() => expect(document.activeElement).toBe(row));
    expect(onRowFocused).toHaveBeenCalledTimes(1);
  });
});
