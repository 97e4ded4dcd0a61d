// The events between actors as a sequence diagram (model: live/sequence.ts): one column per
// lifeline (outside, then the actors in the tree's order), one row per event, an arrow from
// the sender's column to the target's, labelled with the event type and the state it led to.
// HTML, not SVG: rows are list items a screen reader reads in order ("outside → conversation
// c1: message.submitted"), and with `onPickRecord` each is a button that picks its record.
import { Box, Typography } from '@mui/material';
import { useId, useMemo } from 'react';
import type { ActorTree } from '../live/actorTree.ts';
import {
  defaultSequenceMaxMessages,
  messageName,
  sequenceOf,
  type SequenceMessage,
} from '../live/sequence.ts';
import type { LiveRecord } from './useLiveRecords.ts';

export interface SequenceViewProps {
  records: readonly LiveRecord[];
  tree: ActorTree;
  /** The `seq` of the record to mark (the scrubbed-to one): aria-current and a highlight. */
  highlightSeq?: number;
  onPickRecord?(seq: number): void;
  /** Records drawn at most, the last ones (default 200). */
  maxMessages?: number;
}

const columnWidth = 150;
const rowHeight = 44;

/** Where an arrow from column `from` to column `to` (0-based) runs, in pixels. */
function arrowGeometry(from: number, to: number) {
  const left = Math.min(from, to);
  const right = Math.max(from, to);
  return {
    left: left * columnWidth + columnWidth / 2,
    width: (right - left) * columnWidth,
    pointsRight: to >= from,
  };
}

function MessageRow(props: {
  message: SequenceMessage;
  columns: ReadonlyMap<string, number>;
  count: number;
  highlighted: boolean;
  onPick: ((seq: number) => void) | undefined;
  descriptionId: string;
}) {
  const { message, columns, count, highlighted, onPick, descriptionId } = props;
  const from = columns.get(message.from) ?? 0;
  const to = columns.get(message.to) ?? 0;
  const self = message.from === message.to;
  const { left, width, pointsRight } = arrowGeometry(from, to);
  const name = messageName(message);
  const drawing = (
    <Box aria-hidden sx={{ position: 'relative', width: count * columnWidth, height: rowHeight }}>
      {self ? (
        <Box
          sx={{
            position: 'absolute',
            left: left,
            top: 18,
            width: 24,
            height: 16,
            border: 2,
            borderLeft: 0,
            borderColor: 'primary.main',
            borderRadius: '0 8px 8px 0',
          }}
        />
      ) : (
        <Box
          sx={{
            position: 'absolute',
            left,
            width,
            top: 28,
            borderTop: 2,
            borderColor: 'primary.main',
            '&::after': {
              content: '""',
              position: 'absolute',
              top: -7,
              [pointsRight ? 'right' : 'left']: -1,
              borderStyle: 'solid',
              borderColor: 'transparent',
              borderWidth: pointsRight ? '6px 0 6px 9px' : '6px 9px 6px 0',
              [pointsRight ? 'borderLeftColor' : 'borderRightColor']: 'primary.main',
            },
          }}
        />
      )}
      <Typography
        component="span"
        variant="caption"
        noWrap
        sx={{
          position: 'absolute',
          top: 4,
          left: self ? left + 28 : left + 6,
          maxWidth: Math.max(width, columnWidth) - 12,
          fontFamily: 'monospace',
        }}
      >
        {message.eventType}
      </Typography>
      <Typography
        component="span"
        variant="caption"
        noWrap
        sx={{
          color: 'text.secondary',
          position: 'absolute',
          top: 30,
          left: to * columnWidth + columnWidth / 2 + 4,
          maxWidth: columnWidth / 2 - 8,
        }}
      >
        {message.valueText}
      </Typography>
    </Box>
  );
  const named = {
    'aria-label': name,
    'aria-describedby': descriptionId,
    ...(highlighted ? { 'aria-current': 'true' as const } : {}),
  };
  const description = `now ${message.valueText}${message.status === 'active' ? '' : `, ${message.status}`}`;
  return (
    <Box
      component="li"
      // Named here, or on the button when there is one (never both: read once).
      {...(onPick ? {} : named)}
      sx={{
        listStyle: 'none',
        bgcolor: highlighted ? 'action.selected' : undefined,
      }}
    >
      <span id={descriptionId} hidden>
        {description}
      </span>
      {onPick ? (
        <Box
          component="button"
          type="button"
          {...named}
          onClick={() => onPick(message.seq)}
          sx={{
            display: 'block',
            p: 0,
            m: 0,
            border: 0,
            background: 'none',
            cursor: 'pointer',
            color: 'inherit',
            font: 'inherit',
            textAlign: 'left',
            '&:hover': { bgcolor: 'action.hover' },
            '&:focus-visible': { outline: 2, outlineColor: 'primary.main', outlineStyle: 'solid' },
          }}
        >
          {drawing}
        </Box>
      ) : (
        drawing
      )}
    </Box>
  );
}

