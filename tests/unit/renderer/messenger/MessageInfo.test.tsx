// @vitest-environment jsdom
// Message info ("read by N") over the real actor system and atoms, the socket scripted: the
// tick on the user's own group message opens it, it asks the server, shows the wait, a failure
// with Retry, and only the answer to the latest question.
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { groupId } from './fakeChat.ts';
import { bulma, goku } from './fixtures.ts';
import { useFakeLayout } from './fakeLayout.ts';
import { useSignedInMessenger } from './renderMessenger.tsx';
import { conversationRowName } from '../../support/conversationRows.ts';

useFakeLayout();

const renderSignedIn = useSignedInMessenger();

async function openGroup() {
  const server = await renderSignedIn();
  act(() => server.sync());
  const list = await screen.findByRole('list', { name: 'Conversations' });
  await userEvent.click(
    within(list).getByRole('button', { name: conversationRowName('Capsule Corp') }),
  );
  const log = screen.getByRole('log', { name: 'Messages' });
  // The user's own message, seq 3 (the world's group keeps no receipts: one tick, sent).
  const tick = within(within(log).getByRole('article', { name: 'You' })).getByRole('button', {
    name: 'Sent. Message info',
  });
  return { server, log, tick };
}

const names = (label: string) =>
  within(
    within(screen.getByRole('dialog', { name: 'Message info' })).getByRole('list', { name: label }),
  )
    .getAllByRole('listitem')
    .map((item) => item.textContent);

describe('Message info', () => {
  it('asks who read the message, shows the failure with Retry, then the latest answer only', async () => {
    const { server, log, tick } = await openGroup();
    // Others' messages have no such button.
    for (const article of within(log).getAllByRole('article', { name: /Goku|Bulma/ })) {
      expect(within(article).queryByRole('button', { name: /Message info$/ })).toBeNull();
    }

    await userEvent.click(tick);
    const dialog = screen.getByRole('dialog', { name: 'Message info' });
    expect(within(dialog).getByRole('progressbar', { name: 'Loading who read it' })).toBeTruthy();
    expect(server.sent('listReceipts')).toEqual([
      { type: 'listReceipts', requestId: 1, conversationId: groupId, seq: 3 },
    ]);

    act(() =>
      server.receiptList({
        type: 'receiptList.failed',
        requestId: 1,
        error: { code: 'rate_limited', message: 'Too many requests. Try again in a moment.' },
      }),
    );
    expect(within(dialog).getByText('Too many requests. Try again in a moment.')).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Retry' }));
    // The Retry button is gone: the focus stays in the dialog (so Escape still closes it).
    expect(dialog.contains(document.activeElement)).toBe(true);
    expect(server.sent('listReceipts').at(-1)).toEqual({
      type: 'listReceipts',
      requestId: 2,
      conversationId: groupId,
      seq: 3,
    });

    // A late answer to the first question changes nothing; the answer to the second shows.
    act(() =>
      server.receiptList({ type: 'receiptList.loaded', requestId: 1, readBy: [], deliveredTo: [] }),
    );
    expect(within(dialog).getByRole('progressbar', { name: 'Loading who read it' })).toBeTruthy();
    act(() =>
      server.receiptList({
        type: 'receiptList.loaded',
        requestId: 2,
        readBy: [goku.id],
        deliveredTo: [bulma.id, 'u-stranger'],
      }),
    );
    expect(names('Read by 1')).toEqual(['Goku Son']);
    expect(names('Delivered to 2')).toEqual(['Bulma Briefs', 'Someone']);

    // Escape closes it; the focus is back on the tick.
    await userEvent.keyboard('{Escape}');
    // (after its fade-out)
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Message info' })).toBeNull());
    expect(document.activeElement).toBe(tick);
    // And the conversation behind it stayed open.
    expect(screen.getByRole('log', { name: 'Messages' })).toBe(log);
  });

  it('says so when the connection drops while it asks', async () => {
    const { server, tick } = await openGroup();
    await userEvent.click(tick);
    act(() => server.session({ type: 'socket.disconnected', reason: 'transport close' }));
    const dialog = screen.getByRole('dialog', { name: 'Message info' });
    expect(
      within(dialog).getByText('Not connected. Try again when the connection is back.'),
    ).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});
