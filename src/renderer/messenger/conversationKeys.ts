// Alt+Up / Alt+Down move to the conversation above or below the open one in the list, as in
// Telegram Desktop and Signal (Signal: Alt+Up/Down too); with none open, Alt+Down opens the
// first and Alt+Up the last. Not while a dialog is open (it owns the keyboard), not while an IME
// composes, and not with other modifiers (Shift+Alt+arrows select text on some systems).
import { useEffect } from 'react';

/** The conversation Alt+arrow moves to from `openId`, or null (the end of the list). */
export function neighbourId(
  ids: readonly string[],
  openId: string | null,
  direction: 'up' | 'down',
): string | null {
  if (ids.length === 0) return null;
  const at = openId === null ? -1 : ids.indexOf(openId);
  if (at === -1) return direction === 'down' ? ids[0]! : ids.at(-1)!;
  const next = direction === 'down' ? at + 1 : at - 1;
  return ids[next] ?? null;
}

export function useConversationSwitchKeys(
  ids: readonly string[],
  openId: string | null,
  select: (conversationId: string) => void,
): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
      if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (event.defaultPrevented || event.isComposing) return;
      if (document.querySelector('[role="dialog"]')) return;
      const target = neighbourId(ids, openId, event.key === 'ArrowDown' ? 'down' : 'up');
      event.preventDefault();
      if (target !== null && target !== openId) select(target);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [ids, openId, select]);
}