export function SequenceView(props: SequenceViewProps) {
  const { records, tree, highlightSeq, onPickRecord } = props;
  const maxMessages = props.maxMessages ?? defaultSequenceMaxMessages;
  const model = useMemo(() => sequenceOf(records, tree, maxMessages), [records, tree, maxMessages]);
  const id = useId();
  const columns = useMemo(
    () => new Map(model.lifelines.map((lifeline, index) => [lifeline.key, index])),
    [model.lifelines],
  );
  const count = model.lifelines.length;
  const width = Math.max(1, count) * columnWidth;

  return (
    <Box component="figure" aria-label="Sequence of events" sx={{ m: 0, overflow: 'auto' }}>
      {model.messages.length === 0 ? (
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          No events yet.
        </Typography>
      ) : (
        <Box sx={{ position: 'relative', width }}>
          {/* The lifelines: a dashed line down the middle of each column. */}
          <Box aria-hidden sx={{ position: 'absolute', inset: 0, pointerEvents: 'none' }}>
            {model.lifelines.map((lifeline, index) => (
              <Box
                key={lifeline.key}
                sx={{
                  position: 'absolute',
                  top: 0,
                  bottom: 0,
                  left: index * columnWidth + columnWidth / 2,
                  borderLeft: 1,
                  borderColor: 'divider',
                  borderLeftStyle: 'dashed',
                }}
              />
            ))}
          </Box>
          <Box
            component="ol"
            aria-label="Lifelines"
            sx={{
              display: 'flex',
              p: 0,
              m: 0,
              position: 'sticky',
              top: 0,
              zIndex: 1,
              bgcolor: 'background.paper',
            }}
          >
            {model.lifelines.map((lifeline) => (
              <Box
                component="li"
                key={lifeline.key}
                title={lifeline.sessionId ?? 'outside the actor system'}
                sx={{
                  listStyle: 'none',
                  width: columnWidth,
                  flex: 'none',
                  px: 0.5,
                  py: 0.5,
                  textAlign: 'center',
                }}
              >
                <Typography
                  variant="body2"
                  noWrap
                  sx={{ border: 1, borderColor: 'divider', borderRadius: 1, px: 0.5 }}
                >
                  {lifeline.label}
                </Typography>
              </Box>
            ))}
          </Box>
          {model.omitted > 0 ? (
            <Typography variant="caption" sx={{ color: 'text.secondary', display: 'block', px: 1 }}>
              {model.omitted} earlier {model.omitted === 1 ? 'event' : 'events'} not shown
            </Typography>
          ) : null}
          <Box component="ol" aria-label="Messages" sx={{ p: 0, m: 0 }}>
            {model.messages.map((message) => (
              <MessageRow
                key={message.seq}
                message={message}
                columns={columns}
                count={count}
                highlighted={message.seq === highlightSeq}
                onPick={onPickRecord}
                descriptionId={`${id}-m${message.seq}`}
              />
            ))}
          </Box>
        </Box>
      )}
    </Box>
  );
}
