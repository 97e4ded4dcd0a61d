// @vitest-environment jsdom
// The membership model's paths (tests/model/models.ts), executed against the real views: the real
// App over the real app machine, signed in with a saved token, the scripted socket played as the
// chat server (signedInWorld.tsx). The first sync makes the user the admin of the group "Capsule
// Corp" (so Remove is offered); the path starts with the group open and its Group info dialog
// shown, where leaving and removing happen.
//
// How each model event happens (by type and payload, never by path position):
// - leave.requested: the user clicks "Leave group", then "Leave" in the warning that asks again.
//   While a request is in flight the buttons are disabled: nothing can be clicked, nothing done.
// - removal.requested (Goku): the user clicks "Remove Goku Son"; disabled (or replaced by its
//   progress) while a request is in flight: nothing done.
// - membership.dismissed: the user closes the error alert; with no error shown, nothing.
// - leave.done / leave.failed / removal.done / removal.failed: the server acks (or fails) the
//   `leaveConversation` / `removeMember` the app sent, for the conversation and member the event
//   names (delivered to systemId "membership" as the real transport does). With no such request
//   outstanding on the current connection (a late answer about another group or member, or one
//   lost with its connection) there is no real cause: sent to the machine directly.
//   The server's follow-up pushes (conversationRemoved, memberLeft) are the messenger's and the
//   conversation's business (their adapters push them); they are not sent here, so the group
//   and its members stay on screen.
// - connection.lost: the server drops the socket (the messenger forwards it); when the session
//   is not live it is first brought back (connected, its sync answered) so there is one to lose.
//
// What is asserted per step (in the Group info dialog of the open group):
// - leaving <-> the confirming button reads "Leaving…"; removing + `user` <-> the progress
//   "Removing Goku Son" in the member's row; otherwise neither.
// - `error` <-> an error alert (one that can be closed) is shown. leaveFailed and removalFailed
//   look the same (the server's message); `conversation` is observable only as the dialog of the
//   open group showing the request's state at all (the views show the state of its group only).
import { act, screen, within } from '@testing-library/react';
import type { EventObject, StateValue } from 'xstate';
import { systemIds, type SocketCommand } from '../../../machines/system.ts';
import { goku } from '../fixtures.ts';
import type { Facts } from '../modelKit.ts';
import { models } from '../models.ts';
import { createTally, describeAdapter, expectKnownFacts } from '../realKit.ts';
import {
  startWorld,
  titles,
  type World,
  adminSync,
  loseConnection,
  runViewsPath,
} from './signedInWorld.tsx';
import { conversationRowName } from '../../unit/support/conversationRows.ts';

const knownFacts = ['conversation', 'user', 'error'] as const;
const GROUP = 'c-group';
const GOKU = `${goku.firstName} ${goku.lastName}`;

const count = createTally();

interface Seen {
  dialog: boolean;
  leaving: boolean;
  removing: string | null;
  error: boolean;
}

const dialog = () => screen.queryByRole('dialog', { name: titles[GROUP] });

function seenOnScreen(): Seen {
  const box = dialog();
  if (!box) return { dialog: false, leaving: false, removing: null, error: false };
  const removing = within(box).queryByRole('progressbar', { name: /^Removing / });
  const alerts = within(box).queryAllByRole('alert');
  return {
    dialog: true,
    leaving: within(box).queryByRole('button', { name: 'Leaving…' }) !== null,
    removing: removing?.getAttribute('aria-label')?.replace(/^Removing /, '') ?? null,
    error: alerts.some((alert) => within(alert).queryByRole('button', { name: 'Close' }) !== null),
  };
}

function expectedOnScreen(value: StateValue, facts: Facts): Seen {
  return {
    dialog: true,
    leaving: value === 'leaving' && facts.conversation === GROUP,
    removing: value === 'removing' && facts.user === goku.id ? GOKU : null,
    error: facts.error === true,
  };
}

async function perform(world: World, event: EventObject & Record<string, unknown>): Promise<void> {
  const direct = (why: string) => {
    count(`${event.type}: sent to membership (${why})`);
    world.tell(systemIds.membership, event);
  };
  const box = dialog();
  if (!box) throw new Error('the Group info dialog is not shown');
  const answer = async (
    type: SocketCommand['type'],
    matches: (command: SocketCommand) => boolean,
  ) => {
    const [request] = world.outstanding((c) => c.type === type && matches(c));
    if (!request) {
      direct(`no such ${type} outstanding: a late answer`);
      return;
    }
    request.answered = true;
    count(`${event.type}: the server answers the ${type}`);
    await world.ensureConnected();
    act(() => world.socket.toMembership(event as never));
  };
  const conversationId = event.conversationId as string | undefined;
  switch (event.type) {
    case 'leave.requested': {
      let confirm = within(box).queryByRole('button', { name: /^Leav(e|ing…)$/ });
      if (!confirm) {
        const leave = within(box).getByRole('button', { name: 'Leave group' });
        if (leave.hasAttribute('disabled')) {
          count('leave.requested: Leave group is disabled (a request in flight)');
          return;
        }
        await world.user.click(leave);
        confirm = within(box).getByRole('button', { name: /^Leav(e|ing…)$/ });
      }
      if (confirm.hasAttribute('disabled')) {
        count('leave.requested: Leave is disabled (a request in flight)');
        return;
      }
      count('leave.requested: click Leave group, then Leave');
      await world.user.click(confirm);
      return;
    }
    case 'removal.requested': {
      const remove = within(box).queryByRole('button', { name: `Remove ${GOKU}` });
      if (!remove || remove.hasAttribute('disabled')) {
        count('removal.requested: no Remove to click (a request in flight)');
        return;
      }
      count('removal.requested: click Remove Goku Son');
      await world.user.click(remove);
      return;
    }
    case 'membership.dismissed': {
      const alert = within(box)
        .queryAllByRole('alert')
        .find((each) => within(each).queryByRole('button', { name: 'Close' }) !== null);
      if (!alert) {
        count('membership.dismissed: no error to close');
        return;
      }
      count('membership.dismissed: close the error');
      await world.user.click(within(alert).getByRole('button', { name: 'Close' }));
      return;
    }
    case 'leave.done':
    case 'leave.failed':
      await answer(
        'leaveConversation',
        (c) => c.type === 'leaveConversation' && c.conversationId === conversationId,
      );
      return;
    case 'removal.done':
    case 'removal.failed':
      await answer(
        'removeMember',
        (c) =>
          c.type === 'removeMember' &&
          c.conversationId === conversationId &&
          c.userId === event.userId,
      );
      return;
    case 'connection.lost':
      await loseConnection(world, count, adminSync(), { comeBack: false });
      return;
    default:
      throw new Error(`membership.views does not know how to make ${event.type} happen`);
  }
}

describeAdapter('membership.views', models.membership!, async (path, recorder) => {
  expectKnownFacts('membership.views', path, knownFacts);
  await runViewsPath(path, recorder, {
    start: async (inspect) => {
      const world = await startWorld({ inspect, firstSync: false });
      await world.answerSync(adminSync());
      const list = await screen.findByRole('list', { name: 'Conversations' });
      await world.user.click(
        within(list).getByRole('button', { name: conversationRowName(titles[GROUP]) }),
      );
      await world.user.click(await screen.findByRole('button', { name: 'Group info' }));
      await screen.findByRole('dialog', { name: titles[GROUP] });
      return world;
    },
    perform: perform,
    seen: seenOnScreen,
    expected: expectedOnScreen,
  });
});
