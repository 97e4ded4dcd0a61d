import {
  Fragment,
  useEffect,
  useMemo,
  useRef,
  useState,
  type JSX,
  type KeyboardEvent,
} from 'react';
import { useAtomValue, useSetAtom } from 'jotai';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { Limits } from '../../../server/protocol.ts';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';
import type { MessageSearchHitView, MessageSearchView } from '../state/index.ts';
import { formatListTime } from './formatTime.ts';
import { useNow } from './useNow.ts';

const isMac = () => /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '');

/** Ctrl+K or Ctrl+F (⌘K, ⌘F on a Mac): the keys that open the search, as in Slack and Signal. */
export function isSearchShortcut(event: globalThis.KeyboardEvent, mac = isMac()): boolean {
  const key = event.key.toLowerCase();
  if (key !== 'k' && key !== 'f') return false;
  if (event.altKey || event.shiftKey || event.isComposing) return false;
  return mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
}

/** How far before the first highlight a long message's snippet starts (UTF-16 units). */
const snippetLead = 30;

/**
 * The part of a hit's text to show: all of it, or (when the first highlight is far in) from a
 * word shortly before it, after an ellipsis, with the highlights moved along.
 */
export function snippetOf(hit: Pick<MessageSearchHitView, 'text' | 'highlights'>): {
  text: string;
  highlights: (readonly [number, number])[];
} {
  const first = hit.highlights[0]?.[0] ?? 0;
  if (first <= snippetLead + 10) return { text: hit.text, highlights: [...hit.highlights] };
  const space = hit.text.lastIndexOf(' ', first - snippetLead);
  let from = space > 0 ? space + 1 : first - snippetLead;
  // Never split a surrogate pair.
  const unit = hit.text.charCodeAt(from);
  if (unit >= 0xdc00 && unit <= 0xdfff) from -= 1;
  const shift = 1 - from;
  return {
    text: `…${hit.text.slice(from)}`,
    highlights: hit.highlights.map(([start, end]) => [start + shift, end + shift] as const),
  };
}

/** The text with its highlighted ranges in <mark> (ranges in order, as the server sends them). */
function Highlighted({ hit }: { hit: MessageSearchHitView }): JSX.Element {
  const { text, highlights } = snippetOf(hit);
  const parts: JSX.Element[] = [];
  let at = 0;
  for (const [start, end] of highlights) {
    if (start < at || end <= start || end > text.length) continue;
    if (start > at) parts.push(<Fragment key={`t${at}`}>{text.slice(at, start)}</Fragment>);
    parts.push(
      <Box
        component="mark"
        key={`m${start}`}
        sx={{ bgcolor: 'warning.light', color: 'common.black' }}
      >
        {text.slice(start, end)}
      </Box>,
    );
    at = end;
  }
  if (at < text.length) parts.push(<Fragment key={`t${at}`}>{text.slice(at)}</Fragment>);
  return <>{parts}</>;
}

/** What the dialog says instead of (or after) hits: nothing typed, searching, none found. */
function statusText(view: MessageSearchView, hits: number): string | null {
  if (view.status === 'idle') return 'Search what was said in your conversations.';
  if (view.status !== 'found') return null;
  if (hits === 0) return `No messages found for “${view.query.trim()}”.`;
  return hits === 1 ? '1 message found' : `${hits} messages found`;
}

const hitId = (index: number) => `search-hit-${index}`;

/**
 * Search messages: the query (asked once the typing stops), the hits grouped under each
 * conversation's title, each with its author, time and the words found marked. Up and Down move
 * through the hits, Enter (or a click) opens one in its conversation, Escape closes. Everything
 * shown is the messageSearch machine's state; every control sends it an event. Ctrl/Cmd+K and
 * Ctrl/Cmd+F open it from anywhere in the messenger (not over another dialog).
 */
export function SearchDialog(): JSX.Element | null {
  const atoms = useAppAtoms();
  const view = useAtomValue(atoms.messageSearchAtom);
  const send = useSetAtom(atoms.sendToMessageSearchAtom);
  const inputRef = useRef<HTMLInputElement>(null);
  const open = view !== null;
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (!isSearchShortcut(event)) return;
      if (open) {
        event.preventDefault();
        inputRef.current?.focus();
        inputRef.current?.select();
        return;
      }
      if (document.querySelector('[role="dialog"]')) return;
      event.preventDefault();
      send({ type: 'search.opened' });
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [open, send]);
  if (!view) return null;
  return <SearchDialogOpen view={view} inputRef={inputRef} />;
}

