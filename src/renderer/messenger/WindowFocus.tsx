import { useEffect } from 'react';
import { useSetAtom } from 'jotai';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';

/** Whether the person can see the window now: it has the focus and is not hidden. */
export function windowIsFocused(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

/**
 * Tells the messenger whether the window has the focus, now and on every change: an open
 * conversation counts as read only while it does (a message that comes while the person is in
 * another window stays unread, and is what a notification is for).
 */
export function WindowFocus(): null {
  const atoms = useAppAtoms();
  const send = useSetAtom(atoms.sendToMessengerAtom);
  useEffect(() => {
    const report = () => send({ type: windowIsFocused() ? 'window.focused' : 'window.blurred' });
    report();
    window.addEventListener('focus', report);
    window.addEventListener('blur', report);
    document.addEventListener('visibilitychange', report);
    return () => {
      window.removeEventListener('focus', report);
      window.removeEventListener('blur', report);
      document.removeEventListener('visibilitychange', report);
    };
  }, [send]);
  return null;
}
