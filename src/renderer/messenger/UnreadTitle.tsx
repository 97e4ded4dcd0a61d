import { useEffect } from 'react';
import { useAtomValue } from 'jotai';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';

/** The window's title with the unread count, "(3) Parley", as Telegram and Signal show it. */
export function titleFor(unread: number): string {
  if (unread <= 0) return 'Parley';
  return `(${unread > 999 ? '999+' : unread}) Parley`;
}

/**
 * Keeps the window title counting unread messages across the conversations not muted (the
 * desktop shell's window and taskbar entry take the page's title; the dock badge has the same
 * total, set by the renderer's entry).
 */
export function UnreadTitle(): null {
  const atoms = useAppAtoms();
  const unread = useAtomValue(atoms.unreadTotalAtom);
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
