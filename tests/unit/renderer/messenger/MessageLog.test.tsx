// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MessageLog,
  type MessageLogProps,
} from '../../../../src/renderer/messenger/MessageLog.tsx';
import { buildLogRows } from '../../../../src/renderer/messenger/logRows.ts';
import type { OpenConversationMessage as LogMessage } from '../../../../src/renderer/state/index.ts';
import { bulma, goku, me, message, NOON, usersById, vegeta } from './fixtures.ts';
import { ROW_HEIGHT, useFakeLayout } from './fakeLayout.ts';

useFakeLayout();
afterEach(cleanup);

function renderLog(messages: LogMessage[], props: Partial<MessageLogProps> = {}) {
  const handlers = {
    onLoadOlder: vi.fn<() => void>(),
    onRetry: vi.fn<(messageKey: string) => void>(),
  };
  const view = (next: LogMessage[], nextProps: Partial<MessageLogProps> = props) => (
    <MessageLog
      rows={buildLogRows(next, usersById)}
      isGroup={false}
      hasMore={false}
      isLoadingOlder={false}
      {...handlers}
      {...nextProps}
    />
  );
  const result = render(view(messages));
  return {
    ...handlers,
    rerender: (next: LogMessage[], nextProps?: Partial<MessageLogProps>) =>
      result.rerender(view(next, nextProps)),
  };
}

function side(article: HTMLElement): string {
  return getComputedStyle(article).justifyContent === 'flex-end' ? 'right' : 'left';
}

