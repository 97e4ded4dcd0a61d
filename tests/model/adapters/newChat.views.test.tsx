// @vitest-environment jsdom
// The newChat model's paths (tests/model/models.ts), executed against the real views: the real
// App over the real app machine, signed in with a saved token, the scripted socket played as the
// chat server (signedInWorld.tsx). The first sync makes the user the admin of the group "Capsule
// Corp" (so its Group info offers Add people). The path starts with the list up, the dialog closed.
//
// How each model event happens (by type and payload, never by path position):
// - newChat.opened: with the dialog closed, direct <-> the user clicks "New chat" in the
//   sidebar; group <-> "New chat", then "New group"; add (c-group) <-> the user opens the group,
//   its Group info, and clicks "Add people" (the views exclude all its members, the model only
//   Goku: the same people are offered, Krillin). With the dialog open, group <-> "New group" in
//   the DM search (shown while the query is blank); otherwise the dialog covers the sidebar:
//   sent to the machine (systemId "newChat") directly.
// - newChat.closed: the user clicks Cancel.
// - query.changed / title.changed: the user types the text into "Name or phone number" / "Group
//   name", replacing what is there (key by key: each keystroke is a change, the last one the
//   event's text). With the field not shown (the search is hidden while naming, the name field
//   while searching) there is no real cause: sent directly.
// - the search timer (xstate.after.searchDelay): the simulated clock moves on 250 ms while the
//   query is being typed; otherwise there is no timer and nothing is done.
// - search.retried: the user clicks "Search again"; not shown: sent directly.
// - people.found / people.failed: the server answers the `searchPeople` with the event's
//   searchId, if the app sent it and it is outstanding on this connection; else (an answer to a
//   search never asked, or lost with its connection) sent directly.
// - person.picked (Krillin): the user clicks Krillin in "People found"; a row disabled while a
//   request is in flight cannot be clicked (nothing done); Krillin not listed: sent directly.
// - person.unpicked (Krillin): the user presses Delete on Krillin's chip in "Picked"; no chip:
//   sent directly.
// - members.confirmed / group.submitted / naming.back: the user clicks Next or Add / Create
//   group / Back; disabled (nothing picked, a name the server would refuse, a request in
//   flight): nothing done; not shown: sent directly.
// - conversation.created / conversation.failed / members.added / members.failed: the server
//   answers the `createConversation` / `addMembers` with the event's requestId, if outstanding;
//   else sent directly (as for the search).
// - connection.lost: the server drops the socket (the messenger forwards it); when the session
//   is not live it is first brought back (connected, its sync answered) so there is one to lose.
//
// What is asserted per step:
// - closed <-> no dialog; open <-> the dialog, titled by `purpose` ("New message", "New group",
//   "Add people"), or "Name the group" in naming, creatingGroup and groupFailed.
// - creatingGroup <-> "Creating…"; adding <-> "Adding…"; creatingDirect and adding <-> the found
//   people's rows are disabled.
// - `error` <-> an error alert (the search's failure and the request's look alike).
// - search (while not naming): debouncing and searching <-> "Searching…"; failed <-> "Search
//   again"; idle <-> the hint "Search by name…"; `results` <-> the people listed in "People found";
//   `query` <-> the field holds a non-blank query.
// - `picked` <-> the chips in "Picked" (purposes group and add; a DM picks no one), or the
//   "With …" line while naming; `title` (valid) <-> Create group enabled while naming and idle.
import { act, screen, within } from '@testing-library/react';
import type { EventObject, StateValue } from 'xstate';
import { searchDelayMs } from '../../../machines/newChat.ts';
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

const knownFacts = ['purpose', 'query', 'results', 'picked', 'title', 'error'] as const;
const GROUP = 'c-group';
const searchTimer = 'xstate.after.searchDelay.newChat.open.search.debouncing';
const names: Record<string, string> = {
  'Krillin Monk': 'u-krillin',
  [`${goku.firstName} ${goku.lastName}`]: goku.id,
};
const dialogTitles = { direct: 'New message', group: 'New group', add: 'Add people' } as const;

const count = createTally();

// ---- what the user sees ------------------------------------------------------------------------

interface Seen {
  dialog: string | null;
  busy?: string | null;
  rowsDisabled?: boolean;
  error?: boolean;
  searching?: boolean;
  searchFailed?: boolean;
  hint?: boolean;
  results?: string;
  query?: boolean;
  picked?: number;
  titleValid?: boolean;
}

const openDialog = () =>
  screen.queryByRole('dialog', {
    name: /^(New message|New group|Add people|Name the group)$/,
  });

