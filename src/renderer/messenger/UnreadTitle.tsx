import { useEffect } from 'react';
import { useAtomValue } from 'jotai';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';

/** The window's title with the unread count, "(3) Parley", as Telegram and Signal show it. */
export function titleFor(unread: number): string {
  if (unread <= 0) return 'Parley';
  return `(${unread > 999 ? '999+' : unread}) Parley`;
}

/**
 * Keeps the window title counting unread messages across all conversations (the desktop shell's
 * window and taskbar entry take the page's title).
 */
export function UnreadTitle(): null {
  const atoms = useAppAtoms();
  const rows = useAtomValue(atoms.sidebarRowsAtom);
  const unread = rows.reduce((sum, row) => sum + row.unreadCount, 0);
  useEffect(() => {
    document.title = titleFor(unread);
  }, [unread]);
  useEffect(
    () => () => {
      document.title = titleFor(0);
    },
    [],
  );
  return null;
}
