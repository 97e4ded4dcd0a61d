// The running app's actors as an ARIA tree (flat items with levels, always expanded): one tab
// stop, arrow keys move (Left to the parent, Right to the first child), Home and End, Enter or
// Space picks the actor whose diagram and log the page shows.
import { Box, Typography } from '@mui/material';
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { ActorTreeRow, LiveActor } from '../live/actorTree.ts';
import { stateValueText } from './EventLog.tsx';

/** The actor's state value, and its status unless it is running (or the value says it). */
export function actorStateText(actor: LiveActor): string {
  const value = stateValueText(actor.value);
  return actor.status === 'active' || actor.status === value ? value : `${value}, ${actor.status}`;
}

export function ActorTreeView(props: {
  rows: readonly ActorTreeRow[];
  selectedKey: string | null;
  onSelect(actor: LiveActor): void;
  /** Whether the page can draw the actor's machine (it is in the registry). */
  canShow(actor: LiveActor): boolean;
}) {
  const { rows, selectedKey } = props;
  const id = useId();
  const items = useRef(new Map<string, HTMLElement>());
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  const tabStop =
    rows.find((row) => row.actor.key === focusedKey)?.actor.key ??
    rows.find((row) => row.actor.key === selectedKey)?.actor.key ??
    rows[0]?.actor.key;

  const moveTo = (key: string | null | undefined) => {
    if (!key) return;
    setFocusedKey(key);
    items.current.get(key)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const row = rows[index];
    if (!row) return;
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(rows[index + 1]?.actor.key),
      ArrowUp: () => moveTo(rows[index - 1]?.actor.key),
      Home: () => moveTo(rows[0]?.actor.key),
      End: () => moveTo(rows.at(-1)?.actor.key),
      ArrowLeft: () => moveTo(row.parentKey),
      ArrowRight: () => moveTo(row.hasChildren ? rows[index + 1]?.actor.key : null),
      Enter: () => (props.canShow(row.actor) ? props.onSelect(row.actor) : undefined),
      ' ': () => (props.canShow(row.actor) ? props.onSelect(row.actor) : undefined),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  return (
    <Box>
      <Typography id={`${id}-label`} variant="subtitle2">
        Actors
      </Typography>
      {rows.length === 0 ? (
        <Typography variant="body2">No actors heard from yet.</Typography>
      ) : null}
      <Box
        role="tree"
        aria-labelledby={`${id}-label`}
        sx={{ maxHeight: 280, overflow: 'auto', border: '1px solid #eee', borderRadius: 1 }}
      >
        {rows.map((row, index) => {
          const { actor } = row;
          const selected = actor.key === selectedKey;
          const showable = props.canShow(actor);
          const stateId = `${id}-state-${index}`;
          return (
            <Box
              key={actor.key}
              ref={(element: HTMLElement | null) => {
                if (element) items.current.set(actor.key, element);
                else items.current.delete(actor.key);
              }}
              role="treeitem"
              aria-level={row.level}
              aria-posinset={row.position}
              aria-setsize={row.siblings}
              aria-selected={selected}
              aria-disabled={showable ? undefined : true}
              aria-label={actor.label}
              aria-describedby={stateId}
              tabIndex={actor.key === tabStop ? 0 : -1}
              onFocus={() => setFocusedKey(actor.key)}
              onClick={() => (showable ? props.onSelect(actor) : undefined)}
              onKeyDown={(event) => onKeyDown(event, index)}
              title={`session ${actor.sessionId}${showable ? '' : ', machine not in the registry'}`}
              sx={{
                pl: 1 + (row.level - 1) * 2,
                pr: 1,
                py: 0.25,
                fontSize: 13,
                cursor: showable ? 'pointer' : 'default',
                bgcolor: selected ? 'action.selected' : undefined,
                opacity: actor.status === 'active' ? 1 : 0.6,
                '&:hover': { bgcolor: selected ? 'action.selected' : 'action.hover' },
                '&:focus-visible': { outline: '2px solid #1976d2', outlineOffset: -2 },
              }}
            >
              <Box component="span" sx={{ fontWeight: selected ? 600 : 400 }}>
                {actor.label}
              </Box>{' '}
              <Box
                component="span"
                id={stateId}
                sx={{
                  color: 'text.secondary',
                  fontFamily: 'monospace',
                  fontSize: 11,
                  overflowWrap: 'anywhere',
                }}
              >
                {actorStateText(actor)}
              </Box>
            </Box>
          );
        })}
      </Box>
    </Box>
  );
}
