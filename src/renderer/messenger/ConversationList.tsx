import { memo, useContext, useEffect, useRef } from 'react';
import { atom, useAtomValue } from 'jotai';
import { useVirtualizer } from '@tanstack/react-virtual';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import { useNow } from './useNow.ts';
import type { SidebarRow } from '../state/index.ts';
import { AppAtomsContext } from '../components/AppAtomsContext.tsx';
import { ConversationListItem } from './ConversationListItem.tsx';
import { NotificationPrompt } from './NotificationPrompt.tsx';
import { SidebarHeader } from './SidebarHeader.tsx';

export interface ConversationListProps {
  rows: readonly SidebarRow[];
  onSelect: (conversationId: string) => void;
  onNewChat: () => void;
  /** A row to give the keyboard focus to (the conversation just closed), until it has it. */
  focusRowId?: string | null;
  onRowFocused?: () => void;
  onOpenSettings?: (() => void) | undefined;
  /** Opens the message search (absent: no Search button). */
  onSearch?: (() => void) | undefined;
}

/** Rendered on its own (tests of the list alone): nothing is muted and nothing is offered. */
const noneMutedAtom = atom<ReadonlySet<string>>(new Set<string>());

/** A row's height before it is measured (avatar 44 px plus padding). */
const ESTIMATED_ROW_HEIGHT = 62;

/**
 * The sidebar: every conversation, most recent first as the rows come. Virtualized, so a
 * thousand conversations cost what a screenful does: only the rows near the viewport exist in
 * the DOM, each entry telling assistive technology its place in the whole list. Memoized: the
 * rows keep their identity while nothing in them changes (a keystroke in the composer).
 */
export const ConversationList = memo(function ConversationList({
  rows,
  onSelect,
  onNewChat,
  focusRowId = null,
  onRowFocused,
  onOpenSettings,
  onSearch,
}: ConversationListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const now = useNow();
  const atoms = useContext(AppAtomsContext);
  const mutedIds = useAtomValue(atoms?.mutedIdsAtom ?? noneMutedAtom);
  // The virtualizer is mutable by design (it measures rows as they mount), which React Compiler
  // cannot memoize; nothing memoized receives the instance.
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_HEIGHT,
    getItemKey: (index) => rows[index]?.id ?? index,
    overscan: 6,
  });
  const focusIndex = focusRowId === null ? -1 : rows.findIndex((row) => row.id === focusRowId);
  // The request being served: scrolled for once, focused once (never again on later renders,
  // which would take the focus back from wherever the person moved it).
  const request = useRef<{ id: string; scrolled: boolean; done: boolean } | null>(null);
  // Until the row has the focus, each render tries: the row may be out of the rendered window
  // (scrolled in once), or the list still hidden behind a narrow window's conversation.
  useEffect(() => {
    if (focusRowId === null) {
      request.current = null;
      return;
    }
    if (request.current?.id !== focusRowId) {
      request.current = { id: focusRowId, scrolled: false, done: false };
    }
    const current = request.current;
    if (current.done) return;
    const button =
      focusIndex < 0
        ? null
        : scrollRef.current?.querySelector<HTMLElement>(
            `[data-index="${focusIndex}"] [role="button"]`,
          );
    button?.focus();
    if (focusIndex < 0 || (button && document.activeElement === button)) {
      current.done = true;
      onRowFocused?.();
    } else if (!current.scrolled) {
      current.scrolled = true;
      virtualizer.scrollToIndex(focusIndex, { align: 'auto' });
    }
  });
  return (
    <Box sx={{ height: '100%', display: 'flex', flexDirection: 'column' }}>
      <SidebarHeader onNewChat={onNewChat} onOpenSettings={onOpenSettings} onSearch={onSearch} />
      {atoms && <NotificationPrompt />}
      <Box ref={scrollRef} sx={{ flex: 1, minHeight: 0, overflowY: 'auto' }}>
        <List
          aria-label="Conversations"
          disablePadding
          style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
        >
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <li
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                aria-setsize={rows.length}
                aria-posinset={item.index + 1}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <ConversationListItem
                  row={row}
                  now={now}
                  onSelect={onSelect}
                  muted={mutedIds.has(row.id)}
                />
              </li>
            );
          })}
        </List>
      </Box>
    </Box>
  );
});
