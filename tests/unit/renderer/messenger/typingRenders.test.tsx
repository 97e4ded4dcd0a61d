// @vitest-environment jsdom
// Typing in the composer must not re-render the sidebar's rows, the header or the message
// bubbles, and a new message only its row and its bubble: counted through the Avatar every one
// of them draws (the group shows avatars on others' runs, the header and every sidebar row show
// one).
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { AvatarProps } from '../../../../src/renderer/components/Avatar.tsx';
import { groupId, msg } from './fakeChat.ts';
import { useFakeLayout } from './fakeLayout.ts';
import { useSignedInMessenger } from './renderMessenger.tsx';
import { goku } from './fixtures.ts';
import { conversationRowName } from '../../support/conversationRows.ts';

const avatarRenders = vi.hoisted(() => ({ names: [] as string[] }));
vi.mock('../../../../src/renderer/components/Avatar.tsx', async (importOriginal) => {
  const original =
    await importOriginal<typeof import('../../../../src/renderer/components/Avatar.tsx')>();
  return {
    ...original,
    Avatar: (props: AvatarProps) => {
      avatarRenders.names.push(props.user.firstName);
      return createElement(original.Avatar, props);
    },
  };
});

useFakeLayout();

const renderSignedIn = useSignedInMessenger();

async function openGroup() {
  const server = await renderSignedIn();
  act(() => server.sync());
  const list = await screen.findByRole('list', { name: 'Conversations' });
  await userEvent.click(
    within(list).getByRole('button', { name: conversationRowName('Capsule Corp') }),
  );
  return { server, list };
}

describe('typing in the composer', () => {
  it('re-renders neither the sidebar rows nor the header nor the message bubbles', async () => {
    await openGroup();
    const composer = screen.getByRole('textbox', { name: 'Message' });
    avatarRenders.names.length = 0;
    await userEvent.type(composer, 'Hello there');
    expect((composer as HTMLTextAreaElement).value).toBe('Hello there');
    expect(avatarRenders.names).toEqual([]);
  });

  it('a new message re-renders its conversation’s row and its own bubble, nothing else', async () => {
    const { server } = await openGroup();
    avatarRenders.names.length = 0;
    // The next seq after the sync's five messages, so nothing is missing in between.
    const message = msg(groupId, 5, goku.id, 'Lunch?');
    act(() =>
      server.push({
        conversation: {
          id: groupId,
          kind: 'group',
          title: 'Capsule Corp',
          drafting: [],
          lastMessage: message,
        },
        message,
      }),
    );
    expect(screen.getByRole('log', { name: 'Messages' }).textContent).toContain('Lunch?');
    // The group's sidebar row and Goku's new bubble draw; the DM's row, the header and the
    // bubbles already shown (Bulma's and Goku's earlier runs) do not.
    expect(avatarRenders.names).toEqual(['Capsule Corp', 'Goku']);
  });
});
