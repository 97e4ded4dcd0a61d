// @vitest-environment jsdom
// Typing in the composer must not re-render the sidebar's rows, the header or the message
// bubbles: counted through the Avatar every one of them draws (the group shows avatars on
// others' messages, the header and every sidebar row show one).
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { AvatarProps } from '../../../../src/renderer/components/Avatar.tsx';
import { groupId } from './fakeChat.ts';
import { useFakeLayout } from './fakeLayout.ts';
import { useSignedInMessenger } from './renderMessenger.tsx';
import { goku } from './fixtures.ts';

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
  await userEvent.click(within(list).getByRole('button', { name: 'Capsule Corp' }));
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

  it('still re-renders what a new message changes (the counter sees renders)', async () => {
    const { server } = await openGroup();
    avatarRenders.names.length = 0;
    const message = {
      id: `${groupId}-9`,
      conversationId: groupId,
      authorId: goku.id,
      text: 'Lunch?',
      sentAt: Date.now(),
      seq: 9,
      clientMessageId: null,
    };
    act(() =>
      server.emit({
        type: 'socket.channelUpdate',
        update: {
          conversation: {
            id: groupId,
            kind: 'group',
            title: 'Capsule Corp',
            drafting: [],
            lastMessage: message,
          },
          message,
        },
      }),
    );
    expect(screen.getByRole('log', { name: 'Messages' }).textContent).toContain('Lunch?');
    // The group's sidebar row and Goku's new bubble draw, the DM's row does not.
    expect(avatarRenders.names).toContain('Goku');
    expect(avatarRenders.names).toContain('Capsule Corp');
    expect(avatarRenders.names).not.toContain('Vegeta');
  });
});
