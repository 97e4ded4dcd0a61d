// What the atoms guarantee the memoized views. A keystroke changes only the open conversation's
// actor, and only its draft: the sidebar's rows and the log's messages must stay the very same
// objects and no sidebar subscriber may hear of it, or every row and bubble re-renders per key
// (503 ms per keystroke with 1,002 conversations, before the views were memoized). A push
// changes one conversation: only its row, and only the new message, may be new objects.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { groupUpdate } from '../../model/fixtures.ts';
import { startApp } from './harness.ts';

let app: Awaited<ReturnType<typeof startApp>> | undefined;
afterEach(() => app?.stop());

async function inTheGroup() {
  app = await startApp({ savedToken: 'saved' });
  app.goLive();
  app.open('c-group');
  return app;
}

describe('a keystroke', () => {
  it('leaves the sidebar rows, the messages and the header data the same objects', async () => {
    const { store, atoms } = await inTheGroup();
    const rows = store.get(atoms.sidebarRowsAtom);
    const view = store.get(atoms.openConversationAtom);
    for (const text of ['H', 'He', 'Hey']) {
      store.set(atoms.sendToOpenConversationAtom, { type: 'draft.changed', text });
    }
    const typed = store.get(atoms.openConversationAtom);
    expect(typed?.draft).toBe('Hey');
    expect(store.get(atoms.sidebarRowsAtom)).toBe(rows);
    expect(typed?.messages).toBe(view?.messages);
    expect(typed?.usersById).toBe(view?.usersById);
    expect(typed?.avatar).toBe(view?.avatar);
  });

  it('notifies no subscriber of the sidebar, the typing line or the banner', async () => {
    const { store, atoms } = await inTheGroup();
    const sidebar = vi.fn<() => void>();
    const typing = vi.fn<() => void>();
    const banner = vi.fn<() => void>();
    const open = vi.fn<() => void>();
    const unsubscribe = [
      store.sub(atoms.sidebarRowsAtom, sidebar),
      store.sub(atoms.typingTextAtom, typing),
      store.sub(atoms.sessionBannerAtom, banner),
      store.sub(atoms.openConversationAtom, open),
    ];
    for (const text of ['H', 'He', 'Hey']) {
      store.set(atoms.sendToOpenConversationAtom, { type: 'draft.changed', text });
    }
    // The composer hears every key (so the counter can see notifications at all).
    expect(open).toHaveBeenCalledTimes(3);
    expect(sidebar).not.toHaveBeenCalled();
    expect(typing).not.toHaveBeenCalled();
    expect(banner).not.toHaveBeenCalled();
    for (const stop of unsubscribe) stop();
  });
});

describe('a push', () => {
  it('rebuilds only its row and adds only the new message', async () => {
    const { store, atoms, server } = await inTheGroup();
    const before = store.get(atoms.sidebarRowsAtom);
    const [groupRow, dmRow] = before;
    const view = store.get(atoms.openConversationAtom);
    const messages = view?.messages ?? [];
    server.push(groupUpdate('Who is coming?', 6));
    const after = store.get(atoms.sidebarRowsAtom);
    const [groupAfter, dmAfter] = after;
    expect(groupAfter?.preview).toBe('Goku: Who is coming?');
    expect(groupAfter).not.toBe(groupRow);
    expect(dmAfter).toBe(dmRow);
    const next = store.get(atoms.openConversationAtom);
    expect(next?.messages.map((message) => message.text)).toEqual([
      ...messages.map((message) => message.text),
      'Who is coming?',
    ]);
    for (const [index, row] of messages.entries()) expect(next?.messages[index]).toBe(row);
    // The header shows the same group: its title and picture stay the same objects.
    expect(next?.title).toBe(view?.title);
    expect(next?.avatar).toBe(view?.avatar);
  });

  it('to another conversation leaves the open one untouched', async () => {
    const { store, atoms, server } = await inTheGroup();
    const view = store.get(atoms.openConversationAtom);
    const open = vi.fn<() => void>();
    const unsubscribe = store.sub(atoms.openConversationAtom, open);
    const dm = store.get(atoms.sidebarRowsAtom)[1];
    server.push({
      conversation: {
        id: 'c-vegeta',
        kind: 'direct',
        title: 'Vegeta',
        lastMessage: null,
        drafting: ['u-vegeta'],
      },
      message: null,
    });
    expect(store.get(atoms.sidebarRowsAtom)[1]).not.toBe(dm);
    expect(store.get(atoms.sidebarRowsAtom)[1]?.isDrafting).toBe(true);
    expect(open).not.toHaveBeenCalled();
    expect(store.get(atoms.openConversationAtom)).toBe(view);
    unsubscribe();
  });
});

describe('the selection', () => {
  it('gives fresh rows when it moves, so the highlight follows it', async () => {
    const { store, atoms, open } = await inTheGroup();
    const rows = store.get(atoms.sidebarRowsAtom);
    expect(rows.map((row) => row.selected)).toEqual([true, false]);
    open(rows[1]?.id ?? '');
    const moved = store.get(atoms.sidebarRowsAtom);
    expect(moved.map((row) => row.selected)).toEqual([false, true]);
    expect(moved[0]).not.toBe(rows[0]);
    expect(store.get(atoms.openConversationAtom)?.title).toBe(moved[1]?.title);
  });
});