function SearchDialogOpen({
  view,
  inputRef,
}: {
  view: MessageSearchView;
  inputRef: React.RefObject<HTMLInputElement | null>;
}): JSX.Element {
  const atoms = useAppAtoms();
  const send = useSetAtom(atoms.sendToMessageSearchAtom);
  const now = useNow();
  const close = () => send({ type: 'search.closed' });
  const hits = useMemo(() => view.groups.flatMap((group) => group.hits), [view.groups]);
  // Which hit Up/Down point at: the view's own (where the keyboard is), not the machine's. An
  // older page keeps the place; a new query starts again at the first hit.
  const [active, setActive] = useState(0);
  const [activeQuery, setActiveQuery] = useState(view.query);
  if (activeQuery !== view.query) {
    setActiveQuery(view.query);
    setActive(0);
  }
  const activeIndex = Math.min(active, hits.length - 1);
  const pick = (hit: MessageSearchHitView) => {
    send({ type: 'hit.picked', conversationId: hit.conversationId, seq: hit.seq });
    // The keyboard goes on in the conversation opened, not back to what opened the dialog
    // (which the dialog gives the focus back to as it goes).
    setTimeout(() => document.querySelector<HTMLElement>('main textarea')?.focus(), 0);
  };
  useEffect(() => {
    if (activeIndex < 0) return;
    document.getElementById(hitId(activeIndex))?.scrollIntoView?.({ block: 'nearest' });
  }, [activeIndex]);
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.nativeEvent.isComposing || hits.length === 0) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive(Math.max(0, Math.min(hits.length - 1, activeIndex + step)));
    } else if (event.key === 'Enter' && activeIndex >= 0) {
      event.preventDefault();
      pick(hits[activeIndex]!);
    }
  };
  const text = statusText(view, hits.length);
  const busy = view.status === 'debouncing' || view.status === 'searching';
  // Where each group's hits start in `hits` (the option ids and Up/Down count across groups).
  const starts = view.groups.map((_, at) =>
    view.groups.slice(0, at).reduce((sum, group) => sum + group.hits.length, 0),
  );
  return (
    <Dialog
      open
      onClose={close}
      fullWidth
      maxWidth="sm"
      aria-labelledby="search-title"
      slotProps={{ paper: { sx: { height: 'min(640px, 90vh)' } } }}
    >
      <DialogTitle id="search-title">Search messages</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', minHeight: 0 }}>
        <TextField
          autoFocus
          fullWidth
          inputRef={inputRef}
          label="Search messages"
          value={view.query}
          onChange={(event) => send({ type: 'query.changed', text: event.target.value })}
          onKeyDown={onKeyDown}
          slotProps={{
            htmlInput: {
              role: 'combobox',
              maxLength: Limits.messageSearchQueryMaxChars,
              autoComplete: 'off',
              'aria-autocomplete': 'list',
              'aria-expanded': hits.length > 0,
              'aria-controls': 'search-results',
              'aria-activedescendant': activeIndex >= 0 ? hitId(activeIndex) : undefined,
              'aria-describedby': 'search-status',
            },
          }}
          sx={{ mt: 1, flexShrink: 0 }}
        />
        <Box role="status" aria-live="polite" id="search-status" sx={{ mt: 1, flexShrink: 0 }}>
          {busy && (
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, color: 'text.secondary' }}>
              <CircularProgress size={16} aria-hidden />
              <Typography variant="body2">Searching…</Typography>
            </Box>
          )}
          {text && (
            <Typography variant="body2" sx={{ color: 'text.secondary' }}>
              {text}
            </Typography>
          )}
        </Box>
        {view.status === 'failed' && view.error && (
          <Failure error={view.error} onRetry={() => send({ type: 'search.retried' })} />
        )}
        <Box
          id="search-results"
          role="listbox"
          aria-label="Messages found"
          hidden={hits.length === 0}
          sx={{ overflowY: 'auto', flex: 1, minHeight: 0, mt: 1 }}
        >
          {view.groups.map((group, groupIndex) => (
            <Box
              key={`${group.conversationId}-${groupIndex}`}
              role="group"
              aria-labelledby={`search-group-${groupIndex}`}
            >
              <Typography
                id={`search-group-${groupIndex}`}
                role="presentation"
                variant="subtitle2"
                sx={{ color: 'text.secondary', px: 1, pt: 1.5, pb: 0.5 }}
              >
                {group.title}
              </Typography>
              {group.hits.map((hit, hitIndex) => {
                const at = (starts[groupIndex] ?? 0) + hitIndex;
                const selected = at === activeIndex;
                return (
                  <Box
                    key={`${hit.conversationId}-${hit.seq}`}
                    id={hitId(at)}
                    role="option"
                    aria-selected={selected}
                    onClick={() => pick(hit)}
                    onMouseMove={() => {
                      if (!selected) setActive(at);
                    }}
                    sx={{
                      px: 1,
                      py: 0.75,
                      borderRadius: 1,
                      cursor: 'pointer',
                      bgcolor: selected ? 'action.selected' : 'transparent',
                    }}
                  >
                    <Box sx={{ display: 'flex', justifyContent: 'space-between', gap: 1 }}>
                      <Typography variant="body2" sx={{ fontWeight: 600 }}>
                        {hit.author}
                      </Typography>
                      <Typography variant="caption" sx={{ color: 'text.secondary' }}>
                        {formatListTime(hit.sentAt, now)}
                      </Typography>
                    </Box>
                    <Typography
                      variant="body2"
                      sx={{
                        overflowWrap: 'anywhere',
                        display: '-webkit-box',
                        WebkitLineClamp: 3,
                        WebkitBoxOrient: 'vertical',
                        overflow: 'hidden',
                      }}
                    >
                      <Highlighted hit={hit} />
                    </Typography>
                  </Box>
                );
              })}
            </Box>
          ))}
        </Box>
        {view.status === 'moreFailed' && view.error && (
          <Failure
            error={`Could not load older results. ${view.error}`}
            onRetry={() => send({ type: 'search.retried' })}
          />
        )}
        {((view.status === 'found' && view.hasMore) || view.status === 'loadingMore') && (
          <Box sx={{ display: 'flex', justifyContent: 'center', mt: 1, flexShrink: 0 }}>
            <Button
              onClick={() => send({ type: 'olderResults.requested' })}
              disabled={view.status === 'loadingMore'}
            >
              {view.status === 'loadingMore' ? 'Loading older results…' : 'Load older results'}
            </Button>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

function Failure({ error, onRetry }: { error: string; onRetry: () => void }): JSX.Element {
  return (
    <Alert
      severity="error"
      role="alert"
      sx={{ mt: 1, flexShrink: 0 }}
      action={
        <Button color="inherit" size="small" onClick={onRetry}>
          Retry
        </Button>
      }
    >
      {error}
    </Alert>
  );
}