function seenOnScreen(): Seen {
  const box = openDialog();
  if (!box) return { dialog: null };
  const title = box.getAttribute('aria-labelledby')
    ? (document.getElementById(box.getAttribute('aria-labelledby')!)?.textContent ?? '?')
    : '?';
  const naming = title === 'Name the group';
  const seen: Seen = {
    dialog: title,
    busy: within(box).queryByRole('button', { name: /^(Creating…|Adding…)$/ })?.textContent ?? null,
    error: within(box).queryByRole('alert') !== null,
  };
  if (naming) {
    const line = within(box).getByText(/^With /).textContent ?? '';
    const many = /^With (\d+) people/.exec(line);
    seen.picked = many ? Number(many[1]) : 1;
    const create = within(box).queryByRole('button', { name: 'Create group' });
    if (create) seen.titleValid = !create.hasAttribute('disabled');
    return seen;
  }
  const found = within(box).queryByRole('list', { name: 'People found' });
  const rows = found ? within(found).queryAllByRole('button') : [];
  seen.searching = within(box).queryByText('Searching…') !== null;
  seen.searchFailed = within(box).queryByRole('button', { name: 'Search again' }) !== null;
  seen.hint = within(box).queryByText(/^Search by name/) !== null;
  // A row reads its avatar's initials, then the person's name.
  seen.results = rows
    .map((row) => {
      const text = row.textContent ?? '';
      return Object.entries(names).find(([name]) => text.endsWith(name))?.[1] ?? text;
    })
    .join(',');
  if (rows.length > 0) {
    seen.rowsDisabled = rows.every((row) => row.getAttribute('aria-disabled') === 'true');
  }
  const field = within(box).getByRole('searchbox', { name: 'Name or phone number' });
  seen.query = (field as HTMLInputElement).value.trim() !== '';
  if (title !== dialogTitles.direct) {
    const picked = within(box).queryByRole('list', { name: 'Picked' });
    seen.picked = picked ? within(picked).queryAllByRole('listitem').length : 0;
  }
  return seen;
}

function expectedOnScreen(value: StateValue, facts: Facts): Seen {
  if (value === 'closed') return { dialog: null };
  const open = (value as { open: { step: string; search: string } }).open;
  const { step, search } = open;
  const purpose = facts.purpose as keyof typeof dialogTitles;
  const naming = step === 'naming' || step === 'creatingGroup' || step === 'groupFailed';
  const expected: Seen = {
    dialog: naming ? 'Name the group' : dialogTitles[purpose],
    busy: step === 'creatingGroup' ? 'Creating…' : step === 'adding' ? 'Adding…' : null,
    error: facts.error === true,
  };
  if (naming) {
    expected.picked = facts.picked as number;
    if (step !== 'creatingGroup') expected.titleValid = facts.title === true;
    return expected;
  }
  expected.searching = search === 'debouncing' || search === 'searching';
  expected.searchFailed = search === 'failed';
  expected.hint = search === 'idle';
  expected.results = facts.results as string;
  if (facts.results !== '') expected.rowsDisabled = step === 'creatingDirect' || step === 'adding';
  expected.query = facts.query === true;
  if (purpose !== 'direct') expected.picked = facts.picked as number;
  return expected;
}

// ---- what the user and the server do -----------------------------------------------------------

const isDisabled = (element: HTMLElement) =>
  element.hasAttribute('disabled') || element.getAttribute('aria-disabled') === 'true';

async function typeInto(world: World, field: HTMLElement, text: string): Promise<void> {
  const length = (field as HTMLInputElement).value.length;
  await world.user.type(field, text, { initialSelectionStart: 0, initialSelectionEnd: length });
}