describe('MessageLog', () => {
  it('is the "Messages" log, with own messages on the right and others on the left', () => {
    renderLog([message(0, vegeta.id, 'Kakarot!'), message(1, me.id, 'Hi Vegeta')]);
    const log = screen.getByRole('log', { name: 'Messages' });
    const [first, second] = within(log).getAllByRole('article');
    const theirs = within(log).getByRole('article', { name: 'Vegeta Prince' });
    const mine = within(log).getByRole('article', { name: 'You' });
    expect([first, second]).toEqual([theirs, mine]);
    expect(within(theirs).getByText('Kakarot!')).toBeTruthy();
    expect(side(theirs)).toBe('left');
    expect(within(mine).getByText('Hi Vegeta')).toBeTruthy();
    expect(side(mine)).toBe('right');
  });

  it('in a DM, shows no sender name or avatar on the other person’s messages', () => {
    renderLog([message(0, vegeta.id, 'Kakarot!')]);
    const article = screen.getByRole('article');
    expect(within(article).queryByText('Vegeta')).toBeNull();
    expect(within(article).queryByRole('img', { name: 'Vegeta Prince' })).toBeNull();
  });

  it('in a group, shows name and avatar on the first of each run of others’ messages', () => {
    renderLog(
      [
        message(0, goku.id, 'Hey!'),
        message(1, goku.id, 'Anyone up for training?'),
        message(2, bulma.id, 'Not me'),
        message(3, me.id, 'Me!'),
      ],
      { isGroup: true },
    );
    const [gokuFirst, gokuSecond, bulmaFirst, mine] = screen.getAllByRole('article');
    expect(within(gokuFirst!).getByText('Goku')).toBeTruthy();
    expect(within(gokuFirst!).getByRole('img', { name: 'Goku Son' })).toBeTruthy();
    expect(within(gokuSecond!).queryByText('Goku')).toBeNull();
    expect(screen.getAllByRole('article', { name: 'Goku Son' })).toEqual([gokuFirst, gokuSecond]);
    expect(within(bulmaFirst!).getByText('Bulma')).toBeTruthy();
    expect(within(bulmaFirst!).getByRole('img', { name: 'Bulma Briefs' })).toBeTruthy();
    expect(within(mine!).queryByRole('img', { name: /Ada/ })).toBeNull();
  });

  it('separates days and shows each message’s time', () => {
    const yesterday = NOON - 24 * 60 * 60_000;
    vi.useFakeTimers({ now: NOON + 60 * 60_000, toFake: ['Date'] });
    try {
      renderLog([
        message(0, vegeta.id, 'Old news', { sentAt: yesterday }),
        message(1, vegeta.id, 'Fresh news'),
      ]);
    } finally {
      vi.useRealTimers();
    }
    const log = screen.getByRole('log');
    const text = log.textContent ?? '';
    expect(text.indexOf('Yesterday')).toBeLessThan(text.indexOf('Old news'));
    expect(text.indexOf('Old news')).toBeLessThan(text.indexOf('Today'));
    expect(text.indexOf('Today')).toBeLessThan(text.indexOf('Fresh news'));
    const fresh = screen.getAllByRole('article')[1]!;
    expect(fresh.querySelector('time')?.dateTime).toBe(new Date(NOON + 60_000).toISOString());
  });

  it('shows sending and sent states, and a Retry button on a failed message', async () => {
    const { onRetry } = renderLog([
      message(0, me.id, 'on its way', { status: 'sending', key: 'c-1' }),
      message(1, me.id, 'arrived', { key: 'c-2' }),
      message(2, me.id, 'lost', { status: 'failed', key: 'c-3' }),
    ]);
    const [sending, sent, failed] = screen.getAllByRole('article');
    expect(within(sending!).getByTitle('Sending')).toBeTruthy();
    expect(within(sending!).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(within(sent!).getByTitle('Sent')).toBeTruthy();
    expect(within(failed!).getByTitle('Not sent')).toBeTruthy();
    await userEvent.click(within(failed!).getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledWith('c-3');
  });

  it('taken to a message, brings it into view, current and focused, once; a seq not shown goes to the nearest (issue 16)', () => {
    const many = Array.from({ length: 200 }, (_, index) =>
      message(index, vegeta.id, `line ${index}`, { sentAt: NOON + index }),
    );
    // Seq 150 was deleted for the user: its row is not shown.
    const shown = many.filter((row) => row.seq !== 150);
    const onJumpShown = vi.fn<() => void>();
    const { rerender } = renderLog(shown, { jumpSeq: 10, onJumpShown });
    const log = screen.getByRole('log', { name: 'Messages' });
    const current = () => within(log).getAllByRole('article', { current: true });
    expect(current().map((article) => article.textContent)).toEqual([
      expect.stringContaining('line 10'),
    ]);
    expect(document.activeElement).toBe(current()[0]);
    expect(onJumpShown).toHaveBeenCalledTimes(1);
    // The conversation heard it was shown (jumpSeq null again): nothing scrolls there again.
    rerender(shown, { jumpSeq: null, onJumpShown });
    expect(onJumpShown).toHaveBeenCalledTimes(1);
    rerender(shown, { jumpSeq: 150, onJumpShown });
    expect(current().map((article) => article.textContent)).toEqual([
      expect.stringContaining('line 151'),
    ]);
    expect(onJumpShown).toHaveBeenCalledTimes(2);
  });

  it('keeps the DOM small for 10,000 messages and opens at the newest', () => {
    const many = Array.from({ length: 10_000 }, (_, index) =>
      message(index, index % 2 === 0 ? vegeta.id : me.id, `message number ${index}`, {
        sentAt: NOON + index, // one day, so no separators but the first
      }),
    );
    renderLog(many);
    const log = screen.getByRole('log', { name: 'Messages' });
    expect(log.querySelectorAll('*').length).toBeLessThan(200);
    expect(within(log).getByText('message number 9999')).toBeTruthy();
    expect(within(log).queryByText('message number 0')).toBeNull();
    // The spacer keeps the full scroll height, so the scrollbar stays honest.
    expect(log.scrollHeight).toBeGreaterThan(9_000 * ROW_HEIGHT);
  });

  it('offers "Jump to latest" when scrolled up, and asks for older pages near the top', () => {
    const many = Array.from({ length: 200 }, (_, index) =>
      message(index, vegeta.id, `line ${index}`, { sentAt: NOON + index }),
    );
    const { onLoadOlder } = renderLog(many, { hasMore: true });
    const log = screen.getByRole('log');
    expect(screen.queryByRole('button', { name: 'Jump to latest' })).toBeNull();

    log.scrollTop = 100 * ROW_HEIGHT;
    fireEvent.scroll(log);
    expect(onLoadOlder).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Jump to latest' })).toBeTruthy();

    log.scrollTop = 0;
    fireEvent.scroll(log);
    expect(onLoadOlder).toHaveBeenCalledTimes(1);
    expect(within(log).getByText('line 0')).toBeTruthy();
  });

  it('does not take the log changing height under the reader for the reader scrolling up', () => {
    const many = Array.from({ length: 200 }, (_, index) =>
      message(index, vegeta.id, `line ${index}`, { sentAt: NOON + index }),
    );
    const { onLoadOlder, rerender } = renderLog(many, { hasMore: true });
    const log = screen.getByRole('log');
    // The reader stops above the distance that loads older pages (400 px).
    log.scrollTop = 10 * ROW_HEIGHT;
    fireEvent.scroll(log);
    expect(onLoadOlder).not.toHaveBeenCalled();
    // The newest half goes (a resync): the content is shorter, the position moves up with it.
    rerender(many.slice(0, 100), { hasMore: true });
    const before = log.scrollHeight;
    log.scrollTop = 5 * ROW_HEIGHT;
    fireEvent.scroll(log);
    expect(log.scrollHeight).toBe(before);
    expect(onLoadOlder).not.toHaveBeenCalled();
    // Then the reader moves up, with nothing changing under them.
    log.scrollTop = 4 * ROW_HEIGHT;
    fireEvent.scroll(log);
    expect(onLoadOlder).toHaveBeenCalledTimes(1);
  });

  it('does not ask for older pages while one is loading or when none are left', () => {
    const many = Array.from({ length: 200 }, (_, index) =>
      message(index, vegeta.id, `line ${index}`, { sentAt: NOON + index }),
    );
    const { onLoadOlder, rerender } = renderLog(many, { hasMore: true, isLoadingOlder: true });
    const log = screen.getByRole('log');
    expect(screen.getByRole('progressbar', { name: 'Loading older messages' })).toBeTruthy();
    log.scrollTop = 0;
    fireEvent.scroll(log);
    rerender(many, { hasMore: false });
    fireEvent.scroll(log);
    expect(onLoadOlder).not.toHaveBeenCalled();
  });

  it('asks for older pages at once when the first page does not fill the view', () => {
    const { onLoadOlder } = renderLog([message(0, vegeta.id, 'only one')], { hasMore: true });
    expect(onLoadOlder).toHaveBeenCalled();
  });

  it('keeps the reader’s place when older messages are prepended', () => {
    const page = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, offset) =>
        message(from + offset, vegeta.id, `line ${from + offset}`, {
          sentAt: NOON + from + offset,
        }),
      );
    const { rerender } = renderLog(page(100, 200), { hasMore: true });
    const log = screen.getByRole('log');
    // Reader is looking at "line 110" near the top.
    log.scrollTop = 10 * ROW_HEIGHT + ROW_HEIGHT; // +1 row for the day separator
    fireEvent.scroll(log);
    expect(within(log).getByText('line 110')).toBeTruthy();

    rerender(page(50, 200), { hasMore: true });
    // 50 rows were added above: the same message stays in view, 50 rows lower in the content.
    expect(log.scrollTop).toBe(60 * ROW_HEIGHT + ROW_HEIGHT);
    expect(within(log).getByText('line 110')).toBeTruthy();
  });
});
