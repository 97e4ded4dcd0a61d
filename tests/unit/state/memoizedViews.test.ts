// A keystroke makes a new messenger snapshot with a new draft and nothing else the sidebar or
// the message log shows: the derived atoms must hand back the same objects, or every row and
// bubble re-renders per key (503 ms per keystroke with 1,002 conversations before this).
import { afterEach, describe, expect, it } from 'vitest';
import { groupUpdate } from '../../model/fixtures.ts';
import { startApp } from './harness.ts';

let app: Awaited<ReturnType<typeof startApp>> | undefined;
afterEach(() => app?.stop());

async function typingInTheGroup() {
  app = await startApp({ savedToken: 'saved' });
  app.goLive();
  app.store.set(app.atoms.sendToMessengerAtom, {
    type: 'conversation.selected',
    conversationId: 'c-group',
  });
  return app;
}

describe('derived atoms across draft changes', () => {
  it('keeps the sidebar rows, the message list and the header data as the same objects', async () => {
    const { store, atoms } = await typingInTheGroup();
    const rows = store.get(atoms.sidebarRowsAtom);
    const view = store.get(atoms.openConversationAtom);
    for (const text of ['H', 'He', 'Hey']) {
      store.set(atoms.sendToMessengerAtom, { type: 'draft.changed', text });
    }
    const typed = store.get(atoms.openConversationAtom);
    expect(typed?.draft).toBe('Hey');
    expect(store.get(atoms.sidebarRowsAtom)).toBe(rows);
    expect(typed?.messages).toBe(view?.messages);
    expect(typed?.usersById).toBe(view?.usersById);
    expect(typed?.avatar).toBe(view?.avatar);
  });

  it('rebuilds only the row and the message that changed when a message arrives', async () => {
    const { store, atoms, emit } = await typingInTheGroup();
    const [groupRow, dmRow] = store.get(atoms.sidebarRowsAtom);
    const before = store.get(atoms.openConversationAtom)?.messages ?? [];
    emit({ type: 'socket.channelUpdate', update: groupUpdate('Who is coming?', 6) });
    const [groupAfter, dmAfter] = store.get(atoms.sidebarRowsAtom);
    expect(groupAfter?.preview).toBe('Goku: Who is coming?');
    expect(groupAfter).not.toBe(groupRow);
    expect(dmAfter).toBe(dmRow);
    const after = store.get(atoms.openConversationAtom)?.messages ?? [];
    expect(after.map((message) => message.text)).toEqual([
      ...before.map((message) => message.text),
      'Who is coming?',
    ]);
    expect(after.slice(0, before.length).every((message, index) => message === before[index])).toBe(
      true,
    );
  });

  it('gives fresh rows when the selection moves, so the highlight follows it', async () => {
    const { store, atoms } = await typingInTheGroup();
    const rows = store.get(atoms.sidebarRowsAtom);
    store.set(atoms.sendToMessengerAtom, {
      type: 'conversation.selected',
      conversationId: rows[1]?.id ?? '',
    });
    const moved = store.get(atoms.sidebarRowsAtom);
    expect(moved.map((row) => row.selected)).toEqual([false, true]);
    expect(store.get(atoms.openConversationAtom)?.title).toBe(moved[1]?.title);
  });
});