async function perform(world: World, event: EventObject & Record<string, unknown>): Promise<void> {
  const direct = (why: string) => {
    count(`${event.type}: sent to newChat (${why})`);
    world.tell(systemIds.newChat, event);
  };
  const box = openDialog();
  const button = (name: string | RegExp) =>
    box ? within(box).queryByRole('button', { name }) : null;
  const click = async (name: string | RegExp, what: string) => {
    const target = button(name);
    if (!target) {
      direct(`no ${what} shown`);
      return;
    }
    if (isDisabled(target)) {
      count(`${event.type}: ${what} is disabled`);
      return;
    }
    count(`${event.type}: click ${what}`);
    await world.user.click(target);
  };
  const answer = async (type: SocketCommand['type'], matches: (c: SocketCommand) => boolean) => {
    const [request] = world.outstanding((c) => c.type === type && matches(c));
    if (!request) {
      direct(`no such ${type} outstanding`);
      return;
    }
    request.answered = true;
    count(`${event.type}: the server answers the ${type}`);
    await world.ensureConnected();
    act(() => world.socket.toNewChat(event as never));
  };
  switch (event.type) {
    case 'newChat.opened': {
      const purpose = event.purpose as 'direct' | 'group' | 'add';
      if (box) {
        const newGroup = button('New group');
        if (purpose === 'group' && newGroup) {
          count('newChat.opened: click New group in the DM search');
          await world.user.click(newGroup);
        } else direct('the open dialog covers what opens it');
        return;
      }
      if (purpose === 'add') {
        count('newChat.opened: open the group, Group info, Add people');
        const list = screen.getByRole('list', { name: 'Conversations' });
        await world.user.click(
          within(list).getByRole('button', { name: conversationRowName(titles[GROUP]) }),
        );
        await world.user.click(await screen.findByRole('button', { name: 'Group info' }));
        const info = await screen.findByRole('dialog', { name: titles[GROUP] });
        await world.user.click(within(info).getByRole('button', { name: 'Add people' }));
        return;
      }
      count(`newChat.opened: click New chat${purpose === 'group' ? ', then New group' : ''}`);
      await world.user.click(screen.getByRole('button', { name: 'New chat' }));
      if (purpose === 'group') {
        const dialog = await screen.findByRole('dialog', { name: 'New message' });
        await world.user.click(within(dialog).getByRole('button', { name: 'New group' }));
      }
      return;
    }
    case 'newChat.closed':
      await click('Cancel', 'Cancel');
      return;
    case 'query.changed':
    case 'title.changed': {
      const field = box
        ? event.type === 'query.changed'
          ? within(box).queryByRole('searchbox', { name: 'Name or phone number' })
          : within(box).queryByRole('textbox', { name: 'Group name' })
        : null;
      if (!field) {
        direct('its field is not shown');
        return;
      }
      count(`${event.type}: type it`);
      await typeInto(world, field, event.text as string);
      return;
    }
    case searchTimer: {
      const snapshot = world.actor(systemIds.newChat)?.getSnapshot();
      if (!snapshot?.matches({ open: { search: 'debouncing' } })) {
        count(`${searchTimer}: no timer running`);
        return;
      }
      count(`${searchTimer}: the quiet time passes`);
      await world.advance(searchDelayMs);
      return;
    }
    case 'search.retried':
      await click('Search again', 'Search again');
      return;
    case 'people.found':
    case 'people.failed':
      await answer(
        'searchPeople',
        (c) => c.type === 'searchPeople' && c.searchId === event.searchId,
      );
      return;
    case 'person.picked': {
      const found = box ? within(box).queryByRole('list', { name: 'People found' }) : null;
      const row = found ? within(found).queryByRole('button', { name: /Krillin Monk/ }) : null;
      if (!row) {
        direct('Krillin is not listed');
        return;
      }
      if (isDisabled(row)) {
        count('person.picked: the row is disabled');
        return;
      }
      count('person.picked: click Krillin');
      await world.user.click(row);
      return;
    }
    case 'person.unpicked': {
      const picked = box ? within(box).queryByRole('list', { name: 'Picked' }) : null;
      const chip = picked ? within(picked).queryByRole('button', { name: /Krillin Monk/ }) : null;
      if (!chip) {
        direct('no chip for Krillin');
        return;
      }
      count('person.unpicked: Delete on the chip');
      act(() => chip.focus());
      await world.user.keyboard('{Delete}');
      return;
    }
    case 'members.confirmed':
      await click(/^(Next|Add|Adding…)$/, 'Next or Add');
      return;
    case 'group.submitted':
      await click(/^(Create group|Creating…)$/, 'Create group');
      return;
    case 'naming.back':
      await click('Back', 'Back');
      return;
    case 'conversation.created':
    case 'conversation.failed':
      await answer(
        'createConversation',
        (c) => c.type === 'createConversation' && c.requestId === event.requestId,
      );
      return;
    case 'members.added':
    case 'members.failed':
      await answer('addMembers', (c) => c.type === 'addMembers' && c.requestId === event.requestId);
      return;
    case 'connection.lost':
      await loseConnection(world, count, adminSync(), { comeBack: false });
      return;
    default:
      throw new Error(`newChat.views does not know how to make ${event.type} happen`);
  }
}

describeAdapter('newChat.views', models.newChat!, async (path, recorder) => {
  expectKnownFacts('newChat.views', path, knownFacts);
  await runViewsPath(path, recorder, {
    start: async (inspect) => {
      const world = await startWorld({ inspect, firstSync: false });
      await world.answerSync(adminSync());
      await screen.findByRole('list', { name: 'Conversations' });
      return world;
    },
    perform: perform,
    seen: seenOnScreen,
    expected: expectedOnScreen,
  });
});
