import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import Box from '@mui/material/Box';
import Fab from '@mui/material/Fab';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import KeyboardArrowDownIcon from '@mui/icons-material/KeyboardArrowDown';
import { insetFocusRing } from '../theme.ts';
import { DaySeparator, NewMessagesSeparator } from './DaySeparator.tsx';
import { MessageBubble } from './MessageBubble.tsx';
import type { LogRow } from './logRows.ts';
import { useNow } from './useNow.ts';

export interface MessageLogProps {
  rows: readonly LogRow[];
  isGroup: boolean;
  /** Older messages exist on the server before the first row. */
  hasMore: boolean;
  isLoadingOlder: boolean;
  onLoadOlder: () => void;
  onRetry: (messageKey: string) => void;
  /** Groups only: Message info for one of the user's own messages (by seq). */
  onShowInfo?: (seq: number) => void;
  /**
   * The message to go to now (the conversation's jump arrived), by seq: the log centres it, or
   * the nearest one shown (the original may be gone), highlights it and calls `onJumpShown`.
   */
  jumpSeq?: number | null;
  /** Older pages are being loaded to reach a message: the log is busy. */
  seekingMessage?: boolean;
  onJumpToMessage?: (seq: number) => void;
  onJumpShown?: () => void;
}

/** Older history is asked for while the reader is this close to the top. */
const LOAD_OLDER_WITHIN_PX = 400;
/** Farther than this from the newest message, offer a way back. */
const JUMP_TO_LATEST_AFTER_PX = 300;
/** How long the message the log was taken to stays highlighted. */
export const JUMP_HIGHLIGHT_MS = 2_000;

/** The row of the message with `seq`, or of the nearest one shown (the later on a tie). */
export function nearestMessageIndex(rows: readonly LogRow[], seq: number): number {
  let best = -1;
  let bestDistance = Infinity;
  rows.forEach((row, index) => {
    if (row.kind !== 'message' || row.message.seq === null) return;
    const distance = Math.abs(row.message.seq - seq);
    if (distance <= bestDistance && (distance < bestDistance || row.message.seq > seq)) {
      best = index;
      bestDistance = distance;
    }
  });
  return best;
}

/**
 * The conversation's messages, virtualized: only the rows near the viewport exist in the DOM,
 * each measured after render so rows of any height line up. The list is anchored to its end,
 * so it opens at the newest message, follows new ones while the reader is at the bottom, and
 * keeps the reader's place when an older page is prepended above. Memoized: the composer's
 * keystrokes change none of its props, so typing never re-renders the log.
 */
export const MessageLog = memo(function MessageLog({
  rows,
  isGroup,
  hasMore,
  isLoadingOlder,
  onLoadOlder,
  onRetry,
  onShowInfo,
  jumpSeq = null,
  seekingMessage = false,
  onJumpToMessage,
  onJumpShown,
}: MessageLogProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const now = useNow();
  // The virtualizer is mutable by design (it measures rows as they mount), which React Compiler
  // cannot memoize; this component is not compiled, and nothing memoized receives the instance.
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (rows[index]?.kind === 'message' ? 60 : 40),
    getItemKey: (index) => rows[index]?.key ?? index,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: 80,
    overscan: 4,
    // Breathing room so the newest bubble does not touch the composer.
    paddingEnd: 12,
  });

  // Open at the first unread message, below "New messages", or else at the newest (the log is
  // remounted per conversation).
  const unreadIndex = rows.findIndex((row) => row.kind === 'unread');
  const openedAt = useRef(unreadIndex);
  useLayoutEffect(() => {
    if (openedAt.current >= 0) virtualizer.scrollToIndex(openedAt.current, { align: 'start' });
    else virtualizer.scrollToEnd();
  }, [virtualizer]);

  // The user's own new message always brings the log down to it, even when scrolled up.
  const lastRow = rows.at(-1);
  const ownLastKey = lastRow?.kind === 'message' && lastRow.message.isOwn ? lastRow.key : undefined;
  const previousOwnLastKey = useRef(ownLastKey);
  useLayoutEffect(() => {
    if (ownLastKey !== undefined && ownLastKey !== previousOwnLastKey.current) {
      virtualizer.scrollToEnd();
    }
    previousOwnLastKey.current = ownLastKey;
  }, [ownLastKey, virtualizer]);

  // Taken to a message (a reply's original, a search hit): centred and highlighted once, then
  // the conversation hears it was shown, so no later render scrolls there again.
  const [jumpedKey, setJumpedKey] = useState<string | null>(null);
  useLayoutEffect(() => {
    if (jumpSeq === null) return;
    const index = nearestMessageIndex(rows, jumpSeq);
    const target = rows[index];
    if (target) {
      virtualizer.scrollToIndex(index, { align: 'center' });
      setJumpedKey(target.key);
    }
    onJumpShown?.();
  }, [jumpSeq, rows, virtualizer, onJumpShown]);
  useEffect(() => {
    if (jumpedKey === null) return;
    const timer = setTimeout(() => setJumpedKey(null), JUMP_HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [jumpedKey]);

  const lastScrollTop = useRef(0);
  const lastScrollHeight = useRef(0);
  const maybeLoadOlder = () => {
    const element = scrollRef.current;
    if (!element) return;
    // Only the reader moving up counts: the log's own settling at mount can pass near the top,
    // and a log whose content changed height (a pending bubble replaced by the stored message)
    // moves its scroll position without the reader.
    const resized = element.scrollHeight !== lastScrollHeight.current;
    const movingUp = !resized && element.scrollTop < lastScrollTop.current;
    lastScrollTop.current = element.scrollTop;
    lastScrollHeight.current = element.scrollHeight;
    if (!hasMore || isLoadingOlder) return;
    const fitsWithoutScrolling = element.scrollHeight <= element.clientHeight;
    if (fitsWithoutScrolling || (movingUp && element.scrollTop < LOAD_OLDER_WITHIN_PX)) {
      onLoadOlder();
    }
  };
  // A first page too short to scroll can never produce a scroll event: ask right away.
  useEffect(() => {
    const element = scrollRef.current;
    if (element && element.scrollHeight <= element.clientHeight) maybeLoadOlder();
  });

  const showJumpToLatest = virtualizer.getDistanceFromEnd() > JUMP_TO_LATEST_AFTER_PX;

  return (
    <Box sx={{ position: 'relative', flex: 1, minHeight: 0 }}>
      {isLoadingOlder && (
        <LinearProgress
          aria-label="Loading older messages"
          sx={{ position: 'absolute', top: 0, left: 0, right: 0, zIndex: 1 }}
        />
      )}
      <Box
        ref={scrollRef}
        role="log"
        aria-label="Messages"
        aria-busy={seekingMessage}
        tabIndex={0}
        onScroll={maybeLoadOlder}
        sx={(current) => ({
          height: '100%',
          overflowY: 'auto',
          overflowAnchor: 'none',
          outline: 'none',
          // Reached with Tab (it scrolls with the arrow keys): the theme's ring shows it.
          '&:focus-visible': insetFocusRing(current),
        })}
      >
        {rows.length === 0 ? (
          <Typography sx={{ color: 'text.secondary', textAlign: 'center', mt: 4 }}>
            No messages yet. Say hello!
          </Typography>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    width: '100%',
                    transform: `translateY(${item.start}px)`,
                  }}
                >
                  {row.kind === 'day' ? (
                    <DaySeparator sentAt={row.sentAt} now={now} />
                  ) : row.kind === 'unread' ? (
                    <NewMessagesSeparator />
                  ) : (
                    <MessageBubble
                      row={row}
                      isGroup={isGroup}
                      onRetry={onRetry}
                      {...(isGroup && onShowInfo ? { onShowInfo } : {})}
                      {...(onJumpToMessage ? { onJumpToMessage } : {})}
                      jumpedTo={row.key === jumpedKey}
                    />
                  )}
                </div>
              );
            })}
          </div>
        )}
      </Box>
      {showJumpToLatest && (
        <Fab
          size="small"
          color="primary"
          aria-label="Jump to latest"
          onClick={() => virtualizer.scrollToEnd({ behavior: 'smooth' })}
          sx={{ position: 'absolute', right: 16, bottom: 16 }}
        >
          <KeyboardArrowDownIcon />
        </Fab>
      )}
    </Box>
  );
});
